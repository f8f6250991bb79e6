/**
 * The incident side of a running kuzet, in one place for app/start.ts: the service, the detector
 * (state read back from the database), the SLA ticker with the daily digest and, once Redis is up,
 * the outbox publisher.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type client from 'prom-client';
import type { KuzetConfig } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import type { DetectorConfig } from '../detection/detector.ts';
import { IncidentDetector } from '../store/incident-detector.ts';
import { IncidentService } from '../store/incident.service.ts';
import { topologyFromConfig, type Topology } from '../store/topology.ts';
import { EVENTS_QUEUE, startPublisher, type EventType } from './outbox.ts';
import { produceDigest } from './digest.ts';
import { SlaMetrics, tickSla } from './sla-ticker.ts';
import { CLOCK_RULES } from '../sla-clocks/sla-clocks.ts';
import { DEFAULT_POLICY_ID, type PolicyId } from '../rules/index.ts';

export interface IncidentRuntimeOptions {
  /** Detector thresholds (defaults: 3 failures, 2 regions, 2 successes, 10 min flap window). */
  detector?: Partial<DetectorConfig>;
  /** How often SLA clocks are checked for warnings and breaches (default 15 s). */
  slaTickMs?: number;
  now?: () => Date;
}

/** An incident event as a consumer sees it (the outbox row, published to BullMQ). */
export interface IncidentEvent {
  key: string;
  type: EventType;
  incidentId: string | null;
  payload: Record<string, unknown>;
  outboxId: number;
}
export type EventHandler = (e: IncidentEvent) => Promise<void>;

export interface IncidentRuntime {
  service: IncidentService;
  detector: IncidentDetector;
  slaMetrics: SlaMetrics;
  /**
   * Adds a consumer of incident events (notices, ETP ledger, …). One BullMQ worker takes each event
   * from the queue and hands it to every consumer; a throw retries the job (every consumer sees it
   * again), so consumers must be idempotent by `key`. Consumers added after Redis is reached start then.
   */
  subscribe(name: string, handler: EventHandler): void;
  /** Starts publishing the outbox to BullMQ and the consumers' worker. */
  attachRedis(connection: Redis, prefix: string): void;
  close(): Promise<void>;
}

/** The topology of the current config, rebuilt only when the config object changes (a reload). */
function cachedTopology(config: () => KuzetConfig): () => Topology {
  let cached: { cfg: KuzetConfig; topo: Topology } | undefined;
  return () => {
    const cfg = config();
    if (cached?.cfg !== cfg) cached = { cfg, topo: topologyFromConfig(cfg) };
    return cached.topo;
  };
}

/** Every timer that can breach under the configured policies (and the default one, an appeal's), so each is exported at 0 from the start. */
function breachableTimers(cfg: KuzetConfig) {
  const policies = new Set<PolicyId>([DEFAULT_POLICY_ID, ...Object.values(cfg.systems).map((s) => s.policy)]);
  return [...new Set([...policies].flatMap((p) => CLOCK_RULES[p].filter((r) => !r.informational).map((r) => r.timer)))];
}

/** Ticks the SLA clocks and then the daily digest every `tickMs`, skipping a tick while the previous one runs. */
function startSlaTicker(db: Db, now: () => Date, slaMetrics: SlaMetrics, tickMs: number, onError: (e: Error) => void) {
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tickSla(db, now(), slaMetrics)
      .then(() => produceDigest(db, now()))
      .catch((e: unknown) => onError(e as Error))
      .finally(() => (ticking = false));
  }, tickMs);
  ticker.unref();
  return ticker;
}

/** Hands one event to every consumer; throws (so the job is retried) when any of them failed. */
async function dispatchToConsumers(handlers: Map<string, EventHandler>, e: IncidentEvent, onError: (e: Error) => void): Promise<void> {
  const failed: string[] = [];
  for (const [name, h] of handlers) {
    try {
      await h(e);
    } catch (err) {
      onError(new Error(`incident event ${e.key} in consumer ${name}: ${(err as Error).message}`));
      failed.push(name);
    }
  }
  if (failed.length > 0) throw new Error(`consumers ${failed.join(', ')} failed; retried`);
}

export async function startIncidentRuntime(
  o: { db: Db; config: () => KuzetConfig; registry: client.Registry; onError?: (e: Error) => void } & IncidentRuntimeOptions,
): Promise<IncidentRuntime> {
  const topology = cachedTopology(o.config);
  const now = o.now ?? (() => new Date());
  const reportError = (e: Error) => o.onError?.(e);
  const service = new IncidentService({ db: o.db, topology, now });
  const detector = new IncidentDetector({ db: o.db, topology, config: o.detector ?? {}, now });
  await detector.load();
  const slaMetrics = new SlaMetrics(o.registry, breachableTimers(o.config()));
  const ticker = startSlaTicker(o.db, now, slaMetrics, o.slaTickMs ?? 15_000, reportError);
  let queue: Queue | undefined;
  let publisher: { stop(): Promise<void> } | undefined;
  let worker: Worker | undefined;
  let workerConn: Redis | undefined;
  const handlers = new Map<string, EventHandler>();
  const startWorker = (connection: Redis, prefix: string) => {
    workerConn = connection.duplicate();
    workerConn.on('error', () => undefined);
    worker = new Worker(EVENTS_QUEUE, (job) => dispatchToConsumers(handlers, job.data as IncidentEvent, reportError), {
      connection: workerConn,
      prefix,
      concurrency: 1,
      lockDuration: 30_000,
    });
    worker.on('error', () => undefined);
  };
  return {
    service,
    detector,
    slaMetrics,
    subscribe(name, handler) {
      handlers.set(name, handler);
    },
    attachRedis(connection, prefix) {
      queue = new Queue(EVENTS_QUEUE, {
        connection,
        prefix,
        defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 2_000 } },
      });
      queue.on('error', () => undefined);
      publisher = startPublisher(o.db, queue, { ...(o.onError ? { onError: o.onError } : {}) });
      startWorker(connection, prefix);
    },
    async close() {
      clearInterval(ticker);
      await publisher?.stop();
      await worker?.close();
      workerConn?.disconnect();
      await queue?.close();
    },
  };
}
