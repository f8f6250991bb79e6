/** Names of kuzet's queues and Redis keys, in one place. Every name lives under the configured prefix. */
export const checkQueueName = (region: string) => `checks-${region}`;
export const MAINTENANCE_QUEUE = 'maintenance';
export const resultStreamKey = (prefix: string) => `${prefix}:results`;
export { reloadChannel } from '../core/reload-protocol.ts';
export const RESULT_GROUP = 'ingest';
/** Set with a batch's results, in the same transaction: a retried batch that finds it does not run again. */
export const batchDoneKey = (prefix: string, jobId: string) => `${prefix}:batch-done:${jobId}`;

/**
 * Checks are hashed into this many buckets per region; each (bucket, interval) has one BullMQ job
 * scheduler whose job carries the bucket's checks (issue #19: one job per batch, not per check).
 * 64 keeps a batch small enough to spread the load over the interval and large enough that the
 * Redis work per check is a fraction of a job's.
 */
export const BUCKETS = 64;

/** The bucket of a check key: FNV-1a, stable across processes and versions. */
export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/** Job data of one due run of a batch of checks in one region: the checks are run at once and reported together. */
export interface CheckBatchData {
  region: string;
  /** Check keys (`system/target/check`), all of one interval. */
  keys: string[];
}
