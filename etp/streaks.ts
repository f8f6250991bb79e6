/**
 * The ETP disconnection threshold (docs/rules.md §7; 000 App.7 §47.3, §48): failure days from
 * failure episodes, streaks of consecutive failure days, the date the threshold is reached and the
 * decision deadline. Pure: no I/O, no clock; instants are epoch milliseconds, dates Astana epoch days.
 */
import { MS_PER_MINUTE, astanaDayTimeToMs, astanaEpochDay } from '../core/time.ts';
import { stepWorkingEpochDays } from '../incidents/pure.ts';

/**
 * Only the order services count: §47.3 speaks of failures "affecting placing and confirming orders"
 * (размещение и подтверждение заказов); other ETP services failing do not move the streak.
 */
export const COUNTED_SERVICES: readonly string[] = ['orders'];
/** "More than 7 calendar days" (§47.3): the 8th consecutive failure day reaches the threshold. */
export const THRESHOLD_STREAK = 8;
/** Warn the ETP owner and the operator from this streak on (§7, interpretation used). */
export const warningFromStreak = 5;
/** The decision is due within 5 working days of establishing the threshold (§48). */
export const DECISION_WORKING_DAYS = 5;
/** Default: any confirmed failure episode of at least a minute makes a failure day. */
export const DEFAULT_MIN_FAILURE_MINUTES = 1;

const END_OF_DAY_MS = 86_399_000; // 23:59:59

export interface FailureEpisode {
  service: string;
  startMs: number;
  endMs: number;
}

export interface StreakRequest {
  episodes: readonly FailureEpisode[];
  /** The Astana epoch day the evaluation is made for; later failure is not counted. */
  asOfDay: number;
  minFailureMinutes: number;
}

export interface StreakResult {
  /** Astana epoch days with enough failure, ascending. */
  failureDays: number[];
  currentStreak: number;
  longestStreak: number;
  thresholdReachedOn: number | null;
  decisionDueByMs: number | null;
}

/** Sorts and merges intervals so overlapping failure is counted once. */
export function mergeIntervals(intervals: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...intervals].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/**
 * Milliseconds of failure per Astana epoch day, counting only {@link COUNTED_SERVICES}, each
 * overlapping moment once, and nothing after the end of `untilDay`. An episode across midnight
 * counts on both dates.
 */
export function failureMsByDay(episodes: readonly FailureEpisode[], untilDay: number): Map<number, number> {
  const limit = astanaDayTimeToMs(untilDay + 1, 0);
  const counted = episodes.filter((e) => COUNTED_SERVICES.includes(e.service)).map((e) => [e.startMs, Math.min(e.endMs, limit)] as const);
  const byDay = new Map<number, number>();
  for (const [start, end] of mergeIntervals(counted)) {
    for (let day = astanaEpochDay(start), from = start; from < end; day++) {
      const to = Math.min(end, astanaDayTimeToMs(day + 1, 0));
      byDay.set(day, (byDay.get(day) ?? 0) + (to - from));
      from = to;
    }
  }
  return byDay;
}

/** Astana epoch days with at least `minFailureMinutes` of failure, ascending. */
export function failureDays(
  episodes: readonly FailureEpisode[],
  untilDay: number,
  minFailureMinutes = DEFAULT_MIN_FAILURE_MINUTES,
): number[] {
  const min = minFailureMinutes * MS_PER_MINUTE;
  return [...failureMsByDay(episodes, untilDay)]
    .filter(([, ms]) => ms >= min)
    .map(([day]) => day)
    .sort((a, b) => a - b);
}

export interface StreakRun {
  first: number;
  length: number;
}

/** Runs of consecutive days in an ascending, duplicate-free list of epoch days. */
export function streakRuns(days: readonly number[]): StreakRun[] {
  const runs: StreakRun[] = [];
  for (const day of days) {
    const last = runs[runs.length - 1];
    if (last && day === last.first + last.length) last.length++;
    else runs.push({ first: day, length: 1 });
  }
  return runs;
}

/** The streak ending on `day`: 0 when `day` is not a failure day. */
export function streakEndingOn(days: readonly number[], day: number): number {
  const run = streakRuns(days).find((r) => day >= r.first && day < r.first + r.length);
  return run ? day - run.first + 1 : 0;
}

/** The first date on which a streak reached {@link THRESHOLD_STREAK}, or null. */
export function thresholdReachedOn(days: readonly number[]): number | null {
  const run = streakRuns(days).find((r) => r.length >= THRESHOLD_STREAK);
  return run ? run.first + THRESHOLD_STREAK - 1 : null;
}

/** End (23:59:59 Astana) of the 5th working day after the threshold date (§48). */
export function decisionDueByMs(thresholdDay: number): number {
  return astanaDayTimeToMs(stepWorkingEpochDays(thresholdDay, DECISION_WORKING_DAYS), END_OF_DAY_MS);
}

export type StreakEvent =
  { type: 'warning'; day: number; streak: number } | { type: 'threshold'; day: number; streak: number; decisionDueByMs: number };

/**
 * What to tell the ETP owner and the operator over a history of failure days: a warning on each day
 * a streak stands at {@link warningFromStreak} up to one below the threshold, and one threshold event
 * on the day it reaches {@link THRESHOLD_STREAK}. Longer streaks add nothing: the decision is pending.
 */
export function streakEvents(days: readonly number[]): StreakEvent[] {
  const events: StreakEvent[] = [];
  for (const run of streakRuns(days)) {
    for (let streak = warningFromStreak; streak <= Math.min(run.length, THRESHOLD_STREAK); streak++) {
      const day = run.first + streak - 1;
      if (streak < THRESHOLD_STREAK) events.push({ type: 'warning', day, streak });
      else events.push({ type: 'threshold', day, streak, decisionDueByMs: decisionDueByMs(day) });
    }
  }
  return events;
}

/** Everything the `etp-streak` entry point reports, in epoch units. */
export function evaluateStreak(req: StreakRequest): StreakResult {
  const days = failureDays(req.episodes, req.asOfDay, req.minFailureMinutes);
  const runs = streakRuns(days);
  const threshold = thresholdReachedOn(days);
  return {
    failureDays: days,
    currentStreak: streakEndingOn(days, req.asOfDay),
    longestStreak: runs.reduce((max, r) => Math.max(max, r.length), 0),
    thresholdReachedOn: threshold,
    decisionDueByMs: threshold === null ? null : decisionDueByMs(threshold),
  };
}
