/**
 * The second face of incidents/: its pure functions only (the rules engine: calendar, SLA, deadlines,
 * lead times), no I/O anywhere below. For callers that must not load the incident store, queues and
 * database drivers the main face brings — the CLI's rules commands start in a fraction of the time.
 * Everything here is also exported by `index.ts`.
 */
export * from './rules/index.ts';
export { dateDay, dateTimeMs } from './rules/schemas.ts';
