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
import { createApi, routesOf, sharedScreenshotLinks } from '../api/index.ts';
import {
  incidentChangeOf,
  InfluxSink,
  ResultIngestor,
  type LiveSink,
  registerCalendarMetrics,
  warnIfCalendarEndsSoon,
  Metrics,
  MAINTENANCE_QUEUE,
  enforceRetention,
  listStates,
  CheckScheduler,
  StatusBoard,
  CheckWorkers,
} from '../collector/index.ts';
import { consoleExtension } from '../console/index.ts';
import { etpRoutes, etpRuntime, queryRegistry, startEtpPart, type EtpRuntime } from '../etp/index.ts';
import { journalExtension, startJournalPart } from '../journal/index.ts';
import { createMetaPart } from '../meta/index.ts';
import { createOncallPart, maintenanceCovering, startEscalation, type OncallPart } from '../oncall/index.ts';
import { appliedOutcome, refusedOutcome, subscribeReload } from './reload.ts';
import type { ReloadOutcome } from '../core/reload-protocol.ts';

export interface StartOptions {
  config: KuzetConfig;
  /** Path of the config file, re-read on reload. */
  configPath?: string;
  /** How this process names itself in its reload answers (default `kuzet start`). */
  processName?: string;
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
  /** Re-reads the config file: what was applied, or why nothing was (app/reload.ts). */
  reload(): Promise<ReloadOutcome>;
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
function startIncidents(
  db: Db,
  config: () => KuzetConfig,
  metrics: Metrics,
  log: Logger,
  o: StartOptions['incidents'],
): Promise<IncidentRuntime> {
  const cfg = config();
  const det = cfg.incidents.detector;
  return startIncidentRuntime({
    db,
    config,
    registry: metrics.registry,
    onError: (e) => log.warn({ err: e.message }, 'incident background task failed'),
    ...o,
    detector: {
      failuresToOpen: det.failuresToOpen,
      regionsToOpen: det.regionsToOpen,
      successesToResolve: det.successesToResolve,
      flapWindowMs: det.flapWindow,
      maxScreenshots: det.maxScreenshots,
      ...o?.detector,
    },
    slaTickMs: o?.slaTickMs ?? cfg.incidents.slaTick,
  });
}

/** The maintenance queue: retention every 6 hours (results past `storage.retentionDays`, and request counters whose window has passed). */
async function startMaintenance(redis: Redis, prefix: string, db: Db, config: () => KuzetConfig, log: Logger): Promise<BackgroundPart> {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix });
  queue.on('error', () => undefined);
  await queue.upsertJobScheduler(
    'retention',
    { every: 6 * 3_600_000 },
    { name: 'retention', opts: { removeOnComplete: true, removeOnFail: 20 } },
  );
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

/** A part started once Redis is reached; `close` is awaited on shutdown. */
interface BackgroundPart {
  close(): Promise<void>;
}

/** What one process holds once its database and runtimes are built; app/ only — each part is handed the members it names. */
interface Kernel {
  config(): KuzetConfig;
  db: Db;
  log: Logger;
  now(): Date;
  publicUrl(): string;
  metrics: Metrics;
  status: StatusBoard;
  influx: InfluxSink | undefined;
  incidents: IncidentRuntime;
  notices: NoticeRuntime;
}

/** The database, metrics, status board, history sink and the incident and notice runtimes: what runs before Redis is reached. */
async function buildKernel(opts: StartOptions, env: NodeJS.ProcessEnv, live: { cfg: KuzetConfig; publicUrl: string }): Promise<Kernel> {
  const { log } = opts;
  const cfg = live.cfg;
  const config = () => live.cfg;
  const db = await openDatabase(cfg, env, log);
  const metrics = new Metrics();
  metrics.seed(resolveChecks(cfg));
  const now = () => opts.incidents?.now?.() ?? new Date();
  registerCalendarMetrics(metrics.registry, now);
  warnIfCalendarEndsSoon(log, now());
  const status = new StatusBoard();
  status.seed(await listStates(db));
  const influx = cfg.influx ? new InfluxSink(cfg.influx, log) : undefined;
  const incidents = await startIncidents(db, config, metrics, log, opts.incidents);
  const publicUrl = () => live.publicUrl;
  const notices = new NoticeRuntime({
    db: () => db,
    config,
    log,
    board: () => status.snapshot(live.cfg, new Date()),
    publicUrl,
    etpRegistry: queryRegistry,
  });
  await notices.start();
  registerNoticeMetrics({ db: () => db, config, metrics });
  return { config, db, log, now, publicUrl, metrics, status, influx, incidents, notices };
}

