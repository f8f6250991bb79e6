/**
 * Working time of a desk: its business hours on working days (docs/rules.md §2, §4). A count of
 * working minutes that starts outside working time starts at the next opening; one that starts in
 * lunch starts at the end of lunch.
 */
import { MS_PER_MINUTE, astanaDayTimeToMs, astanaEpochDay, astanaTimeOfDayMs } from '../../core/time.ts';
import { isWorkingEpochDay } from './calendar.ts';
import { DESKS, openPeriods, type DeskId } from './desks.ts';

type Periods = readonly (readonly [number, number])[];
const PERIODS_MS = {} as Record<DeskId, Periods>;
for (const desk of Object.values(DESKS)) {
  PERIODS_MS[desk.id] = openPeriods(desk).map(([a, b]) => [a * MS_PER_MINUTE, b * MS_PER_MINUTE] as const);
}

/** Whether the desk is open at the instant (opening inclusive, closing exclusive). */
export function isWorkingTime(desk: DeskId, ms: number): boolean {
  const day = astanaEpochDay(ms);
  if (!isWorkingEpochDay(day)) return false;
  const tod = astanaTimeOfDayMs(ms);
  return PERIODS_MS[desk].some(([a, b]) => tod >= a && tod < b);
}

/**
 * The instant `minutes` working minutes of the desk after `from`. With 0 minutes this is the next
 * opening (or `from` itself when the desk is open). Ending exactly at a closing time gives the
 * closing time, not the next opening.
 */
export function addWorkingMinutesMs(desk: DeskId, from: number, minutes: number): number {
  const periods = PERIODS_MS[desk];
  let remaining = minutes * MS_PER_MINUTE;
  let day = astanaEpochDay(from);
  let tod = astanaTimeOfDayMs(from);
  for (;;) {
    if (isWorkingEpochDay(day)) {
      for (const [open, close] of periods) {
        const start = Math.max(open, tod);
        if (start >= close) continue;
        if (remaining <= close - start) return astanaDayTimeToMs(day, start + remaining);
        remaining -= close - start;
        tod = close;
      }
    }
    day++;
    tod = 0;
  }
}

/** The desk's next opening at or after `from` (`from` itself when open). */
export function nextOpeningMs(desk: DeskId, from: number): number {
  return addWorkingMinutesMs(desk, from, 0);
}
