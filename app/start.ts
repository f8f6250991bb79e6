/**
 * Wires kuzet together. `startKuzet` runs API + scheduler + ingestor (+ workers unless told otherwise)
 * in one process on the embedded defaults; `startWorker` runs workers only, for `kuzet worker`.
 * Redis may be away at start: the API serves `/readyz` 503 naming it while a backoff loop waits.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfigFile, resolveChecks, type KuzetConfig, type ResolvedCheck } from '../core/config.ts';
import { configuredDb, migrate, openDb, type Db } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import { pruneLimits } from '../core/rate-limit.ts';
import { redactUrl, redisConnection, waitForRedis, withTimeout } from '../core/redis.ts';
import { getIncidentRow, startIncidentRuntime, type IncidentRuntime, type IncidentRuntimeOptions } from '../incidents/index.ts';
import { NoticeRuntime, registerNoticeMetrics, startIncidentNotices } from '../notices/index.ts';
import { assertJourneyFiles, closeBrowserPool, configureBrowserPool, PROBES } from '../probes/index.ts';
import { createApi, routesOf } from '../api/index.ts';
import { incidentChangeOf, InfluxSink, ResultIngestor, type LiveSink, registerCalendarMetrics, warnIfCalendarEndsSoon, Metrics, MAINTENANCE_QUEUE, reloadChannel, enforceRetention, listStates, CheckScheduler, StatusBoard, CheckWorkers } from '../collector/index.ts';
import { consoleExtension } from '../console/index.ts';
import { etpRoutes, etpRuntime, queryRegistry, startEtpPart } from '../etp/index.ts';
import { journalExtension, startJournalPart } from '../journal/index.ts';
import { createMetaPart } from '../meta/index.ts';
import type { BackgroundPart, KuzetServices } from './services.ts';

export interface StartOptions {
  config: KuzetConfig;
  /** Path of the config file, re-read on reload. */
  configPath?: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Overrides config.server.port (0 picks a free port). */
  port?: number;
  host?: string;
  /** Run check workers in this process too (default true). */
  workers?: boolean;
  /** Where browser journeys keep screenshots and traces, served by `/api/v1/runs/:id` (default ./artifacts). */
  artifactsDir?: string;
  /** Extra live sinks (tests). */
  sinks?: LiveSink[];
  /** Incident detection and SLA options; appeal attachments go to `attachmentsDir` (default beside the data directory). */
  incidents?: IncidentRuntimeOptions & { attachmentsDir?: string };
}

export interface KuzetHandle {
  url: string;
  port: number;
  db: Db;
  metrics: Metrics;
  status: StatusBoard;
  config(): KuzetConfig;
  /** Resolves when Redis has been reached and the scheduler, workers and ingestor run. */
  redisReady: Promise<boolean>;
  incidents: IncidentRuntime;
  notices: NoticeRuntime;
  reload(): Promise<void>;
  /** Every route served (method, path pattern), from the router itself. */
  routes(): { method: string; path: string }[];
  close(): Promise<void>;
}

function checkMap(cfg: KuzetConfig): Map<string, ResolvedCheck> {
  return new Map(resolveChecks(cfg).map((c) => [c.key, c]));
}

/** Whether any check is a browser journey (the worker then loads playwright-core at start). */
function hasJourneys(cfg: KuzetConfig): boolean {
  return resolveChecks(cfg).some((c) => c.check.type === 'browser');
}

function redisUrlOf(cfg: KuzetConfig, env: NodeJS.ProcessEnv): string {
  return env.REDIS_URL ?? cfg.redis.url;
}

/** Re-reads the config file for a reload: parsed, validated and its journey modules loaded, or a throw. */
async function rereadConfig(path: string, env: NodeJS.ProcessEnv): Promise<KuzetConfig> {
  const next = loadConfigFile(path, PROBES, env);
  await assertJourneyFiles(next, path);
  return next;
}

/** Calls `onReload` whenever `kuzet reload` publishes on the prefix's channel; returns the subscriber to close. */
async function subscribeReload(redis: Redis, prefix: string, onReload: () => Promise<void>): Promise<Redis> {
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  await subscriber.subscribe(reloadChannel(prefix));
  subscriber.on('message', () => void onReload());
  return subscriber;
}