/** Pushes every incident state change to the InfluxDB history. */
function streamIncidentsToInflux(k: Kernel, sink: InfluxSink): void {
  k.incidents.subscribe('influx', async (e) => {
    if (!e.incidentId || !e.type.startsWith('incident.')) return;
    const row = await getIncidentRow(k.db, e.incidentId);
    if (row) sink.pushIncident(incidentChangeOf(row));
  });
}

/** The HTTP app: the API's own routes and every part's routes, each part built from the kernel members it uses. */
function buildApp(
  k: Kernel,
  opts: StartOptions,
  parts: { etp: EtpRuntime; meta: ReturnType<typeof createMetaPart>; oncall: OncallPart; readiness(): Promise<string[]> },
): Koa {
  const cfg = k.config();
  const db = () => k.db;
  const artifactsDir = opts.artifactsDir ?? 'artifacts';
  const attachmentsDir = opts.incidents?.attachmentsDir ?? `${cfg.storage.dataDir.replace(/^memory:\/\/.*/, 'data')}/attachments`;
  const appeals = cfg.incidents.appeals;
  const console = consoleExtension({
    db,
    config: k.config,
    now: k.now,
    log: k.log,
    publicUrl: k.publicUrl,
    artifactsDir,
    status: k.status,
    incidents: k.incidents,
    notices: k.notices,
    etp: () => parts.etp,
    oncall: parts.oncall,
  });
  return createApi({
    config: k.config,
    db,
    metrics: k.metrics,
    status: k.status,
    readiness: parts.readiness,
    log: k.log,
    artifactsDir,
    incidents: {
      db,
      service: () => k.incidents.service,
      attachmentsDir,
      appealRateLimit: { max: appeals.perIp.max, windowMs: appeals.perIp.window },
      binIinRateLimit: { max: appeals.perBinIin.max, windowMs: appeals.perBinIin.window },
    },
    notices: { db, notices: () => k.notices },
    checkMutes: () => parts.oncall.checkMutes(),
    extensions: [
      console,
      etpRoutes({ etp: parts.etp, db }),
      journalExtension({ config: k.config, db, now: k.now, notices: k.notices }),
      parts.meta.extension,
      parts.oncall.extension,
    ],
  });
}

/**
 * Everything that needs Redis, started once it answers (a backoff loop waits meanwhile): the
 * schedulers, this process's workers, the ingestor, the incident→notice bridge, the maintenance
 * queue, reload subscription, and the ETP, journal and meta parts.
 */
class RedisSide {
  up = false;
  scheduler: CheckScheduler | undefined;
  private workers: CheckWorkers | undefined;
  private ingestor: ResultIngestor | undefined;
  private maintenance: BackgroundPart | undefined;
  private subscriber: Redis | undefined;
  private readonly parts: BackgroundPart[] = [];

  constructor(
    private readonly k: Kernel,
    private readonly o: {
      redis: Redis;
      prefix: string;
      workers: boolean;
      checks: () => Map<string, ResolvedCheck>;
      sinks: LiveSink[];
      reload: () => Promise<ReloadOutcome>;
      processName: string;
      configPath: string | null;
      etp: EtpRuntime;
      meta: ReturnType<typeof createMetaPart>;
      oncall: OncallPart;
      /** How often unacknowledged alerts are checked for a due escalation step (the SLA tick's period). */
      escalationTickMs: number;
    },
  ) {}

  redis = (): Redis | undefined => (this.up ? this.o.redis : undefined);

