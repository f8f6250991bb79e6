/**
 * The `etp-streak` entry point (docs/rules.md §7). Takes untrusted JSON (a CLI file, an API body),
 * throws an `InputError` with field-named issues when it is invalid, and returns JSON with dates as
 * `YYYY-MM-DD` and instants in Astana time. Pure: exported by etp/pure.ts as well as the face.
 */
import { z } from 'zod';
import { InputError, issuesFromZod } from '../core/errors.ts';
import { formatAstana, formatEpochDay } from '../core/time.ts';
import { CalendarRangeError, dateDay, dateTimeMs } from '../incidents/pure.ts';
import { DEFAULT_MIN_FAILURE_MINUTES, evaluateStreak } from './streaks.ts';

const typeError = (what: string) => (iss: { input: unknown }) => (iss.input === undefined ? 'required' : `must be ${what}`);

const episode = z
  .strictObject({
    service: z.string({ error: typeError('a string') }).min(1, 'must not be empty'),
    start: dateTimeMs,
    end: dateTimeMs,
  })
  .refine((e) => e.end >= e.start, { path: ['end'], message: 'is before start' });

export const etpStreakInput = z.strictObject({
  etp: z.string({ error: typeError('a string') }).min(1, 'must not be empty'),
  asOf: dateDay,
  /** @default 1 */
  minFailureMinutes: z
    .number({ error: typeError('a number of minutes') })
    .positive('must be > 0')
    .max(1440, 'must be ≤ 1440 (a day)')
    .default(DEFAULT_MIN_FAILURE_MINUTES),
  episodes: z.array(episode, { error: typeError('an array') }),
});

export interface EtpStreakOutput {
  etp: string;
  failureDays: string[];
  currentStreak: number;
  longestStreak: number;
  thresholdReachedOn: string | null;
  decisionDueBy: string | null;
}

/**
 * `kuzet etp-streak --input FILE.json`. Failure after the end of `asOf` is not counted; the threshold
 * fields refer to the first date a streak reached 8 (more than 7 days, §47.3).
 */
export function rulesEtpStreak(input: unknown): EtpStreakOutput {
  const r = etpStreakInput.safeParse(input);
  if (!r.success) throw new InputError(issuesFromZod(r.error.issues));
  const v = r.data;
  let result;
  try {
    result = evaluateStreak({
      episodes: v.episodes.map((e) => ({ service: e.service, startMs: e.start, endMs: e.end })),
      asOfDay: v.asOf,
      minFailureMinutes: v.minFailureMinutes,
    });
  } catch (e) {
    // Only the decision deadline reads the working calendar, and it follows from asOf's failure history.
    if (e instanceof CalendarRangeError) throw new InputError(e.issues.map((i) => ({ field: 'asOf', message: i.message })));
    throw e;
  }
  return {
    etp: v.etp,
    failureDays: result.failureDays.map(formatEpochDay),
    currentStreak: result.currentStreak,
    longestStreak: result.longestStreak,
    thresholdReachedOn: result.thresholdReachedOn === null ? null : formatEpochDay(result.thresholdReachedOn),
    decisionDueBy: result.decisionDueByMs === null ? null : formatAstana(result.decisionDueByMs),
  };
}
