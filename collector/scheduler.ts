/**
 * Check schedulers: the checks of one interval in a region are hashed into buckets (as many as
 * {@link bucketsFor} their number), and each (bucket, interval) has one BullMQ job scheduler in the
 * region's queue whose job carries the bucket's checks. BullMQ hands each due batch to exactly one worker of the region, however many
 * processes share the Redis; the worker runs the batch's checks at once and reports them together.
 * One job per batch instead of one per check is what makes a check cheap (issue #19).
 *
 * Buckets start at phases spread over the interval, so the load is even rather than one burst.
 * Reconciling makes Redis match the config: removed checks stop, changed intervals apply, and a
 * check new to its scheduler runs at once (a one-off job), as it did when each check had its own. A
 * check moved to another bucket (the count of its interval's checks crossed a power of two) also runs
 * at once, so that its new bucket's phase never leaves it more than one interval without a run.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type KuzetConfig, resolveChecks } from '../core/config.ts';
import { bucketOf, bucketsFor, checkQueueName, type CheckBatchData } from './queues.ts';

const schedulerId = (bucket: number, buckets: number, every: number, region: string) => `bucket-${bucket}of${buckets}-${every}@${region}`;
const JOB_OPTS = { removeOnComplete: true, removeOnFail: 100 };

export interface ReconcileReport {
  /** `check@region` runs added or whose interval changed. */
  upserted: number;
  /** `check@region` runs no longer configured. */
  removed: string[];
}

interface Wanted {
  bucket: number;
  buckets: number;
  every: number;
  keys: string[];
}

/** Per region, the schedulers the config asks for, by scheduler id. */
function wantedSchedulers(cfg: KuzetConfig): Map<string, Map<string, Wanted>> {
  // First the check keys of each (region, interval), to size its buckets.
  const groups = new Map<string, Map<number, string[]>>();
  for (const region of cfg.regions) groups.set(region, new Map());
  for (const rc of resolveChecks(cfg)) {
    for (const region of rc.regions) {
      const byEvery = groups.get(region);
      if (!byEvery) continue;
      const keys = byEvery.get(rc.check.intervalMs) ?? [];
      keys.push(rc.key);
      byEvery.set(rc.check.intervalMs, keys);
    }
  }
  const wanted = new Map<string, Map<string, Wanted>>();
  for (const [region, byEvery] of groups) {
    const byId = new Map<string, Wanted>();
    for (const [every, keys] of byEvery) {
      const buckets = bucketsFor(keys.length, every);
      for (const key of keys) {
        const bucket = bucketOf(key, buckets);
        const sid = schedulerId(bucket, buckets, every, region);
        const w = byId.get(sid) ?? { bucket, buckets, every, keys: [] };
        w.keys.push(key);
        byId.set(sid, w);
      }
    }
    for (const w of byId.values()) w.keys.sort();
    wanted.set(region, byId);
  }
  return wanted;
}

const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

export class CheckScheduler {
  private readonly queues = new Map<string, Queue<CheckBatchData>>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  queue(region: string): Queue<CheckBatchData> {
    let q = this.queues.get(region);
    if (!q) {
      q = new Queue<CheckBatchData>(checkQueueName(region), { connection: this.connection, prefix: this.prefix });
      q.on('error', () => undefined);
      this.queues.set(region, q);
    }
    return q;
  }

  async reconcile(cfg: KuzetConfig): Promise<ReconcileReport> {
    const wanted = wantedSchedulers(cfg);
    const report: ReconcileReport = { upserted: 0, removed: [] };
    // Regions no longer configured may still hold schedulers from an earlier config: list them too.
    const regions = new Set([...wanted.keys(), ...(await this.knownRegions())]);
    for (const region of regions) await this.reconcileRegion(region, wanted.get(region) ?? new Map(), report);
    await this.connection.sadd(`${this.prefix}:regions`, ...wanted.keys());
    return report;
  }

  /** The checks each existing scheduler of a region runs, and its interval. */
  async current(region: string): Promise<Map<string, { every: number; keys: string[] }>> {
    const out = new Map<string, { every: number; keys: string[] }>();
    for (const s of await this.queue(region).getJobSchedulers(0, -1)) {
      out.set(s.id ?? s.key, { every: Number(s.every), keys: s.template?.data?.keys ?? [] });
    }
    return out;
  }

  private async reconcileRegion(region: string, want: Map<string, Wanted>, report: ReconcileReport): Promise<void> {
    const q = this.queue(region);
    const existing = await this.current(region);
    const wantedKeys = new Set([...want.values()].flatMap((w) => w.keys));
    /** Where each `key/interval` was scheduled before this reconcile. */
    const before = new Map<string, string>();
    for (const [sid, s] of existing) {
      for (const k of s.keys) {
        before.set(`${k}/${s.every}`, sid);
        if (!wantedKeys.has(k)) report.removed.push(`${k}@${region}`);
      }
      const w = want.get(sid);
      if (!w) await q.removeJobScheduler(sid);
      else if (s.every === w.every && sameKeys(s.keys, w.keys)) want.delete(sid);
    }
    const now = this.now();
    for (const [sid, w] of want) {
      // The phase only applies to a scheduler new or with a new interval; an existing one keeps its own.
      const startDate = now + Math.floor((w.bucket * w.every) / w.buckets);
      await q.upsertJobScheduler(sid, { every: w.every, startDate }, { name: 'checks', data: { region, keys: w.keys }, opts: JOB_OPTS });
      const fresh = w.keys.filter((k) => !before.has(`${k}/${w.every}`));
      const moved = w.keys.filter((k) => before.has(`${k}/${w.every}`) && before.get(`${k}/${w.every}`) !== sid);
      if (fresh.length + moved.length > 0) await q.add('first-run', { region, keys: [...fresh, ...moved] }, JOB_OPTS);
      report.upserted += fresh.length;
    }
  }

  private async knownRegions(): Promise<string[]> {
    return this.connection.smembers(`${this.prefix}:regions`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