  async start(): Promise<void> {
    const { k } = this;
    const { redis, prefix } = this.o;
    const cfg = k.config();
    this.up = true;
    this.scheduler = new CheckScheduler(redis, prefix);
    k.log.info(await this.scheduler.reconcile(cfg), 'check schedulers reconciled');
    if (this.o.workers) {
      await configureBrowserPool({ concurrency: cfg.workers.browserConcurrency, preload: hasJourneys(cfg) });
      this.workers = new CheckWorkers({
        connection: redis,
        prefix,
        regions: cfg.regions,
        concurrency: cfg.workers.concurrency,
        checks: this.o.checks,
        log: k.log,
      });
      this.workers.start();
    }
    const db = () => k.db;
    this.ingestor = new ResultIngestor({
      connection: redis,
      prefix,
      db: k.db,
      metrics: k.metrics,
      sinks: this.o.sinks,
      log: k.log,
      afterCommit: [k.incidents.detector.handle],
    });
    // Consumers of incident events subscribe before the events worker starts.
    this.parts.push(
      await startIncidentNotices({
        config: k.config,
        db,
        publicUrl: k.publicUrl,
        incidents: k.incidents,
        notices: k.notices,
        silencer: this.o.oncall.silencer,
        screenshots: (evidence) => sharedScreenshotLinks(k.db, evidence, k.now()),
      }),
    );
    if (k.influx) streamIncidentsToInflux(k, k.influx);
    k.incidents.attachRedis(redis, prefix);
    await k.notices.attachRedis(redis, prefix);
    this.parts.push(
      startEscalation(
        { db, config: k.config, now: k.now, publicUrl: k.publicUrl, notices: k.notices, log: k.log },
        this.o.escalationTickMs,
      ),
    );
    await this.ingestor.start();
    this.maintenance = await startMaintenance(redis, prefix, k.db, k.config, k.log);
    this.subscriber = await subscribeReload(redis, prefix, { process: this.o.processName, configPath: this.o.configPath }, this.o.reload);
    const journal = await startJournalPart({
      config: k.config,
      db,
      log: k.log,
      now: k.now,
      notices: k.notices,
      redis: this.redis,
      prefix: () => prefix,
    });
    this.parts.push(await startEtpPart(this.o.etp), journal, await this.o.meta.start());
  }

  /** The parts, workers and ingestor: stopped before the runtimes they feed. */
  async closeParts(): Promise<void> {
    for (const p of this.parts.reverse()) await p.close();
    await this.workers?.close();
    await closeBrowserPool();
    await this.ingestor?.close();
  }

  /** The queues and subscriptions: stopped after the runtimes. */
  async closeQueues(): Promise<void> {
    await this.maintenance?.close();
    await this.scheduler?.close();
  }

  disconnect(): void {
    this.subscriber?.disconnect();
    this.o.redis.disconnect();
  }
}

