/** Names of kuzet's queues and Redis keys, in one place. Every name lives under the configured prefix. */
export const checkQueueName = (region: string) => `checks-${region}`;
export const MAINTENANCE_QUEUE = 'maintenance';
export const resultStreamKey = (prefix: string) => `${prefix}:results`;
export { reloadChannel } from '../core/reload-protocol.ts';
export const RESULT_GROUP = 'ingest';
/** Set with a batch's results, in the same transaction: a retried batch that finds it does not run again. */
export const batchDoneKey = (prefix: string, jobId: string) => `${prefix}:batch-done:${jobId}`;

/**
 * The checks of one interval in a region are hashed into buckets; each (bucket, interval) has one
 * BullMQ job scheduler whose job carries the bucket's checks (issue #19: one job per batch, not per
 * check). The bucket count is a power of two ({@link bucketsFor}): about {@link BATCH_TARGET} checks a
 * batch, so that BullMQ's work per job (a few Redis scripts, its events) is a small share of a
 * check's; yet a batch at least every {@link MAX_BATCH_GAP_MS} while there are checks to spread, so
 * that a small config's checks do not all start in one burst (50 checks at once on a loaded machine
 * timed out together); and at most {@link MAX_BUCKETS}.
 */
export const MAX_BUCKETS = 64;
export const BATCH_TARGET = 64;
export const MAX_BATCH_GAP_MS = 4_000;

/** Buckets for `n` checks of interval `everyMs` in one region: a power of two, at most 64 (see above). */
export function bucketsFor(n: number, everyMs: number): number {
  const want = Math.max(n / BATCH_TARGET, Math.min(n, everyMs / MAX_BATCH_GAP_MS));
  let b = 1;
  while (b < MAX_BUCKETS && b < want) b *= 2;
  return b;
}

/** The bucket of a check key among `buckets` (a power of two ≤ 64): FNV-1a, stable across processes and versions. */
export function bucketOf(key: string, buckets: number = MAX_BUCKETS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

/** Job data of one due run of a batch of checks in one region: the checks are run at once and reported together. */
export interface CheckBatchData {
  region: string;
  /** Check keys (`system/target/check`), all of one interval. */
  keys: string[];
}
