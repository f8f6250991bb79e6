/**
 * energy-366 — the electronic procurement platform of the national energy and utilities modernisation
 * project, Order No. 366 (2025), `003_*.txt`. docs/rules.md §3–§5.
 */
import { formatAstana } from '../../../core/time.ts';
import { isWorkingTime, nextOpeningMs } from '../business-time.ts';
import { inWindow, nextWorkingDayAfterResolution, onDateTouchedBy } from '../window.ts';
import { EX_FORCE_MAJEURE } from './portal-692.ts';
import type {
  AnnulmentRule,
  ClassificationRule,
  ClockRule,
  ExtensionRule,
  Level,
  LevelEvidence,
  LevelProposal,
  Policy,
  ProcurementDutyRule,
  SlaTimer,
} from './types.ts';

/** The level is agreed with the authorised body (003 §24). */
export const CLASSIFICATION: readonly ClassificationRule[] = [
  {
    id: 'CL-E-HIGH',
    level: 'high',
    source: '003 §23.1',
    definition: 'software/server failure making the platform fully unavailable for all users during working hours',
  },
  { id: 'CL-E-MED', level: 'medium', source: '003 §23.2', definition: 'key functional sections broken for all users during working hours' },
  { id: 'CL-E-LOW', level: 'low', source: '003 §23.3', definition: 'does not affect core functions, OR happened outside working hours' },
];

export const SLA_TIMERS: readonly SlaTimer[] = [
  {
    id: 'SLA-N-REPORT',
    duty: 'user reports a failure to the platform administrator',
    startsAt: 'detection by the user',
    spec: { kind: 'end-of-nth-working-day', days: 3 },
    informational: true,
    interpretation:
      '"not later than 3 working days from the date of detection": by 23:59:59 of the 3rd working day after the Astana date of detection; informational',
    source: '003 §25',
  },
  {
    // «вне рабочего времени … посредством оставления голосовых сообщений, которые обрабатываются в течении следующего рабочего дня»
    id: 'SLA-N-DESK-VOICE',
    duty: 'support answers a voice message left outside working hours',
    startsAt: 'the voice message',
    spec: { kind: 'closing-of-open-day', desk: 'energy-support' },
    interpretation:
      '18:30 of the next working day: the working day whose 09:00 opening comes next (after 18:30, on a weekend or holiday the following working day; before 09:00 on a working day that same day). In working hours the line is answered live (§19.1); a message left then is due 18:30 the same day',
    source: '003 §19.2',
  },
  {
    // «круглосуточно – через электронную почту, которые обрабатываются в течении рабочего дня»; §19.4: «в выходные и праздничные дни … в течении следующего рабочего дня»
    id: 'SLA-N-DESK-MAIL',
    duty: 'support answers an e-mail',
    startsAt: 'receipt of the e-mail',
    spec: { kind: 'closing-of-open-day', desk: 'energy-support' },
    interpretation:
      'received in working hours (09:00–18:30 on a working day) → 18:30 the same day; after 18:30, on a weekend or a holiday → 18:30 of the next working day; before 09:00 on a working day → 18:30 that day (its working day has not begun). Example: Sat 2026-05-09 10:00 → Tue 2026-05-12T18:30 (Mon 11 is the day off for May 9)',
    source: '003 §19.3–19.4',
  },
];

/**
 * The proposed level (docs/rules.md §3): the whole platform down → high; a key section down → medium
 * — in working hours; a failure that has lasted only outside working hours so far is low (CL-E-LOW).
 * The level follows the failure through time: proposed for the moment `at`, a failure that started at
 * 08:55 is low at 08:55 and, still going, high from 09:00 (`since`); while it is outside working hours
 * the proposal says when to look again (`reviewAt`, the next opening).
 */
export function proposeLevel(e: LevelEvidence): Omit<LevelProposal, 'rule'> {
  const reasons: string[] = [];
  let level: Level;
  let since: number | undefined;
  let reviewAt: number | undefined;
  // §23.1–23.3 judge the failure in working hours: from its start if it started in them, else from
  // the next opening — once the failure has lasted until then.
  const at = Math.max(e.at ?? e.startedAt, e.startedAt);
  const working = isWorkingTime('energy-support', e.startedAt) ? e.startedAt : nextOpeningMs('energy-support', e.startedAt);
  if (working > at) {
    reasons.push('the failure has lasted only outside the working hours of the energy platform so far (09:00–18:30 on working days)');
    level = 'low';
    since = e.startedAt;
    reviewAt = working;
  } else if (e.appealOnly || e.failingChecks === 0) {
    reasons.push('user report without corroborating monitoring evidence');
    level = 'low';
  } else if (e.systemModules > 0 && e.failingModules >= e.systemModules && e.failingRegions >= e.regions) {
    reasons.push(`every module of the platform (${e.failingModules} of ${e.systemModules}) is failing during working hours`);
    level = 'high';
  } else if (e.failingChecks >= e.moduleChecks && e.failingRegions >= e.regions && !onlyTimeouts(e.errorKinds)) {
    reasons.push('a key functional section is down for every probe and region during working hours');
    level = 'medium';
  } else {
    reasons.push('core functions still work for some probes or regions');
    level = 'low';
  }
  if (since === undefined) {
    since = working;
    if (working > e.startedAt) reasons.push(`started outside working hours; in working hours from ${formatAstana(working)}`);
  }
  return { level, reasons, since, ...(reviewAt === undefined ? {} : { reviewAt }) };
}