/** Opens the configured database and applies pending migrations (closed again when they fail). */
async function openDatabase(cfg: KuzetConfig, env: NodeJS.ProcessEnv, log: Logger): Promise<Db> {
  const db = await openDb(configuredDb(cfg.storage, env));
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

/** The incident runtime: detector thresholds and the SLA tick from kuzet.yaml `incidents` (read at start); options override them (tests). */
function startIncidents(db: Db, config: () => KuzetConfig, metrics: Metrics, log: Logger, o: StartOptions['incidents']): Promise<IncidentRuntime> {
  const cfg = config();
  const det = cfg.incidents.detector;
  return startIncidentRuntime({
    db,
    config,
    registry: metrics.registry,
    onError: (e) => log.warn({ err: e.message }, 'incident background task failed'),
    ...o,
    detector: { failuresToOpen: det.failuresToOpen, regionsToOpen: det.regionsToOpen, successesToResolve: det.successesToResolve, flapWindowMs: det.flapWindow, maxScreenshots: det.maxScreenshots, ...o?.detector },
    slaTickMs: o?.slaTickMs ?? cfg.incidents.slaTick,
  });
}

/** The maintenance queue: retention every 6 hours (results past `storage.retentionDays`, and request counters whose window has passed). */
async function startMaintenance(redis: Redis, prefix: string, db: Db, config: () => KuzetConfig, log: Logger): Promise<BackgroundPart> {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix });
  queue.on('error', () => undefined);
  await queue.upsertJobScheduler('retention', { every: 6 * 3_600_000 }, { name: 'retention', opts: { removeOnComplete: true, removeOnFail: 20 } });
  const connection = redis.duplicate();
  connection.on('error', () => undefined);
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name === 'retention') {
        const cfg = config();
        const deleted = await enforceRetention(db, new Date(), cfg.storage.retentionDays);
        // Request counters whose window has passed (status-site subscriptions) are only space.
        await pruneLimits(db, new Date());
        log.info({ deleted, retentionDays: cfg.storage.retentionDays }, 'retention enforced');
        return { deleted };
      }
      return undefined;
    },
    { connection, prefix },
  );
  worker.on('error', () => undefined);
  return {
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}

/** What `/readyz` names as missing: Redis (not reached yet, or not answering a ping) and the database. */
async function readinessOf(redis: () => Redis | undefined, redisUrl: string, db: Db): Promise<string[]> {
  const missing: string[] = [];
  const r = redis();
  if (!r) missing.push(`redis: not reached yet at REDIS_URL=${redactUrl(redisUrl)}`);
  else {
    try {
      await withTimeout(r.ping(), 1000);
    } catch (e) {
      missing.push(`redis: ${(e as Error).message} (REDIS_URL=${redactUrl(redisUrl)})`);
    }
  }
  try {
    await withTimeout(db.ping(), 2000);
  } catch (e) {
    missing.push(`database: ${(e as Error).message}`);
  }
  return missing;
}

/** Listens on `port` (0 picks a free one) and `host`. */
function listen(app: Koa, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.on('error', reject);
  });
}

