/**
 * Check schedulers: the checks of a region are hashed into {@link BUCKETS} buckets, and each
 * (bucket, interval) has one BullMQ job scheduler in the region's queue whose job carries the
 * bucket's checks. BullMQ hands each due batch to exactly one worker of the region, however many
 * processes share the Redis; the worker runs the batch's checks at once and reports them together.
 * One job per batch instead of one per check is what makes a check cheap (issue #19).
 *
 * Buckets start at phases spread over the interval, so the load is even rather than one burst.
 * Reconciling makes Redis match the config: removed checks stop, changed intervals apply, and a
 * check new to its scheduler runs at once (a one-off job), as it did when each check had its own.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type KuzetConfig, resolveChecks } from '../core/config.ts';
import { BUCKETS, bucketOf, checkQueueName, type CheckBatchData } from './queues.ts';

const schedulerId = (bucket: number, every: number, region: string) => `bucket-${bucket}-${every}@${region}`;
const JOB_OPTS = { removeOnComplete: true, removeOnFail: 100 };

export interface ReconcileReport {
  /** `check@region` runs added or whose interval changed. */
  upserted: number;
  /** `check@region` runs no longer configured. */
  removed: string[];
}

interface Wanted {
  bucket: number;
  every: number;
  keys: string[];
}

/** Per region, the schedulers the config asks for, by scheduler id. */
function wantedSchedulers(cfg: KuzetConfig): Map<string, Map<string, Wanted>> {
  const wanted = new Map<string, Map<string, Wanted>>();
  for (const region of cfg.regions) wanted.set(region, new Map());
  for (const rc of resolveChecks(cfg)) {
    const bucket = bucketOf(rc.key);
    const every = rc.check.intervalMs;
    for (const region of rc.regions) {
      const byId = wanted.get(region);
      if (!byId) continue;
      const sid = schedulerId(bucket, every, region);
      const w = byId.get(sid) ?? { bucket, every, keys: [] };
      w.keys.push(rc.key);
      byId.set(sid, w);
    }
  }
  for (const byId of wanted.values()) for (const w of byId.values()) w.keys.sort();
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
    const before = new Set<string>();
    for (const [sid, s] of existing) {
      for (const k of s.keys) {
        before.add(`${k}/${s.every}`);
        if (!wantedKeys.has(k)) report.removed.push(`${k}@${region}`);
      }
      const w = want.get(sid);
      if (!w) await q.removeJobScheduler(sid);
      else if (s.every === w.every && sameKeys(s.keys, w.keys)) want.delete(sid);
    }
    const now = this.now();
    for (const [sid, w] of want) {
      // The phase only applies to a scheduler new or with a new interval; an existing one keeps its own.
      const startDate = now + Math.floor((w.bucket * w.every) / BUCKETS);
      await q.upsertJobScheduler(sid, { every: w.every, startDate }, { name: 'checks', data: { region, keys: w.keys }, opts: JOB_OPTS });
      const fresh = w.keys.filter((k) => !before.has(`${k}/${w.every}`));
      if (fresh.length > 0) await q.add('first-run', { region, keys: fresh }, JOB_OPTS);
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
