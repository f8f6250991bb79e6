/**
 * Watching the watcher (issue #11): worker heartbeats, `kuzet.silent` alerts, self-metrics, an
 * optional dead-man's switch, and recovery when Redis comes back empty.
 *
 * Every few seconds the watcher reads the heartbeats and the newest result of every check, finds the
 * silent groups (silence.ts) and keeps one episode per group in `meta_silences`: a new episode is
 * written in the same transaction as its on-call deliveries (the notices outbox, idempotency key
 * `kuzet.silent|<episode id>`), so a crash never loses nor repeats the alert; the end of an episode is
 * announced in the same thread. Episodes are kuzet's own faults: they never open an incident of a
 * monitored system nor count as its downtime. `GET /api/v1/meta/silent` shows them to the console.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { audit } from '../core/audit.ts';
import { requireRole } from '../core/auth.ts';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { redactUrl, withTimeout } from '../core/redis.ts';
import { formatAstana } from '../core/time.ts';
import { EVENTS_QUEUE } from '../incidents/index.ts';
import { DELIVERY_QUEUE, fanOut, SCHEDULE_QUEUE, type DeliveryRow, insertDeliveries } from '../notices/index.ts';
import { UnavailableError } from '../core/errors.ts';
import { checkQueueName, MAINTENANCE_QUEUE, CheckScheduler, heartbeatKey, readHeartbeats, type Heartbeat } from '../collector/index.ts';
import type { ApiExtension, BackgroundPart, KuzetServices } from '../app/services.ts';
import { findProbeErrors, findSilences, knownSilentGroups, type CurrentResult, type SilenceReport, type SilentGroup } from './silence.ts';
import { alertName, placeNamesOf, resolvedTexts, silentSubject, silentTexts, type PlaceNames, type SilentGroupShape } from './texts.ts';
import type { Queryable } from '../core/db.ts';
import { pageOfList } from '../api/index.ts';

export { findSilences, SILENCE_SCOPES } from './silence.ts';
export { NOT_DOWNTIME as SILENT_NOT_DOWNTIME, placeNamesOf } from './texts.ts';
export type { PlaceNames } from './texts.ts';
export type { SilentGroup, SilenceReport } from './silence.ts';

/** Heartbeats not renewed for an hour belong to workers long gone: pruned (their episode stays on record). */
const PRUNE_AFTER_MS = 3_600_000;

interface MetaState {
  startedAt: number;
  lastEvalAt: number | null;
  report: SilenceReport | null;
  heartbeats: Heartbeat[];
  lastError: string | null;
}

/** The watcher's live state per running kuzet, for the API (mounted before the watcher starts). */
const states = new WeakMap<KuzetServices, MetaState>();

export interface MetaOptions {
  /** How often silence is evaluated (default: a third of the shortest check interval, 1–5 s). */
  evaluateEveryMs?: number;
}

interface EpisodeRow {
  id: string;
  grp: string;
  scope: string;
  region: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  detail: unknown;
}

const iso = (v: Date | string | null) => (v === null ? null : formatAstana(v instanceof Date ? v : new Date(v)));
const episodeView = (r: EpisodeRow) => ({ id: r.id, group: r.grp, scope: r.scope, region: r.region, startedAt: iso(r.started_at), endedAt: iso(r.ended_at), detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as unknown) : r.detail });

/** What a stored episode is about, from the group view kept with it. */
function episodeShape(r: EpisodeRow): SilentGroupShape & { group: string } {
  const d = (episodeView(r).detail ?? {}) as Partial<SilentGroupShape>;
  return { group: r.grp, scope: r.scope, region: r.region, system: d.system, module: d.module, workers: Array.isArray(d.workers) ? d.workers : [], checks: Array.isArray(d.checks) ? d.checks : [], reason: typeof d.reason === 'string' ? d.reason : undefined };
}

/**
 * The `kuzet.silent` episodes open now, newest first, with what each is about in Kazakh and Russian
 * (modules by their configured names, see {@link placeNamesOf}): the console's board shows them
 * beside the monitored systems (and apart from their incidents).
 */
export async function openSilences(db: Queryable, names?: PlaceNames): Promise<{ id: string; group: string; scope: string; region: string; startedAt: string; subject: Record<'kk' | 'ru', string> }[]> {
  const rows = await db.query<EpisodeRow>('SELECT * FROM meta_silences WHERE ended_at IS NULL ORDER BY started_at DESC, id LIMIT 100');
  return rows.map((r) => ({ id: r.id, group: r.grp, scope: r.scope, region: r.region, startedAt: episodeView(r).startedAt as string, subject: silentSubject(episodeShape(r), names) }));
}

