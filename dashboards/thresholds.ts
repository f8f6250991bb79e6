/**
 * Thresholds shared by panels and alert rules, so a red cell and a page mean the same number.
 * Where a rule of docs/rules.md or a probe default sets the number, it is imported or cited.
 */
import { CALENDAR_WARN_DAYS } from '../incidents/index.ts';
import { THRESHOLD_STREAK, warningFromStreak } from '../etp/index.ts';

export const THRESHOLDS = {
  /** Availability ratio: below `warn` yellow, below `bad` red. */
  availability: { warn: 0.99, bad: 0.95 },
  /**
   * NTP and ETP clock offsets, seconds: the ntp probe's defaults (warnMs 100, failMs 500). Price offers
   * are timestamped to the second (000 App.3 §4.10), so half a second is already a page.
   */
  clockOffset: { warn: 0.1, bad: 0.5 },
  /** SNTP round-trip delay, seconds: beyond this the offset itself is uncertain by half of it. */
  ntpDelay: { warn: 0.1, bad: 0.5 },
  /** ETP failure streak in days (docs/rules.md §7): warn the owner from 5, threshold reached at 8. */
  etpStreak: { warn: warningFromStreak, bad: THRESHOLD_STREAK },
  /**
   * kuzet's own health, seconds or counts: a queue whose oldest job waits this long, no result
   * ingested in a region for this long, a worker without a heartbeat this long, outbox events
   * unpublished. kuzet's own silence rule (collector/meta) raises `kuzet.silent` sooner, per check.
   */
  self: { queueLag: 300, resultAge: 300, heartbeatAge: 120, outboxBacklog: 100 },
  /** Days left in the working calendar (incidents/rules/holidays) below which a year must be added; kuzet also warns at start. */
  calendarDaysLeft: CALENDAR_WARN_DAYS,
  /** Check latency, seconds. */
  latency: { warn: 1, bad: 5 },
  /** Largest Contentful Paint, seconds (web.dev: good ≤ 2.5, poor > 4). */
  lcp: { warn: 2.5, bad: 4 },
  /** Cumulative Layout Shift (web.dev: good ≤ 0.1, poor > 0.25). */
  cls: { warn: 0.1, bad: 0.25 },
  /** Time to First Byte, seconds (web.dev: good ≤ 0.8, poor > 1.8). */
  ttfb: { warn: 0.8, bad: 1.8 },
} as const;

/** Green below `warn`, yellow to `bad`, red above. */
export const rising = (t: { warn: number; bad: number }): ['green' | 'yellow' | 'red', number | null][] => [
  ['green', null],
  ['yellow', t.warn],
  ['red', t.bad],
];
/** Red below `bad`, yellow to `warn`, green above (availability). */
export const falling = (t: { warn: number; bad: number }): ['green' | 'yellow' | 'red', number | null][] => [
  ['red', null],
  ['yellow', t.bad],
  ['green', t.warn],
];
/** Signed quantities (clock offsets): green within ±warn, yellow to ±bad, red beyond. */
export const symmetric = (t: { warn: number; bad: number }): ['green' | 'yellow' | 'red', number | null][] => [
  ['red', null],
  ['yellow', -t.bad],
  ['green', -t.warn],
  ['yellow', t.warn],
  ['red', t.bad],
];
