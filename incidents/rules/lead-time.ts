/**
 * Notice lead times (docs/rules.md §6). "At least N (working|calendar) days before" means at least N
 * whole such days lie strictly between the notice's Astana date and the start's Astana date, so the
 * latest allowed notice is 23:59:59 of the day before the N-th such day counted back from the start's
 * date. Works starting Saturday 2026-03-28, 2 working days → Fri 27, Thu 26 → by 2026-03-25T23:59:59.
 */
import { astanaDayTimeToMs, astanaEpochDay } from '../../core/time.ts';
import { stepWorkingEpochDays } from './calendar.ts';
import { LEAD_TIMES as ETP_LEAD_TIMES } from './policies/etp-em.ts';
import { LEAD_TIMES as PORTAL_LEAD_TIMES } from './policies/portal-692.ts';
import type { LeadTimeRule } from './policies/types.ts';

export const AUDIENCES = ['portal-users', 'etp-owners', 'etp-auth-rotation', 'etp-requisites'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const LEAD_TIMES: ReadonlyMap<Audience, LeadTimeRule> = new Map(
  [...PORTAL_LEAD_TIMES, ...ETP_LEAD_TIMES].map((r) => [r.audience as Audience, r] as const),
);

/**
 * 23:59:59 of a day is taken as one second before the next Astana midnight, not as a wall-clock
 * reading: on 2024-02-29 Astana moved from UTC+6 to UTC+5 at midnight and the hour 23:00–24:00 was
 * lived twice, so the wall clock alone would name the earlier 23:59:59 and lose an hour.
 */
const ONE_SECOND_MS = 1000;

/** The latest allowed notice (epoch ms) for works starting at `start` (epoch ms). */
export function latestNotifyAtMs(audience: Audience, start: number): number {
  const rule = LEAD_TIMES.get(audience);
  if (!rule) throw new Error(`no lead time for ${audience}`);
  const startDay = astanaEpochDay(start);
  const nthDayBack = rule.unit === 'working' ? stepWorkingEpochDays(startDay, -rule.days) : startDay - rule.days;
  return astanaDayTimeToMs(nthDayBack, 0) - ONE_SECOND_MS;
}

/** The latest allowed notice for works starting at `start`. */
export function latestNotifyAt(audience: Audience, start: Date): Date {
  return new Date(latestNotifyAtMs(audience, start.getTime()));
}
