/**
 * For tests that cannot pass a fixed `now` (a running kuzet, the demo) and still build "today" or
 * "this year" from the real clock: keep the whole test inside one Astana day (and so one year).
 * A test run just before or just after Astana midnight (19:00 UTC) waits the boundary out instead.
 */
import { MS_PER_DAY, astanaTimeOfDayMs } from '../core/time.ts';

export interface DayMargins {
  /** How far into the Astana day the test must start (its "today" needs this much past). */
  afterMs: number;
  /** How much of the Astana day must be left when it starts (how long the test may take). */
  beforeMs: number;
}

/** Milliseconds to wait at `nowMs` until the Astana clock is inside the day's margins (0 when it is). */
export function msUntilInsideAstanaDay(nowMs: number, m: DayMargins): number {
  const intoDay = astanaTimeOfDayMs(nowMs);
  if (intoDay < m.afterMs) return m.afterMs - intoDay;
  if (intoDay > MS_PER_DAY - m.beforeMs) return MS_PER_DAY - intoDay + m.afterMs;
  return 0;
}

/** Waits (with a second to spare) until the real Astana clock is inside the day's margins. */
export async function waitInsideAstanaDay(m: DayMargins): Promise<void> {
  const ms = msUntilInsideAstanaDay(Date.now(), m);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms + 1000));
}
