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
 * check). The bucket count is a power of two chosen from the number of checks ({@link bucketsFor}):
 * about {@link BATCH_TARGET} checks a batch, so that BullMQ's work per job (a few Redis scripts,
 * its events) is a small share of a check's, and at most {@link MAX_BUCKETS}, so that a large
 * fleet's load is still spread over the interval in many small bursts.
 */
export const MAX_BUCKETS = 64;
export const BATCH_TARGET = 64;

/** Buckets for `n` checks of one interval in one region: the smallest power of two ≥ n / BATCH_TARGET, at most 64. */
export function bucketsFor(n: number): number {
  let b = 1;
  while (b < MAX_BUCKETS && b * BATCH_TARGET < n) b *= 2;
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
