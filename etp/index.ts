/**
 * ETP availability rules (docs/rules.md §7): the `etp-streak` entry point and its domain functions.
 * Takes untrusted JSON (a CLI file, an API body), throws an `InputError` with field-named issues when
 * it is invalid, and returns JSON with dates as `YYYY-MM-DD` and instants in Astana time.
 */
import { z } from 'zod';
import { InputError, issuesFromZod } from '../core/errors.ts';
import { formatAstana, formatEpochDay } from '../core/time.ts';
import { CalendarRangeError, dateDay, dateTimeMs } from '../incidents/index.ts';
import { DEFAULT_MIN_FAILURE_MINUTES, evaluateStreak } from './streaks.ts';

export {
  COUNTED_SERVICES,
  DECISION_WORKING_DAYS,
  DEFAULT_MIN_FAILURE_MINUTES,
  THRESHOLD_STREAK,
  decisionDueByMs,
  evaluateStreak,
  failureDays,
  failureMsByDay,
  mergeIntervals,
  streakEndingOn,
  streakEvents,
  streakRuns,
  thresholdReachedOn,
  warningFromStreak,
} from './streaks.ts';
export type { FailureEpisode, StreakEvent, StreakRequest, StreakResult, StreakRun } from './streaks.ts';
export {
  ETP_STATES,
  KNOWN_ETP_SERVICES,
  createEtp,
  etpCreateInput,
  etpFromConfig,
  etpJson,
  etpPatchInput,
  getEtp,
  inputIssues,
  listEtpRecords,
  requireEtp,
  seedFromConfig,
  updateEtp,
} from './registry.ts';
export type { Etp, EtpContact, EtpService, EtpState, RegistryActor } from './registry.ts';
export {
  CONFIRMING_FAILED_RUNS,
  DEFAULT_LEDGER_WINDOW_DAYS,
  episodeInput,
  eventJson,
  gatherEpisodes,
  recomputeLedger,
  recordEpisode,
  storedEvents,
  storedFailureDays,
  streakStatus,
} from './ledger.ts';
export type { OrderTarget, RecomputeResult, SourcedEpisode, StoredEvent, StreakStatus } from './ledger.ts';
export { DECISIONS, decisionInput, decisionJson, listDecisions, recordDecision } from './decision.ts';
export type { Decision, DecisionKind, DecisionOutcome } from './decision.ts';
export { ETP_TEMPLATES_DIR, ETP_TIME_RULE } from './time-sync.ts';
/** The small read API for the console and the status site: ETPs with connection state and streak. */
export { etpDetail, failingRuns, latestResults, listEtps } from './view.ts';
export type { EtpDetail, EtpSummary } from './view.ts';

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
export { EtpRuntime, etpRuntime } from './runtime.ts';
export type { EtpDeps } from './runtime.ts';
export { etpRoutes } from './etp.routes.ts';
export type { EtpApi, EtpRouteDeps } from './etp.routes.ts';
export { startEtpPart } from './etp.part.ts';
export { registerEtpCommands } from './etp.cli.ts';
export { queryRegistry } from './site-view.ts';
