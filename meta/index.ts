/**
 * The face of meta/ — watching the watcher (issue #11): worker heartbeats, `kuzet.silent` alerts,
 * self-metrics, an optional dead-man's switch, and recovery when Redis comes back empty.
 *
 * Every few seconds the watcher (watcher.ts) reads the heartbeats and the newest result of every
 * check, finds the silent groups (silence.ts) and keeps one episode per group in `meta_silences`
 * (meta.repo.ts): a new episode is written in the same transaction as its on-call deliveries (the
 * notices outbox, idempotency key `kuzet.silent|<episode id>`), so a crash never loses nor repeats
 * the alert; the end of an episode is announced in the same thread. Episodes are kuzet's own faults:
 * they never open an incident of a monitored system nor count as its downtime.
 * `GET /api/v1/meta/silent` (meta.routes.ts) shows them to the console.
 */
export { createMetaPart } from './meta.part.ts';
export type { MetaOptions } from './meta.part.ts';
export type { MetaDeps } from './deps.ts';
export { openSilences } from './episodes.ts';
export { findSilences, SILENCE_SCOPES } from './silence.ts';
export { NOT_DOWNTIME as SILENT_NOT_DOWNTIME, placeNamesOf } from './texts.ts';
export type { PlaceNames } from './texts.ts';
export type { SilentGroup, SilenceReport } from './silence.ts';
