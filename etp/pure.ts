/**
 * The second face of etp/: its pure functions only (failure days, streaks, the `etp-streak` rules),
 * no I/O below, for callers that must not load the registry, ledger and routes (the CLI's rules
 * commands). Everything here is also exported by `index.ts`.
 */
export * from './streaks.ts';
export { etpStreakInput, rulesEtpStreak } from './streak-rules.ts';
export type { EtpStreakOutput } from './streak-rules.ts';