export async function startKuzet(opts: StartOptions): Promise<KuzetHandle> {
  const env = opts.env ?? process.env;
  const log = opts.log;
  const live = { cfg: opts.config, publicUrl: '' };
  let checks = checkMap(live.cfg);
  await assertJourneyFiles(live.cfg, opts.configPath);
  const k = await buildKernel(opts, env, live);
  const { db, metrics, status, influx, incidents, notices, config } = k;

  const redisUrl = redisUrlOf(live.cfg, env);
  const prefix = live.cfg.redis.prefix;
  const redis = redisConnection(redisUrl);
  const abort = new AbortController();
  const reload = async (): Promise<ReloadOutcome> => {
    if (!opts.configPath) return refusedOutcome('started without a config file: nothing to re-read');
    let next: KuzetConfig;
    try {
      next = await rereadConfig(opts.configPath, env);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'reload refused: the new config is not valid; the running config stays');
      return refusedOutcome(`the config file is not valid, the running config stays: ${(e as Error).message}`);
    }
    const outcome = appliedOutcome(live.cfg, next);
    live.cfg = next;
    checks = checkMap(live.cfg);
    metrics.seed(resolveChecks(live.cfg));
    try {
      if (side.scheduler) log.info(await side.scheduler.reconcile(live.cfg), 'config reloaded; schedulers reconciled');
      else return refusedOutcome('the config is read, but Redis is not reached yet: no check is scheduled from it until it is');
    } catch (e) {
      return refusedOutcome(`the config is read, but the check schedulers could not be updated: ${(e as Error).message}`);
    }
    log.info({ ...outcome }, `config reloaded: ${outcome.message}`);
    return outcome;
  };
  const etp = etpRuntime({ config, db: () => db, log, now: k.now, metrics, notices, incidents, influx });
  const readiness = () => readinessOf(side.redis, redisUrl, db);
  const meta = createMetaPart({
    config,
    db: () => db,
    log,
    metrics,
    status,
    notices,
    redis: () => side.redis(),
    prefix: () => prefix,
    readiness,
  });
  const oncall = createOncallPart({
    db: () => db,
    config,
    now: k.now,
    publicUrl: k.publicUrl,
    maintenance: (at) => maintenanceCovering((o) => notices.service.listMaintenance(o), at),
  });
  const sinks: LiveSink[] = [status, ...(influx ? [influx] : []), ...(opts.sinks ?? [])];
  const side = new RedisSide(k, {
    redis,
    prefix,
    workers: opts.workers !== false,
    checks: () => checks,
    sinks,
    reload,
    processName: opts.processName ?? 'kuzet start',
    configPath: opts.configPath ?? null,
    etp,
    meta,
    oncall,
    escalationTickMs: opts.incidents?.slaTickMs ?? 15_000,
  });
  const redisReady = waitForRedis(redis, redisUrl, log, abort.signal)
    .then(async (ok) => {
      if (ok) await side.start();
      return ok;
    })
    .catch((e: unknown) => {
      log.error({ err: (e as Error).message }, 'starting the Redis side failed');
      return false;
    });

  const app = buildApp(k, opts, { etp, meta, oncall, readiness });
  const host = opts.host ?? live.cfg.server.host;
  const server = await listen(app, opts.port ?? live.cfg.server.port, host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Links in mail, RSS and notices use the configured public address; the listening one only when none is set.
  live.publicUrl = live.cfg.server.publicUrl ?? url;

  const close = async () => {
    abort.abort();
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections?.();
    await redisReady;
    await side.closeParts();
    await incidents.close();
    await notices.close();
    await side.closeQueues();
    await influx?.close();
    side.disconnect();
    await db.close();
  };

  return { url, port, db, metrics, status, config, redisReady, incidents, notices, reload, routes: () => routesOf(app), close };
}

/** `kuzet worker`: check workers only, no database; they feed the ingestor through Redis. */
export async function startWorker(opts: {
  config: KuzetConfig;
  configPath?: string;
  regions: string[];
  log: Logger;
  env?: NodeJS.ProcessEnv;
  concurrency?: number;
  browserConcurrency?: number;
}) {
  const env = opts.env ?? process.env;
  await assertJourneyFiles(opts.config, opts.configPath);
  let checks = checkMap(opts.config);
  const redisUrl = redisUrlOf(opts.config, env);
  const redis = redisConnection(redisUrl);
  const abort = new AbortController();
  await waitForRedis(redis, redisUrl, opts.log, abort.signal);
  await configureBrowserPool({
    concurrency: opts.browserConcurrency ?? opts.config.workers.browserConcurrency,
    preload: hasJourneys(opts.config),
  });
  const workers = new CheckWorkers({
    connection: redis,
    prefix: opts.config.redis.prefix,
    regions: opts.regions,
    concurrency: opts.concurrency ?? opts.config.workers.concurrency,
    checks: () => checks,
    log: opts.log,
  });
  workers.start();
  let running = opts.config;
  const reload = async (): Promise<ReloadOutcome> => {
    if (!opts.configPath) return refusedOutcome('started without a config file: nothing to re-read');
    try {
      const next = await rereadConfig(opts.configPath, env);
      const outcome = appliedOutcome(running, next);
      running = next;
      checks = checkMap(next);
      opts.log.info({ ...outcome }, `worker config reloaded: ${outcome.message}`);
      return outcome;
    } catch (e) {
      opts.log.error({ err: (e as Error).message }, 'reload refused: the new config is not valid');
      return refusedOutcome(`the config file is not valid, the running config stays: ${(e as Error).message}`);
    }
  };
  const who = { process: 'kuzet worker', configPath: opts.configPath ?? null };
  const subscriber = await subscribeReload(redis, opts.config.redis.prefix, who, reload);
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
