/**
 * etp-em — electronic trading platforms (ETP) connected to the e-shop (электронный магазин) of the
 * procurement web portal: Requirements and Appendices 3, 4, 7 (`000_*.txt`). docs/rules.md §4, §6, §7.
 * No failure levels and no deadline extensions are set for ETPs.
 */
import type { ClockRule, LeadTimeRule, Policy, SlaTimer } from './types.ts';

export const SLA_TIMERS: readonly SlaTimer[] = [
  {
    id: 'SLA-E-ETP-REGISTER',
    duty: 'the ETP contact centre registers an appeal in the journal',
    startsAt: 'receipt of the appeal',
    spec: { kind: 'working-minutes', desk: 'etp-contact-centre', minutes: 15 },
    interpretation: '15 working minutes of the ETP contact centre (09:00–20:00 on working days)',
    source: '000 App.4 §1.3',
  },
  {
    id: 'SLA-E-ETP-ID',
    duty: 'incident id e-mailed to the user',
    startsAt: 'registration',
    spec: { kind: 'clock-minutes', minutes: 120 },
    interpretation: '2 hours of clock time',
    source: '000 App.4 §1.4',
  },
  {
    id: 'SLA-E-ETP-RESOLVE',
    duty: 'decision on an appeal',
    startsAt: 'receipt of the appeal',
    spec: { kind: 'working-days-from-opening', desk: 'etp-contact-centre', days: 3 },
    interpretation: 'the start moved to the next opening if outside working time, then + 3 working days keeping the wall-clock time',
    source: '000 App.4 §1.5',
    // «При отсутствии возможности предоставления решения в установленный срок, Контакт-центр ЭТП уведомляет о продлении срока
    // рассмотрения обращения пользователя и Единого оператора. При этом продление срока … не должно превышать 15 (пятнадцати) календарных дней.»
    extension: {
      times: 1,
      maxCalendarDays: 15,
      notify: ['user', 'operator'],
      interpretation:
        'once, by the operator, with a notice to the user and to the operator: the new due time is later than the current one and at most the original due time + 15 calendar days (same wall-clock time)',
      source: '000 App.4 §1.5',
    },
  },
];

/** "At least N days before": N whole days strictly between the notice's date and the start's date. */
export const LEAD_TIMES: readonly LeadTimeRule[] = [
  {
    audience: 'etp-owners',
    days: 2,
    unit: 'working',
    notice:
      'planned technical works, by the side doing them to the other (e-shop ↔ ETP); unplanned works at once, with the list and contacts of the people responsible (§40); works that make the e-shop or any of its services unavailable are also published on the portal (§41)',
    source: '000 App.7 §39',
  },
  {
    audience: 'etp-auth-rotation',
    days: 3,
    unit: 'working',
    notice: 'change of authentication data, with date and time',
    source: '000 App.7 §37',
  },
  {
    audience: 'etp-requisites',
    days: 15,
    unit: 'calendar',
    notice: 'change of requisites (name, BIN, domain, IP addresses)',
    source: '000 App.7 §36',
  },
];

/** Which timers run for an appeal, from which event, and what meets each. */
export const CLOCKS: readonly ClockRule[] = [
  { timer: 'SLA-E-ETP-REGISTER', start: 'received', met: 'registered', sources: ['appeal'] },
  { timer: 'SLA-E-ETP-ID', start: 'registered', met: 'manual', sources: ['appeal'] },
  { timer: 'SLA-E-ETP-RESOLVE', start: 'received', met: 'decided', sources: ['appeal'] },
];

export const ETP_EM = {
  id: 'etp-em' as const,
  system: 'electronic trading platforms connected to the e-shop',
  source: '000, Appendices 3, 4, 7',
  classification: [],
  slaTimers: SLA_TIMERS,
  clocks: CLOCKS,
  leadTimes: LEAD_TIMES,
  // Works on an ETP concern its owners (000 App.7 §39).
  notices: { maintenanceAudiences: ['etp-owners'] },
  figures: [
    {
      id: 'ETP-DISCONNECT-DAYS',
      what: 'consecutive failure days above which an ETP is disconnected (reached on the 8th)',
      value: 7,
      unit: 'calendar days',
      source: '000 App.7 §47.3',
    },
    {
      id: 'ETP-DISCONNECT-DECISION',
      what: 'decision on disconnection after the threshold is established',
      value: 5,
      unit: 'working days',
      source: '000 App.7 §48',
    },
    { id: 'ETP-PRICE-TRANSFER', what: 'price transfers from the ETP at least every', value: 7, unit: 'calendar days', source: '000 §35' },
    { id: 'ETP-CATALOGUE-ITEMS', what: 'catalogue item lists at least every', value: 3, unit: 'hours', source: '000 App.4 §3.3' },
    { id: 'ETP-CATALOGUE-UPDATE', what: 'catalogue updates at least every', value: 24, unit: 'hours', source: '000 App.7 App.1 §3.3' },
  ],
} satisfies Policy;
