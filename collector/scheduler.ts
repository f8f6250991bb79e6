/**
 * One BullMQ job scheduler per (check, region), in the region's queue. Reconciling makes Redis match
 * the config: removed checks stop, changed intervals apply, new checks start. BullMQ hands each due
 * run to exactly one worker of the region, however many processes share the Redis.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type KuzetConfig, resolveChecks } from '../core/config.ts';
import { checkQueueName, type CheckJobData } from './queues.ts';

const schedulerId = (key: string, region: string) => `${key}@${region}`;

export interface ReconcileReport {
  upserted: number;
  removed: string[];
}

export class CheckScheduler {
  private readonly queues = new Map<string, Queue<CheckJobData>>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  queue(region: string): Queue<CheckJobData> {
    let q = this.queues.get(region);
    if (!q) {
      q = new Queue<CheckJobData>(checkQueueName(region), { connection: this.connection, prefix: this.prefix });
      q.on('error', () => undefined);
      this.queues.set(region, q);
    }
    return q;
  }

  async reconcile(cfg: KuzetConfig): Promise<ReconcileReport> {
    const wanted = new Map<string, Map<string, { every: number; data: CheckJobData }>>();
    for (const region of cfg.regions) wanted.set(region, new Map());
    for (const rc of resolveChecks(cfg)) {
      for (const region of rc.regions) {
        wanted.get(region)?.set(schedulerId(rc.key, region), { every: rc.check.intervalMs, data: { key: rc.key, region } });
      }
    }
    const removed: string[] = [];
    let upserted = 0;
    // Regions no longer configured may still hold schedulers from an earlier config: list them too.
    const regions = new Set([...wanted.keys(), ...(await this.knownRegions())]);
    for (const region of regions) {
      const q = this.queue(region);
      const want = wanted.get(region) ?? new Map();
      const existing = await q.getJobSchedulers(0, -1);
      for (const s of existing) {
        const sid = s.id ?? s.key;
        const w = want.get(sid);
        if (!w) {
          await q.removeJobScheduler(sid);
          removed.push(sid);
        } else if (s.every === w.every) {
          want.delete(sid);
        }
      }
      for (const [sid, w] of want) {
        await q.upsertJobScheduler(
          sid,
          { every: w.every },
          { name: 'check', data: w.data, opts: { removeOnComplete: true, removeOnFail: 100 } },
        );
        upserted++;
      }
    }
    await this.connection.sadd(`${this.prefix}:regions`, ...wanted.keys());
    return { upserted, removed };
  }

  private async knownRegions(): Promise<string[]> {
    return this.connection.smembers(`${this.prefix}:regions`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
