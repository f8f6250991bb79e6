/**
 * The face of etp/: ETP availability rules (docs/rules.md §7) — the `etp-streak` entry point and its
 * domain functions, also in etp/pure.ts without the I/O — the registry, ledger, decisions and their routes.
 */

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

export { etpStreakInput, rulesEtpStreak } from './streak-rules.ts';
export type { EtpStreakOutput } from './streak-rules.ts';
export { EtpRuntime, etpRuntime } from './runtime.ts';
export type { EtpDeps } from './runtime.ts';
export { etpRoutes } from './etp.routes.ts';
export type { EtpApi, EtpRouteDeps } from './etp.routes.ts';
export { startEtpPart } from './etp.part.ts';
export { registerEtpCommands } from './etp.cli.ts';
export { queryRegistry } from './site-view.ts';