export async function startKuzet(opts: StartOptions): Promise<KuzetHandle> {
  const env = opts.env ?? process.env;
  const log = opts.log;
  let cfg = opts.config;
  let checks = checkMap(cfg);
  await assertJourneyFiles(cfg, opts.configPath);

  const db = await openDatabase(cfg, env, log);

  const metrics = new Metrics();
  metrics.seed(resolveChecks(cfg));
  const clock = () => opts.incidents?.now?.() ?? new Date();
  registerCalendarMetrics(metrics.registry, clock);
  warnIfCalendarEndsSoon(log, clock());
  const status = new StatusBoard();
  status.seed(await listStates(db));
  const influx = cfg.influx ? new InfluxSink(cfg.influx, log) : undefined;
  const sinks: LiveSink[] = [status, ...(influx ? [influx] : []), ...(opts.sinks ?? [])];
  const incidents = await startIncidents(db, () => cfg, metrics, log, opts.incidents);

  let publicUrl = '';
  const notices = new NoticeRuntime({ db: () => db, config: () => cfg, log, board: () => status.snapshot(cfg, new Date()), publicUrl: () => publicUrl, etpRegistry: queryRegistry });
  await notices.start();

  const redisUrl = redisUrlOf(cfg, env);
  const prefix = cfg.redis.prefix;
  const redis = redisConnection(redisUrl);
  const abort = new AbortController();
  let redisUp = false;
  let scheduler: CheckScheduler | undefined;
  let workers: CheckWorkers | undefined;
  let ingestor: ResultIngestor | undefined;
  let maintenance: BackgroundPart | undefined;
  let subscriber: Redis | undefined;
  const parts: BackgroundPart[] = [];
  const services: KuzetServices = {
    config: () => cfg,
    db: () => db,
    log,
    metrics,
    status,
    incidents,
    notices,
    redis: () => (redisUp ? redis : undefined),
    prefix: () => prefix,
    readiness: () => readiness(),
    now: clock,
    publicUrl: () => publicUrl,
    artifactsDir: opts.artifactsDir ?? 'artifacts',
    influx,
  };

  registerNoticeMetrics(services);
  const meta = createMetaPart(services);

  const reload = async () => {
    if (!opts.configPath) return;
    try {
      cfg = await rereadConfig(opts.configPath, env);
      checks = checkMap(cfg);
      metrics.seed(resolveChecks(cfg));
      if (scheduler) {
        const report = await scheduler.reconcile(cfg);
        log.info(report, 'config reloaded; schedulers reconciled');
      }
    } catch (e) {
      log.error({ err: (e as Error).message }, 'reload refused: the new config is not valid; the running config stays');
    }
  };

  const redisReady = (async () => {
    const ok = await waitForRedis(redis, redisUrl, log, abort.signal);
    if (!ok) return false;
    redisUp = true;
    scheduler = new CheckScheduler(redis, prefix);
    const report = await scheduler.reconcile(cfg);
    log.info(report, 'check schedulers reconciled');
    if (opts.workers !== false) {
      await configureBrowserPool({ concurrency: cfg.workers.browserConcurrency, preload: hasJourneys(cfg) });
      workers = new CheckWorkers({ connection: redis, prefix, regions: cfg.regions, concurrency: cfg.workers.concurrency, checks: () => checks, log });
      workers.start();
    }
    ingestor = new ResultIngestor({ connection: redis, prefix, db, metrics, sinks, log, afterCommit: [incidents.detector.handle] });
    // Consumers of incident events subscribe before the events worker starts.
    parts.push(await startIncidentNotices(services));
    if (influx) {
      const sink = influx;
      incidents.subscribe('influx', async (e) => {
        if (!e.incidentId || !e.type.startsWith('incident.')) return;
        const row = await getIncidentRow(db, e.incidentId);
        if (row) sink.pushIncident(incidentChangeOf(row));
      });
    }
    incidents.attachRedis(redis, prefix);
    await notices.attachRedis(redis, prefix);
    await ingestor.start();
    maintenance = await startMaintenance(redis, prefix, db, () => cfg, log);
    subscriber = await subscribeReload(redis, prefix, reload);
    parts.push(await startEtpPart(etpRuntime(services)), await startJournalPart(services), await meta.start());
    return true;
  })().catch((e: unknown) => {
    log.error({ err: (e as Error).message }, 'starting the Redis side failed');
    return false;
  });

  const readiness = () => readinessOf(() => (redisUp ? redis : undefined), redisUrl, db);

  const attachmentsDir = opts.incidents?.attachmentsDir ?? `${cfg.storage.dataDir.replace(/^memory:\/\/.*/, 'data')}/attachments`;
  const app = createApi({ config: () => cfg, db: () => db, metrics, status, readiness, log, artifactsDir: opts.artifactsDir ?? 'artifacts', incidents: { db: () => db, service: () => incidents.service, attachmentsDir, appealRateLimit: { max: cfg.incidents.appeals.perIp.max, windowMs: cfg.incidents.appeals.perIp.window }, binIinRateLimit: { max: cfg.incidents.appeals.perBinIin.max, windowMs: cfg.incidents.appeals.perBinIin.window } }, notices: { db: () => db, notices: () => notices }, extensions: [consoleExtension({ ...services, etp: () => etpRuntime(services) }), etpRoutes({ etp: etpRuntime(services), db: () => db }), journalExtension(services), meta.extension] });
  const host = opts.host ?? cfg.server.host;
  const server = await listen(app, opts.port ?? cfg.server.port, host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Links in mail, RSS and notices use the configured public address; the listening one only when none is set.
  publicUrl = cfg.server.publicUrl ?? url;

  const close = async () => {
    abort.abort();
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections?.();
    await redisReady;
    for (const p of parts.reverse()) await p.close();
    await workers?.close();
    await closeBrowserPool();
    await ingestor?.close();
    await incidents.close();
    await notices.close();
    await maintenance?.close();
    await scheduler?.close();
    await influx?.close();
    subscriber?.disconnect();
    redis.disconnect();
    await db.close();
  };

  return { url, port, db, metrics, status, config: () => cfg, redisReady, incidents, notices, reload, routes: () => routesOf(app), close };
}

/** `kuzet worker`: check workers only, no database; they feed the ingestor through Redis. */
export async function startWorker(opts: { config: KuzetConfig; configPath?: string; regions: string[]; log: Logger; env?: NodeJS.ProcessEnv; concurrency?: number; browserConcurrency?: number }) {
  const env = opts.env ?? process.env;
  await assertJourneyFiles(opts.config, opts.configPath);
  let checks = checkMap(opts.config);
  const redisUrl = redisUrlOf(opts.config, env);
  const redis = redisConnection(redisUrl);
  const abort = new AbortController();
  await waitForRedis(redis, redisUrl, opts.log, abort.signal);
  await configureBrowserPool({ concurrency: opts.browserConcurrency ?? opts.config.workers.browserConcurrency, preload: hasJourneys(opts.config) });
  const workers = new CheckWorkers({
    connection: redis,
    prefix: opts.config.redis.prefix,
    regions: opts.regions,
    concurrency: opts.concurrency ?? opts.config.workers.concurrency,
    checks: () => checks,
    log: opts.log,
  });
  workers.start();
  const reload = async () => {
    if (!opts.configPath) return;
    try {
      checks = checkMap(await rereadConfig(opts.configPath, env));
      opts.log.info('worker config reloaded');
    } catch (e) {
      opts.log.error({ err: (e as Error).message }, 'reload refused: the new config is not valid');
    }
  };
  const subscriber = await subscribeReload(redis, opts.config.redis.prefix, reload);
  return {
    reload,
    async close() {
      abort.abort();
      await workers.close();
      await closeBrowserPool();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