function onlyTimeouts(kinds: Readonly<Record<string, number>>): boolean {
  const present = Object.entries(kinds)
    .filter(([, n]) => n > 0)
    .map(([k]) => k);
  return present.length > 0 && present.every((k) => k === 'timeout');
}

/** Which timers run for an appeal, from which event, and what meets each. */
export const CLOCKS: readonly ClockRule[] = [
  { timer: 'SLA-N-REPORT', start: 'userDetected', met: 'received', sources: ['appeal'], informational: true },
  // 003 §19.2–19.4: the support desk answers a voice message and an e-mail by 18:30 of its working
  // day (or the next); the answer is the operator's, who marks the clock met.
  { timer: 'SLA-N-DESK-VOICE', start: 'received', met: 'manual', sources: ['appeal'], channels: ['voice'] },
  { timer: 'SLA-N-DESK-MAIL', start: 'received', met: 'manual', sources: ['appeal'], channels: ['email'] },
];

export const EXTENSION_RULES: readonly ExtensionRule[] = [
  {
    id: 'EX-N-ACCEPT',
    source: '003 §29.3',
    occasions: ['low', 'medium', 'high'],
    summary: 'acceptance end on an Astana date touched by W, with S ≤ acceptanceEnd: NWD(R), same time',
    deadlines: ['acceptanceEnd'],
    hits: (end, w) => onDateTouchedBy(end, w) && (end as number) >= w.start,
    extend: (end, w) => nextWorkingDayAfterResolution(w, end as number),
  },
];

/**
 * «в случае автоматического формирования … в период технического сбоя протоколов закупок, объявлений
 * и иных протоколов … такие протоколы аннулируются» (§29.4): a consequence of its own, whether or not
 * any acceptance end moves, for every procurement of the computation (not only the affected ones).
 */
export const ANNULMENT_RULES: readonly AnnulmentRule[] = [
  {
    id: 'EX-N-PROTOCOL',
    source: '003 §29.4',
    occasions: ['low', 'medium', 'high'],
    what: 'protocol',
    summary:
      'a protocol, announcement or other document formed automatically in W (protocolFormedAt) is annulled, whether or not any deadline is extended',
    hits: (w, p) => inWindow(p.protocolFormedAt, w),
  },
];

/** §29.5–29.6: untimed duties, recorded with the incident and announced in its notices. */
export const DUTY_RULES: readonly ProcurementDutyRule[] = [
  {
    id: 'EX-N-RESULTS',
    source: '003 §29.5–29.6',
    occasions: ['low', 'medium', 'high'],
    summary:
      'the failure affected the results of procedures (resultsAffected): notify the users, run the procedures again (§29.5); a supplier listed as unreliable because of the failure (listedUnreliable): notify the users, cancel the listing (§29.6)',
    duties: (_w, p) => [...(p.resultsAffected ? ['rerun-procedures'] : []), ...(p.listedUnreliable ? ['cancel-unreliable-listing'] : [])],
  },
];

export const ENERGY_366 = {
  id: 'energy-366' as const,
  system: 'electronic procurement platform of the energy/utilities modernisation project',
  source: '003',
  classification: CLASSIFICATION,
  proposeLevel,
  lifecycle: { levelAgreement: { with: 'the authorised body', source: '003 §24' } },
  slaTimers: SLA_TIMERS,
  clocks: CLOCKS,
  leadTimes: [],
  extension: {
    // 003 §29.3 extends procurements whose application the failure "affected": the operator marks
    // them (affected: true) unless the whole platform was down (high: every procurement).
    scope: { low: 'affected', medium: 'affected', high: 'module', maintenance: 'none' },
    rules: EXTENSION_RULES,
    tariffRules: [],
    annulmentRules: ANNULMENT_RULES,
    dutyRules: DUTY_RULES,
    consequences: [
      {
        kind: 'results-affected',
        rule: 'EX-N-RESULTS',
        source: '003 §29.5',
        levels: ['low', 'medium', 'high'],
        label: {
          ru: 'Сбой повлиял на итоги: уведомить пользователей, провести процедуры повторно',
          kk: 'Іркіліс қорытындыларға әсер етті: пайдаланушыларды хабардар ету, рәсімдерді қайта өткізу',
        },
      },
      {
        kind: 'listed-unreliable',
        rule: 'EX-N-RESULTS',
        source: '003 §29.6',
        levels: ['low', 'medium', 'high'],
        label: {
          ru: 'Поставщик включён в перечень ненадёжных из-за сбоя: уведомить, отменить решение',
          kk: 'Өнім беруші іркіліс салдарынан сенімсіздер тізбесіне енгізілді: хабардар ету, шешімді жою',
        },
      },
    ],
    noExtension: {},
    forceMajeure: EX_FORCE_MAJEURE,
  },
} satisfies Policy;
