/**
 * SLA timers (REGULATIONS.md §4): every timer id of the policies with its due time from its start.
 */
import { MS_PER_MINUTE, astanaDayTimeToMs, astanaEpochDay } from '../../core/time.ts';
import { addWorkingDaysMs, nextWorkingEpochDay, stepWorkingEpochDays } from './calendar.ts';
import { addWorkingMinutesMs, nextOpeningMs } from './business-time.ts';
import { DESKS, minutesOfDay } from './desks.ts';
import { SLA_TIMERS as ENERGY_TIMERS } from './policies/energy-366.ts';
import { SLA_TIMERS as ETP_TIMERS } from './policies/etp-em.ts';
import { SLA_TIMERS as PORTAL_TIMERS } from './policies/portal-692.ts';
import type { PolicyId, SlaSpec, SlaTimer } from './policies/types.ts';

/** Every SLA timer id, in the order of REGULATIONS.md §4. */
export const SLA_TIMER_IDS = [
  'SLA-P-REPORT',
  'SLA-P-REGISTER',
  'SLA-P-ID',
  'SLA-P-ANALYSE',
  'SLA-P-REFUTE',
  'SLA-P-LOW-NOTIFY',
  'SLA-P-MED-HOME',
  'SLA-P-MED-NOTIFY',
  'SLA-P-HIGH-OWNER',
  'SLA-P-HIGH-HOME',
  'SLA-P-HIGH-REPORT',
  'SLA-P-OWNER-MEDHIGH',
  'SLA-E-ETP-REGISTER',
  'SLA-E-ETP-ID',
  'SLA-E-ETP-RESOLVE',
  'SLA-N-REPORT',
  'SLA-N-DESK-VOICE',
  'SLA-N-DESK-MAIL',
] as const;
export type SlaTimerId = (typeof SLA_TIMER_IDS)[number];

/** The informational timers: they flag late user reports and never reject them. */
export const REPORT_TIMER_IDS = ['SLA-P-REPORT', 'SLA-N-REPORT'] as const;
export type ReportTimerId = (typeof REPORT_TIMER_IDS)[number];

const POLICY_TIMERS: readonly [PolicyId, readonly SlaTimer[]][] = [
  ['portal-692', PORTAL_TIMERS],
  ['etp-em', ETP_TIMERS],
  ['energy-366', ENERGY_TIMERS],
];

/** Every timer with its policy, by id. */
export const SLA_TIMERS: ReadonlyMap<SlaTimerId, SlaTimer & { policy: PolicyId }> = new Map(
  POLICY_TIMERS.flatMap(([policy, timers]) => timers.map((t) => [t.id as SlaTimerId, { ...t, policy }] as const)),
);

const END_OF_DAY_MS = 86_399_000; // 23:59:59

const DUE: { [K in SlaSpec['kind']]: (spec: Extract<SlaSpec, { kind: K }>, from: number) => number } = {
  'working-minutes': (s, from) => addWorkingMinutesMs(s.desk, from, s.minutes),
  'clock-minutes': (s, from) => from + s.minutes * MS_PER_MINUTE,
  'next-working-day-at': (s, from) => astanaDayTimeToMs(nextWorkingEpochDay(astanaEpochDay(from)), minutesOfDay(s.time) * MS_PER_MINUTE),
  'working-days-from-opening': (s, from) => addWorkingDaysMs(nextOpeningMs(s.desk, from), s.days),
  'end-of-nth-working-day': (s, from) => astanaDayTimeToMs(stepWorkingEpochDays(astanaEpochDay(from), s.days), END_OF_DAY_MS),
  'closing-of-open-day': (s, from) => astanaDayTimeToMs(astanaEpochDay(nextOpeningMs(s.desk, from)), minutesOfDay(DESKS[s.desk].closes) * MS_PER_MINUTE),
};

function timerOf(id: SlaTimerId): SlaTimer {
  const t = SLA_TIMERS.get(id);
  if (!t) throw new Error(`no SLA timer ${id}`);
  return t;
}

/** The due time (epoch ms) of timer `id` started at `from` (epoch ms). */
export function slaDueAtMs(id: SlaTimerId, from: number): number {
  const spec = timerOf(id).spec;
  return (DUE[spec.kind] as (s: SlaSpec, f: number) => number)(spec, from);
}

/** The due time of timer `id` started at `from`. */
export function slaDueAt(id: SlaTimerId, from: Date): Date {
  return new Date(slaDueAtMs(id, from.getTime()));
}

/** Whether a due time was kept. */
export function slaMet(id: SlaTimerId, from: Date, doneAt: Date): boolean {
  return doneAt.getTime() <= slaDueAtMs(id, from.getTime());
}

export interface ReportLateness {
  timer: ReportTimerId;
  dueAt: Date;
  late: boolean;
  /** Minutes past the due time (0 when on time). */
  lateByMinutes: number;
}

/**
 * SLA-P-REPORT / SLA-N-REPORT: whether a user's report came late. Informational: a late report is
 * flagged for the journal and still accepted.
 */
export function reportLateness(timer: ReportTimerId, detectedAt: Date, reportedAt: Date): ReportLateness {
  const due = slaDueAtMs(timer, detectedAt.getTime());
  const over = reportedAt.getTime() - due;
  return { timer, dueAt: new Date(due), late: over > 0, lateByMinutes: over > 0 ? Math.ceil(over / MS_PER_MINUTE) : 0 };
}
