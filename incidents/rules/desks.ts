/**
 * Business hours per desk (docs/rules.md §2, the SLA calendars). Hours apply on working days of the
 * Kazakhstan calendar, in Astana time.
 */

export const DESK_IDS = ['portal-contact-centre', 'etp-contact-centre', 'energy-support'] as const;
export type DeskId = (typeof DESK_IDS)[number];

export interface Desk {
  readonly id: DeskId;
  readonly name: string;
  readonly opens: string;
  readonly closes: string;
  readonly lunch?: { readonly from: string; readonly to: string };
  readonly source: string;
}

export const DESKS: Readonly<Record<DeskId, Desk>> = {
  'portal-contact-centre': {
    id: 'portal-contact-centre',
    name: 'portal contact centre', // контакт-центр веб-портала
    opens: '09:00',
    closes: '18:30',
    lunch: { from: '13:00', to: '14:30' }, // обеденный перерыв
    source: '001 §5.2 (new edition)',
  },
  'etp-contact-centre': {
    id: 'etp-contact-centre',
    name: 'ETP contact centre',
    opens: '09:00',
    closes: '20:00',
    source: '000 App.4 §1.2 (no lunch break stated)',
  },
  'energy-support': {
    id: 'energy-support',
    name: 'energy platform technical support',
    opens: '09:00',
    closes: '18:30',
    source: '003 §19 (no lunch break stated)',
  },
};

/** Minutes since midnight of `HH:MM`. */
export function minutesOfDay(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`bad time of day ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The desk's open periods of a working day, as [from, to) minutes since midnight. */
export function openPeriods(desk: Desk): readonly (readonly [number, number])[] {
  const opens = minutesOfDay(desk.opens);
  const closes = minutesOfDay(desk.closes);
  if (!desk.lunch) return [[opens, closes]];
  return [
    [opens, minutesOfDay(desk.lunch.from)],
    [minutesOfDay(desk.lunch.to), closes],
  ];
}
