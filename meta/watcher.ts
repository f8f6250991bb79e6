/**
 * The watcher: every few seconds it reads the heartbeats and the newest result of every check, finds
 * the silent groups (silence.ts) and keeps one episode per group in `meta_silences`; a new episode is
 * written in the same transaction as its on-call deliveries, so a crash never loses nor repeats the
 * alert. It also keeps the meta metrics current and re-creates what an emptied Redis lost.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { withTimeout } from '../core/redis.ts';
import { fanOut, type DeliveryRow, insertDeliveries } from '../notices/index.ts';
import { CheckScheduler, heartbeatKey, readHeartbeats } from '../collector/index.ts';
import type { MetaDeps, MetaState } from './deps.ts';
import { episodeShape, groupView } from './episodes.ts';
import { allOpenEpisodes, endEpisode, insertEpisode, outboxBacklog, updateEpisodeDetail, type EpisodeRow } from './meta.repo.ts';
import { queueNamesOf, registerMetaMetrics, zeroSilent, type MetaMetrics } from './metrics.ts';
import { findProbeErrors, findSilences, type CurrentResult, type SilenceReport, type SilentGroup } from './silence.ts';
import { alertName, placeNamesOf, resolvedTexts, silentTexts } from './texts.ts';

/** Heartbeats not renewed for an hour belong to workers long gone: pruned (their episode stays on record). */
const PRUNE_AFTER_MS = 3_600_000;

/** A failure logged once until it works again; the last one is kept in the state. */
export class QuietWarnings {
  private readonly warned = new Set<string>();
  constructor(
    private readonly d: Pick<MetaDeps, 'log'>,
    private readonly state: MetaState,
  ) {}
  warn(what: string, e: unknown): void {
    const msg = (e as Error).message;
    this.state.lastError = `${what}: ${msg}`;
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.d.log.warn({ err: msg }, `meta-monitoring: ${what} failed; retrying quietly until it works again`);
  }
  recovered(what: string): void {
    if (this.warned.delete(what)) this.d.log.info(`meta-monitoring: ${what} works again`);
  }
}

/**
 * The newest result of every check and region whose run kuzet could not make, from the live status
 * board (issue #16 item 9): grouped into `kuzet.probe-error` alerts by {@link findProbeErrors}.
 */
function currentProbeErrors(d: Pick<MetaDeps, 'status' | 'config'>): SilentGroup[] {
  const rows: CurrentResult[] = [];
  for (const { systemId, targetId, module, key, region, latest } of d.status.current(d.config())) {
    if (latest && !latest.ok)
      rows.push({
        key,
        region,
        system: systemId,
        module: module ?? targetId,
        ok: false,
        errorKind: latest.errorKind as CurrentResult['errorKind'],
        message: latest.message,
        at: latest.at.getTime(),
        since: latest.since.getTime(),
      });
  }
  return findProbeErrors(rows);
}

/** The newest result time of every check and region, from the live status board. */
function latestResults(d: Pick<MetaDeps, 'status' | 'config'>): Map<string, number> {
  const out = new Map<string, number>();
  for (const { key, region, latest } of d.status.current(d.config())) if (latest) out.set(`${key}\u0000${region}`, latest.at.getTime());
  return out;
}

/** Queues and their failure events, watched as Redis allows. */
class QueueWatch {
  readonly queues = new Map<string, Queue>();
  private readonly events: QueueEvents[] = [];
  private readonly conns: Redis[] = [];
  constructor(
    private readonly prefix: string,
    private readonly m: MetaMetrics,
  ) {}

