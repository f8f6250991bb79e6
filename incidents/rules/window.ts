/**
 * The vocabulary of docs/rules.md §5, as small pure functions the policies are written with.
 * W = [S, R], D = R − S; "same time" keeps the original deadline's Astana wall-clock time.
 */
import { MS_PER_DAY, astanaDayTimeToMs, astanaEpochDay } from '../../core/time.ts';
import {
  addCalendarDaysMs,
  addWorkingDaysMs,
  isWorkingEpochDay,
  nextWorkingDayAtMs,
  previousWorkingEpochDay,
  stepWorkingEpochDays,
} from './calendar.ts';
import type { FailureWindow } from './policies/types.ts';

/** A window from S and R. */
export function failureWindow(start: number, end: number): FailureWindow {
  return { start, end, duration: end - start };
}

/** "In W": S ≤ t ≤ R. */
export function inWindow(t: number | undefined, w: FailureWindow): t is number {
  return t !== undefined && t >= w.start && t <= w.end;
}

/** Whether the Astana date of `t` is a date the window touches (from the date of S to the date of R). */
export function onDateTouchedBy(t: number | undefined, w: FailureWindow): t is number {
  if (t === undefined) return false;
  return isDayTouchedBy(astanaEpochDay(t), w);
}

/** Whether an Astana epoch day lies between the dates of S and R, inclusive. */
export function isDayTouchedBy(day: number, w: FailureWindow): boolean {
  return day >= astanaEpochDay(w.start) && day <= astanaEpochDay(w.end);
}

/** ceilDays(D): the failure's duration in days, rounded up. */
export function ceilDays(w: FailureWindow): number {
  return Math.ceil(w.duration / MS_PER_DAY);
}

/** max(1, ceilDays(D)): "the corresponding number of days, but not less than one calendar day". */
export function atLeastOneDay(w: FailureWindow): number {
  return Math.max(1, ceilDays(w));
}

/** An extension's length in whole days, at least one: max(1, ceil(ms / 24 h)). */
export function daysOfExtension(ms: number): number {
  return Math.max(1, Math.ceil(ms / MS_PER_DAY));
}

/** t + D. */
export function plusDuration(t: number, w: FailureWindow): number {
  return t + w.duration;
}

/** t + N calendar days, same wall-clock time. */
export function plusCalendarDays(t: number, days: number): number {
  return addCalendarDaysMs(t, days);
}

/**
 * R + N working days at R's wall-clock time. A resolution on a non-working day counts as 24:00 of
 * the last working day before it, so N whole working days follow it. Keeping R's wall-clock time
 * from a non-working day would let a longer failure end earlier: fixed Friday 22:22 → next Friday
 * 22:22, but fixed Saturday 00:00 → next Friday 00:00. Counted this way, Saturday gives next
 * Friday 24:00 (Saturday 00:00) and the result never decreases as R grows.
 */
export function plusWorkingDaysFromResolution(w: FailureWindow, days: number): number {
  const day = astanaEpochDay(w.end);
  if (isWorkingEpochDay(day)) return addWorkingDaysMs(w.end, days);
  return astanaDayTimeToMs(stepWorkingEpochDays(previousWorkingEpochDay(day), days) + 1, 0);
}

/** NWD(R) at the wall-clock time of `sameTimeAs`. */
export function nextWorkingDayAfterResolution(w: FailureWindow, sameTimeAs: number): number {
  return nextWorkingDayAtMs(w.end, sameTimeAs);
}
