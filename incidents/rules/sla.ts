/**
 * SLA timers (docs/rules.md §4): every timer id of the policies with its due time from its start.
 */
import { MS_PER_MINUTE, astanaDayTimeToMs, astanaEpochDay, astanaTimeOfDayMs, formatAstana } from '../../core/time.ts';
import { addWorkingDaysMs, nextWorkingEpochDay, stepWorkingEpochDays } from './calendar.ts';
import { addWorkingMinutesMs, nextOpeningMs } from './business-time.ts';
import { DESKS, minutesOfDay } from './desks.ts';
import { POLICY_REGISTRY, type Policy, type PolicyId, type SlaSpec, type SlaTimer, type UntimedDutyRule } from './policies/index.ts';

/** Every SLA timer id, in the order of docs/rules.md §4. */
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

/** Untimed duties (docs/rules.md §4): tracked done / not done, with no due time. */
export const DUTY_IDS = ['SLA-P-LOW-FIXED'] as const;
export type DutyId = (typeof DUTY_IDS)[number];

/** The informational timers: they flag late user reports and never reject them. */
export const REPORT_TIMER_IDS = ['SLA-P-REPORT', 'SLA-N-REPORT'] as const;
export type ReportTimerId = (typeof REPORT_TIMER_IDS)[number];

const REGISTERED: readonly Policy<PolicyId>[] = POLICY_REGISTRY.ids.map((id) => POLICY_REGISTRY.get(id));

/** Every timer with its policy, by id. */
export const SLA_TIMERS: ReadonlyMap<SlaTimerId, SlaTimer & { policy: PolicyId }> = new Map(
  REGISTERED.flatMap((p) => p.slaTimers.map((t) => [t.id as SlaTimerId, { ...t, policy: p.id }] as const)),
);

/** Every untimed duty with its policy, by id. */
export const DUTIES: ReadonlyMap<DutyId, UntimedDutyRule & { policy: PolicyId }> = new Map(
  REGISTERED.flatMap((p) => (p.duties ?? []).map((d) => [d.id as DutyId, { ...d, policy: p.id }] as const)),
);

const END_OF_DAY_MS = 86_399_000; // 23:59:59

const DUE: { [K in SlaSpec['kind']]: (spec: Extract<SlaSpec, { kind: K }>, from: number) => number } = {
  'working-minutes': (s, from) => addWorkingMinutesMs(s.desk, from, s.minutes),
  'clock-minutes': (s, from) => from + s.minutes * MS_PER_MINUTE,
  'next-working-day-at': (s, from) => astanaDayTimeToMs(nextWorkingEpochDay(astanaEpochDay(from)), minutesOfDay(s.time) * MS_PER_MINUTE),
  'working-days-from-opening': (s, from) => addWorkingDaysMs(nextOpeningMs(s.desk, from), s.days),
  'end-of-nth-working-day': (s, from) => astanaDayTimeToMs(stepWorkingEpochDays(astanaEpochDay(from), s.days), END_OF_DAY_MS),
  'closing-of-open-day': (s, from) =>
    astanaDayTimeToMs(astanaEpochDay(nextOpeningMs(s.desk, from)), minutesOfDay(DESKS[s.desk].closes) * MS_PER_MINUTE),
};

/** The due time (epoch ms) of `timer` started at `from` (epoch ms): for a timer of any policy, registered or not. */
export function timerDueAtMs(timer: SlaTimer, from: number): number {
  return (DUE[timer.spec.kind] as (s: SlaSpec, f: number) => number)(timer.spec, from);
}

/**
 * Whether a user's report at `reportedAt` of a failure detected at `detectedAt` is late by the
 * policy's `lateReportTimer` (SLA-P-REPORT): informational, flagged and still accepted. A policy
 * without one never flags a report at intake.
 */
export function reportedLate(policy: Policy | undefined, detectedAt: number, reportedAt: number): boolean {
  const timer = policy?.slaTimers.find((t) => t.id === policy.lateReportTimer);
  return timer !== undefined && reportedAt > timerDueAtMs(timer, detectedAt);
}

function timerOf(id: SlaTimerId): SlaTimer {
  const t = SLA_TIMERS.get(id);
  if (!t) throw new Error(`no SLA timer ${id}`);
  return t;
}

/** The due time (epoch ms) of timer `id` started at `from` (epoch ms). */
export function slaDueAtMs(id: SlaTimerId, from: number): number {
  return timerDueAtMs(timerOf(id), from);
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

/** Why an extension of a clock is refused: the input field it concerns and the reason. */
export interface ClockExtensionProblem {
  field: 'timer' | 'dueAt';
  message: string;
}

/**
 * Whether timer `id`, first due at `originalDue`, may now be extended to `requested` (epoch ms), given
 * how many times it was extended already and its current due time. Pure: the limits come from the
 * timer's `extension` in its policy (SLA-E-ETP-RESOLVE: once, at most original + 15 calendar days).
 */
export function checkClockExtension(
  id: string,
  c: { originalDue: number; currentDue: number; extensions: number; requested: number },
): ClockExtensionProblem | null {
  const rule = SLA_TIMERS.get(id as SlaTimerId)?.extension;
  if (!rule)
    return {
      field: 'timer',
      message: `${id} cannot be extended; only ${[...SLA_TIMERS.values()]
        .filter((t) => t.extension)
        .map((t) => t.id)
        .join(', ')} can`,
    };
  if (c.extensions >= rule.times)
    return {
      field: 'timer',
      message: `${id} may be extended ${rule.times === 1 ? 'once' : `${rule.times} times`} (${rule.source}); it was extended already, to ${formatAstana(c.currentDue)}`,
    };
  const latest = clockExtensionLimitMs(id, c.originalDue) as number;
  if (c.requested <= c.currentDue)
    return { field: 'dueAt', message: `must be later than the current due time ${formatAstana(c.currentDue)}` };
  if (c.requested > latest)
    return {
      field: 'dueAt',
      message: `must be at most the original due time + ${rule.maxCalendarDays} calendar days, ${formatAstana(latest)} (${rule.source})`,
    };
  return null;
}

/** The latest due time an extension of timer `id` may set: the original due + N calendar days, same Astana wall-clock time; null when it cannot be extended. */
export function clockExtensionLimitMs(id: string, originalDue: number): number | null {
  const rule = SLA_TIMERS.get(id as SlaTimerId)?.extension;
  return rule ? astanaDayTimeToMs(astanaEpochDay(originalDue) + rule.maxCalendarDays, astanaTimeOfDayMs(originalDue)) : null;
}