  watch(redis: Redis, names: string[]): void {
    for (const name of names) {
      if (this.queues.has(name)) continue;
      const q = new Queue(name, { connection: redis, prefix: this.prefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
      // QueueEvents reads with a blocking XREAD: it gets a connection of its own.
      const conn = redis.duplicate();
      conn.on('error', () => undefined);
      this.conns.push(conn);
      const ev = new QueueEvents(name, { connection: conn, prefix: this.prefix });
      ev.on('error', () => undefined);
      ev.on('failed', () => this.m.jobFailures.inc({ queue: name }));
      this.events.push(ev);
    }
  }

  async updateMetrics(now: number): Promise<void> {
    for (const [name, q] of this.queues) {
      const counts = await q.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      for (const [st, n] of Object.entries(counts)) this.m.queueDepth.set({ queue: name, state: st }, n);
      const oldest = (await q.getJobs(['waiting', 'prioritized'], 0, 0, true))[0];
      this.m.queueLag.set({ queue: name }, oldest ? Math.max(0, (now - oldest.timestamp - (oldest.delay ?? 0)) / 1000) : 0);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.events.map((e) => e.close().catch(() => undefined)));
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    for (const c of this.conns) c.disconnect();
  }
}

/** One evaluation of silence and its consequences: metrics, episodes and their alerts. */
export class MetaWatcher {
  readonly m: MetaMetrics;
  readonly queues: QueueWatch;
  private readonly epochKey: string;
  constructor(
    private readonly d: MetaDeps,
    private readonly state: MetaState,
    private readonly warnings: QuietWarnings,
  ) {
    this.m = registerMetaMetrics(d.metrics.registry, d.config());
    this.epochKey = `${d.prefix()}:meta:epoch`;
    this.queues = new QueueWatch(d.prefix(), this.m);
  }

  /** Watches the queues and marks this Redis as kuzet's (an emptied Redis loses the mark). */
  async attach(redis: Redis): Promise<void> {
    this.queues.watch(redis, queueNamesOf(this.d.config()));
    await redis.set(this.epochKey, String(Date.now()), 'NX').catch(() => undefined);
  }

  /** Redis restarted without its data: job schedulers, the result group and queued deliveries are gone. */
  private async recoverEmptyRedis(redis: Redis): Promise<void> {
    const created = await redis.set(this.epochKey, String(Date.now()), 'NX');
    if (created !== 'OK') return;
    this.d.log.warn(
      'meta-monitoring: Redis came back without its data; re-creating the check schedulers and re-queueing pending deliveries',
    );
    const scheduler = new CheckScheduler(redis, this.d.prefix());
    try {
      await scheduler.reconcile(this.d.config());
    } finally {
      await scheduler.close();
    }
    await this.d.notices.deliveries?.sweep();
  }

  private async readHeartbeats(redis: Redis): Promise<void> {
    try {
      await withTimeout(this.recoverEmptyRedis(redis), 10_000);
      this.state.heartbeats = await withTimeout(readHeartbeats(redis, this.d.prefix()), 2000);
      this.warnings.recovered('reading heartbeats');
    } catch (e) {
      // Keep the last heartbeats read: they age, and a long outage shows as a silent region.
      this.warnings.warn('reading heartbeats', e);
    }
  }

  private updateAgeMetrics(report: SilenceReport, latest: Map<string, number>, now: number): void {
    zeroSilent(this.m, this.d.config());
    for (const g of report.groups) this.m.silent.set({ scope: g.scope, id: g.group }, 1);
    this.m.heartbeatAge.reset();
    for (const hb of this.state.heartbeats)
      for (const region of hb.regions) this.m.heartbeatAge.set({ worker: hb.id, region }, Math.max(0, (now - hb.at) / 1000));
    const newest = new Map<string, number>();
    for (const [k, at] of latest) {
      const region = k.split('\u0000')[1] as string;
      newest.set(region, Math.max(newest.get(region) ?? 0, at));
    }
    for (const [region, at] of newest) this.m.newestResultAge.set({ region }, Math.max(0, (now - at) / 1000));
  }

  private async tendRedis(redis: Redis, report: SilenceReport, now: number): Promise<void> {
    const gone = this.state.heartbeats.filter((h) => report.replaced.includes(h.id) || now - h.at > PRUNE_AFTER_MS).map((h) => h.id);
    if (gone.length > 0) await redis.hdel(heartbeatKey(this.d.prefix()), ...gone).catch(() => undefined);
    try {
      this.queues.watch(redis, queueNamesOf(this.d.config()));
      await withTimeout(this.queues.updateMetrics(now), 3000);
      this.warnings.recovered('reading queue depths');
    } catch (e) {
      this.warnings.warn('reading queue depths', e);
    }
  }

  async evaluate(): Promise<void> {
    const now = Date.now();
    const redis = this.d.redis();
    if (redis) await this.readHeartbeats(redis);
    const latest = latestResults(this.d);
    const silences = findSilences({
      now,
      startedAt: this.state.startedAt,
      config: this.d.config(),
      heartbeats: this.state.heartbeats,
      latest: (k, r) => latest.get(`${k}\u0000${r}`),
      factor: this.d.config().meta?.silenceIntervals ?? 3,
    });
    const report = { ...silences, groups: [...silences.groups, ...currentProbeErrors(this.d)] };
    this.state.report = report;
    this.state.lastEvalAt = now;
    this.updateAgeMetrics(report, latest, now);
    if (redis) await this.tendRedis(redis, report, now);
    try {
      await this.recordSilences(report, now);
      this.warnings.recovered('recording silences');
    } catch (e) {
      this.warnings.warn('recording silences', e);
    }
  }

  private async recordSilences(report: SilenceReport, now: number): Promise<void> {
    const db = this.d.db();
    this.m.outboxBacklog.set(await withTimeout(outboxBacklog(db), 3000));
    const open = await withTimeout(allOpenEpisodes(db), 3000);
    const openGroups = new Map(open.map((o) => [o.grp, o]));
    for (const g of report.groups) {
      const ep = openGroups.get(g.group);
      if (!ep) await this.raise(g, now);
      else await updateEpisodeDetail(db, ep.id, groupView(g));
    }
    // Right after a (re)start nothing is judged yet: an episode open before the restart stays open until then.
    const judging = report.regions.length > 0 && now - this.state.startedAt > Math.max(...report.regions.map((r) => r.thresholdMs));
    if (judging) {
      const silentNow = new Set(report.groups.map((g) => g.group));
      for (const ep of open) if (!silentNow.has(ep.grp)) await this.resolve(ep, now);
    }
  }

  private async raise(g: SilentGroup, now: number): Promise<void> {
    const id = `${g.group}@${new Date(now).toISOString()}`;
    const cfg = this.d.config();
    const rows: DeliveryRow[] = fanOut(
      `kuzet.silent|${id}`,
      {
        threadKey: `kuzet.silent|${id}`,
        texts: silentTexts(g, id, placeNamesOf(cfg)),
        data: { alert: alertName(g.scope), episode: id, group: g.group, scope: g.scope, region: g.region },
      },
      cfg.notifications.channels,
      [],
      { chat: true },
    );
    const inserted = await this.d.db().transaction(async (tx) => {
      if (
        !(await insertEpisode(tx, {
          id,
          group: g.group,
          scope: g.scope,
          region: g.region,
          startedAt: new Date(now),
          detail: groupView(g),
          deliveries: rows.length,
        }))
      )
        return false; // already open (another process raised it)
      await insertDeliveries(tx, rows);
      return true;
    });
    if (!inserted) return;
    this.d.log.warn(
      { episode: id, group: g.group, checks: g.checks.length, workers: g.workers.length, ...(g.reason ? { reason: g.reason } : {}) },
      `${alertName(g.scope)} raised`,
    );
    await this.d.notices.deliveries?.enqueue(rows).catch((e: unknown) => this.warnings.warn('queueing a kuzet.silent delivery', e));
  }

  private async resolve(ep: EpisodeRow, now: number): Promise<void> {
    const cfg = this.d.config();
    const rows = fanOut(
      `kuzet.silent.resolved|${ep.id}`,
      {
        threadKey: `kuzet.silent|${ep.id}`,
        texts: resolvedTexts(episodeShape(ep), ep.id, new Date(now), placeNamesOf(cfg)),
        data: { alert: 'kuzet.silent', resolved: true, episode: ep.id, group: ep.grp },
      },
      cfg.notifications.channels,
      [],
      { chat: true },
    );
    const updated = await this.d.db().transaction(async (tx) => {
      if (!(await endEpisode(tx, ep.id, new Date(now)))) return false;
      await insertDeliveries(tx, rows);
      return true;
    });
    if (!updated) return;
    this.d.log.info({ episode: ep.id }, 'kuzet.silent resolved');
    await this.d.notices.deliveries?.enqueue(rows).catch((e: unknown) => this.warnings.warn('queueing a kuzet.silent delivery', e));
  }
}