function groupView(g: SilentGroup) {
  return {
    group: g.group,
    scope: g.scope,
    region: g.region,
    ...(g.system ? { system: g.system, module: g.module } : {}),
    lastHeard: formatAstana(new Date(g.lastHeard)),
    thresholdSeconds: g.thresholdMs / 1000,
    workers: g.workers.map((w) => ({ id: w.id, host: w.host, lastBeat: formatAstana(new Date(w.lastBeat)) })),
    checks: g.checks.map((c) => ({ key: c.key, lastResult: c.lastResult === null ? null : formatAstana(new Date(c.lastResult)) })),
    ...(g.reason ? { reason: g.reason } : {}),
  };
}

export function metaExtension(s: KuzetServices): ApiExtension {
  return (_app, router) => {
    registerMetrics(s);
    const viewer = requireRole(() => s.db(), 'viewer');
    router.get('/api/v1/meta/silent', viewer, async (ctx) => {
      const st = states.get(s);
      let open: ReturnType<typeof episodeView>[] | null = null;
      let recent: ReturnType<typeof episodeView>[] | null = null;
      let database: string | undefined;
      try {
        const rows = await withTimeout(s.db().query<EpisodeRow>("SELECT * FROM meta_silences WHERE ended_at IS NULL OR ended_at > now() - interval '7 days' ORDER BY started_at DESC LIMIT 200"), 3000);
        open = rows.filter((r) => r.ended_at === null).map(episodeView);
        recent = rows.filter((r) => r.ended_at !== null).map(episodeView);
      } catch (e) {
        database = `unavailable: ${(e as Error).message}`;
      }
      ctx.body = {
        at: formatAstana(new Date()),
        alert: 'kuzet.silent',
        // kuzet's own silence: never an incident of a monitored system, never its downtime.
        countsAsDowntime: false,
        silenceIntervals: s.config().meta?.silenceIntervals ?? 3,
        evaluatedAt: st?.lastEvalAt ? formatAstana(new Date(st.lastEvalAt)) : null,
        live: st?.report ? st.report.groups.map(groupView) : [],
        regions: st?.report ? st.report.regions.map((r) => ({ region: r.region, intervalSeconds: r.intervalMs / 1000, thresholdSeconds: r.thresholdMs / 1000, liveWorkers: r.liveWorkers })) : [],
        open,
        recent,
        ...(database ? { database } : {}),
      };
    });
    router.get('/api/v1/meta/heartbeats', viewer, async (ctx) => {
      const redis = s.redis();
      if (!redis) throw new UnavailableError('Redis has not been reached yet');
      let hbs: Heartbeat[];
      try {
        hbs = await withTimeout(readHeartbeats(redis, s.prefix()), 2000);
      } catch (e) {
        throw new UnavailableError(`Redis: ${(e as Error).message}`, e);
      }
      const now = Date.now();
      const page = pageOfList(ctx, hbs.sort((a, b) => a.id.localeCompare(b.id)), (h) => h.id);
      ctx.body = {
        at: formatAstana(new Date(now)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        workers: page.items.map((h) => ({ id: h.id, host: h.host, pid: h.pid, regions: h.regions, startedAt: formatAstana(new Date(h.startedAt)), lastBeat: formatAstana(new Date(h.at)), ageSeconds: Math.max(0, (now - h.at) / 1000) })),
      };
    });
  };
}

type MetaMetrics = ReturnType<typeof createMetrics>;
const metricsOf = new WeakMap<object, MetaMetrics>();

/**
 * The meta-monitoring metrics of this kuzet, registered once and at once (the API mounts this part
 * before it listens; the watcher starts only when Redis is reached): kuzet_job_failures_total for
 * every queue and kuzet_silent for every group the config can have are there at 0 from the first
 * scrape, so `rate()` and `absent()` do not misfire after a restart (issue #16 item 10).
 */
function registerMetrics(s: KuzetServices): MetaMetrics {
  let m = metricsOf.get(s.metrics.registry);
  if (!m) {
    m = createMetrics(s);
    metricsOf.set(s.metrics.registry, m);
  }
  for (const queue of queueNamesOf(s)) m.jobFailures.inc({ queue }, 0);
  zeroSilent(m, s);
  return m;
}

function zeroSilent(m: MetaMetrics, s: KuzetServices): void {
  m.silent.reset();
  for (const g of knownSilentGroups(s.config())) m.silent.set({ scope: g.scope, id: g.group }, 0);
}

const queueNamesOf = (s: KuzetServices) => [...s.config().regions.map(checkQueueName), MAINTENANCE_QUEUE, DELIVERY_QUEUE, SCHEDULE_QUEUE, EVENTS_QUEUE];

function createMetrics(s: KuzetServices) {
  const r = s.metrics.registry;
  const c = METRIC_CATALOGUE;
  const gauge = (m: { name: string; help: string; labels: readonly string[] }) => new Gauge({ name: m.name, help: m.help, labelNames: [...m.labels], registers: [r] });
  return {
    queueDepth: gauge(c.queueDepth),
    queueLag: gauge(c.queueLag),
    jobFailures: new Counter({ name: c.jobFailures.name, help: c.jobFailures.help, labelNames: [...c.jobFailures.labels], registers: [r] }),
    outboxBacklog: gauge(c.outboxBacklog),
    newestResultAge: gauge(c.newestResultAge),
    heartbeatAge: gauge(c.heartbeatAge),
    silent: gauge(c.silent),
  };
}

/**
 * The newest result of every check and region whose run kuzet could not make, from the live status
 * board (issue #16 item 9): grouped into `kuzet.probe-error` alerts by {@link findProbeErrors}.
 */
function currentProbeErrors(s: KuzetServices): SilentGroup[] {
  const doc = s.status.snapshot(s.config(), new Date());
  const rows: CurrentResult[] = [];
  for (const sys of doc.systems) {
    for (const t of sys.targets) {
      for (const ch of t.checks) {
        for (const rg of ch.regions) {
          if (rg.ok === false && rg.at && rg.since) rows.push({ key: ch.key, region: rg.region, system: sys.id, module: t.module ?? t.id, ok: false, errorKind: rg.errorKind, message: rg.message, at: Date.parse(rg.at), since: Date.parse(rg.since) });
        }
      }
    }
  }
  return findProbeErrors(rows);
}

/** The newest result time of every check and region, from the live status board. */
function latestResults(s: KuzetServices): Map<string, number> {
  const doc = s.status.snapshot(s.config(), new Date());
  const out = new Map<string, number>();
  for (const sys of doc.systems) {
    for (const t of sys.targets) {
      for (const ch of t.checks) {
        for (const rg of ch.regions) if (rg.at) out.set(`${ch.key}\u0000${rg.region}`, Date.parse(rg.at));
      }
    }
  }
  return out;
}

export async function startMeta(s: KuzetServices, opts: MetaOptions = {}): Promise<BackgroundPart> {
  const state: MetaState = { startedAt: Date.now(), lastEvalAt: null, report: null, heartbeats: [], lastError: null };
  states.set(s, state);
  const m = registerMetrics(s);
  const prefix = s.prefix();
  const epochKey = `${prefix}:meta:epoch`;
  const queues = new Map<string, Queue>();
  const events: QueueEvents[] = [];
  const eventConns: Redis[] = [];
  let stopped = false;
  const warned = new Set<string>();
  const warnOnce = (what: string, e: unknown) => {
    const msg = (e as Error).message;
    state.lastError = `${what}: ${msg}`;
    if (warned.has(what)) return;
    warned.add(what);
    s.log.warn({ err: msg }, `meta-monitoring: ${what} failed; retrying quietly until it works again`);
  };
  const recovered = (what: string) => {
    if (warned.delete(what)) s.log.info(`meta-monitoring: ${what} works again`);
  };

  const queueNames = () => queueNamesOf(s);
  const redis0 = s.redis();
  const watchQueues = (redis: Redis) => {
    for (const name of queueNames()) {
      if (queues.has(name)) continue;
      const q = new Queue(name, { connection: redis, prefix });
      q.on('error', () => undefined);
      queues.set(name, q);
      // QueueEvents reads with a blocking XREAD: it gets a connection of its own.
      const conn = redis.duplicate();
      conn.on('error', () => undefined);
      eventConns.push(conn);
      const ev = new QueueEvents(name, { connection: conn, prefix });
      ev.on('error', () => undefined);
      ev.on('failed', () => m.jobFailures.inc({ queue: name }));
      events.push(ev);
    }
  };
  if (redis0) {
    watchQueues(redis0);
    await redis0.set(epochKey, String(Date.now()), 'NX').catch(() => undefined);
  }

  const factor = () => s.config().meta?.silenceIntervals ?? 3;

  /** Redis restarted without its data: job schedulers, the result group and queued deliveries are gone. */
  const recoverEmptyRedis = async (redis: Redis) => {
    const created = await redis.set(epochKey, String(Date.now()), 'NX');
    if (created !== 'OK') return;
    s.log.warn('meta-monitoring: Redis came back without its data; re-creating the check schedulers and re-queueing pending deliveries');
    const scheduler = new CheckScheduler(redis, prefix);
    try {
      await scheduler.reconcile(s.config());
    } finally {
      await scheduler.close();
    }
    await s.notices.deliveries?.sweep();
  };

  const updateQueueMetrics = async (now: number) => {
    for (const [name, q] of queues) {
      const counts = await q.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      for (const [st, n] of Object.entries(counts)) m.queueDepth.set({ queue: name, state: st }, n);
      const oldest = (await q.getJobs(['waiting', 'prioritized'], 0, 0, true))[0];
      m.queueLag.set({ queue: name }, oldest ? Math.max(0, (now - oldest.timestamp - (oldest.delay ?? 0)) / 1000) : 0);
    }
  };

  const raise = async (g: SilentGroup, now: number) => {
    const id = `${g.group}@${new Date(now).toISOString()}`;
    const channels = s.config().notifications.channels;
    const rows: DeliveryRow[] = fanOut(`kuzet.silent|${id}`, { threadKey: `kuzet.silent|${id}`, texts: silentTexts(g, id, placeNamesOf(s.config())), data: { alert: alertName(g.scope), episode: id, group: g.group, scope: g.scope, region: g.region } }, channels, [], { chat: true });
    let inserted = false;
    await s.db().transaction(async (tx) => {
      const r = await tx.query<{ id: string }>('INSERT INTO meta_silences (id, grp, scope, region, started_at, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING RETURNING id', [id, g.group, g.scope, g.region, new Date(now).toISOString(), JSON.stringify(groupView(g))]);
      if (r.length === 0) return; // already open (another process raised it)
      inserted = true;
      await insertDeliveries(tx, rows);
      await audit(tx, { actor: 'system:meta', action: 'meta.silent.raise', subject: id, after: { group: g.group, deliveries: rows.length } });
    });
    if (!inserted) return;
    s.log.warn({ episode: id, group: g.group, checks: g.checks.length, workers: g.workers.length, ...(g.reason ? { reason: g.reason } : {}) }, `${alertName(g.scope)} raised`);
    await s.notices.deliveries?.enqueue(rows).catch((e: unknown) => warnOnce('queueing a kuzet.silent delivery', e));
  };

  const resolve = async (ep: EpisodeRow, now: number) => {
    const rows = fanOut(`kuzet.silent.resolved|${ep.id}`, { threadKey: `kuzet.silent|${ep.id}`, texts: resolvedTexts(episodeShape(ep), ep.id, new Date(now), placeNamesOf(s.config())), data: { alert: 'kuzet.silent', resolved: true, episode: ep.id, group: ep.grp } }, s.config().notifications.channels, [], { chat: true });
    let updated = false;
    await s.db().transaction(async (tx) => {
      const r = await tx.query<{ id: string }>('UPDATE meta_silences SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id', [ep.id, new Date(now).toISOString()]);
      if (r.length === 0) return;
      updated = true;
      await insertDeliveries(tx, rows);
      await audit(tx, { actor: 'system:meta', action: 'meta.silent.resolve', subject: ep.id });
    });
    if (!updated) return;
    s.log.info({ episode: ep.id }, 'kuzet.silent resolved');
    await s.notices.deliveries?.enqueue(rows).catch((e: unknown) => warnOnce('queueing a kuzet.silent delivery', e));
  };

  const evaluate = async () => {
    const now = Date.now();
    const redis = s.redis();
    if (redis) {
      try {
        await withTimeout(recoverEmptyRedis(redis), 10_000);
        state.heartbeats = await withTimeout(readHeartbeats(redis, prefix), 2000);
        recovered('reading heartbeats');
      } catch (e) {
        // Keep the last heartbeats read: they age, and a long outage shows as a silent region.
        warnOnce('reading heartbeats', e);
      }
    }
    const latest = latestResults(s);
    const silences = findSilences({ now, startedAt: state.startedAt, config: s.config(), heartbeats: state.heartbeats, latest: (k, r) => latest.get(`${k}\u0000${r}`), factor: factor() });
    const report = { ...silences, groups: [...silences.groups, ...currentProbeErrors(s)] };
    state.report = report;
    state.lastEvalAt = now;

    zeroSilent(m, s);
    for (const g of report.groups) m.silent.set({ scope: g.scope, id: g.group }, 1);
    m.heartbeatAge.reset();
    for (const hb of state.heartbeats) for (const region of hb.regions) m.heartbeatAge.set({ worker: hb.id, region }, Math.max(0, (now - hb.at) / 1000));
    const newest = new Map<string, number>();
    for (const [k, at] of latest) {
      const region = k.split('\u0000')[1] as string;
      newest.set(region, Math.max(newest.get(region) ?? 0, at));
    }
    for (const [region, at] of newest) m.newestResultAge.set({ region }, Math.max(0, (now - at) / 1000));

    if (redis) {
      const gone = state.heartbeats.filter((h) => report.replaced.includes(h.id) || now - h.at > PRUNE_AFTER_MS).map((h) => h.id);
      if (gone.length > 0) await redis.hdel(heartbeatKey(prefix), ...gone).catch(() => undefined);
      try {
        watchQueues(redis);
        await withTimeout(updateQueueMetrics(now), 3000);
        recovered('reading queue depths');
      } catch (e) {
        warnOnce('reading queue depths', e);
      }
    }

    try {
      const db = s.db();
      const backlog = await withTimeout(db.query<{ n: string | number }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL'), 3000);
      m.outboxBacklog.set(Number(backlog[0]?.n ?? 0));
      const open = await withTimeout(db.query<EpisodeRow>('SELECT * FROM meta_silences WHERE ended_at IS NULL'), 3000);
      const openGroups = new Map(open.map((o) => [o.grp, o]));
      for (const g of report.groups) {
        const ep = openGroups.get(g.group);
        if (!ep) await raise(g, now);
        else await db.query('UPDATE meta_silences SET detail = $2::jsonb WHERE id = $1', [ep.id, JSON.stringify(groupView(g))]);
      }
      // Right after a (re)start nothing is judged yet: an episode open before the restart stays open until then.
      const judging = report.regions.length > 0 && now - state.startedAt > Math.max(...report.regions.map((r) => r.thresholdMs));
      if (judging) {
        const silentNow = new Set(report.groups.map((g) => g.group));
        for (const ep of open) if (!silentNow.has(ep.grp)) await resolve(ep, now);
      }
      recovered('recording silences');
    } catch (e) {
      warnOnce('recording silences', e);
    }
  };

  const everyMs = () => {
    if (opts.evaluateEveryMs) return opts.evaluateEveryMs;
    const shortest = Math.min(5_000, ...(state.report?.regions ?? []).map((r) => r.intervalMs / 3));
    return Math.max(1_000, shortest);
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    running = evaluate()
      .catch((e: unknown) => warnOnce('evaluating silence', e))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, everyMs()).unref();
      });
  };
  timer = setTimeout(loop, 0);
  timer.unref();

  // The dead-man's switch: an outside service expects this GET every `everySeconds` and alarms when it stops.
  const dms = s.config().meta?.deadMansSwitch;
  let dmsTimer: NodeJS.Timeout | undefined;
  if (dms) {
    const ping = async () => {
      const missing = await s.readiness();
      if (missing.length > 0) return; // kuzet is up but blind: let the outside service notice
      try {
        const res = await fetch(dms.url, { signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        recovered("the dead-man's switch");
      } catch (e) {
        warnOnce("the dead-man's switch", new Error(`${redactUrl(dms.url).replace(/\?.*$/, '?…')}: ${(e as Error).message}`));
      }
    };
    void ping().catch(() => undefined);
    dmsTimer = setInterval(() => void ping().catch(() => undefined), dms.everySeconds * 1000);
    dmsTimer.unref();
  }

  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (dmsTimer) clearInterval(dmsTimer);
      await running;
      await Promise.all(events.map((e) => e.close().catch(() => undefined)));
      await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
      for (const c of eventConns) c.disconnect();
    },
  };
}
