/**
 * The incident side of a running kuzet, in one place for collector/app.ts: the service, the detector
 * (state read back from the database), the SLA ticker with the daily digest and, once Redis is up,
 * the outbox publisher.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type client from 'prom-client';
import type { KuzetConfig } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import type { DetectorConfig } from '../detection/detector.ts';
import { IncidentDetector } from '../store/incident-detector.ts';
import { IncidentService } from '../store/incident.service.ts';
import { topologyFromConfig, type Topology } from '../store/topology.ts';
import { EVENTS_QUEUE, startPublisher } from './outbox.ts';
import { produceDigest } from './digest.ts';
import { SlaMetrics, tickSla } from './sla-ticker.ts';

export interface IncidentRuntimeOptions {
  /** Detector thresholds (defaults: 3 failures, 2 regions, 2 successes, 10 min flap window). */
  detector?: Partial<DetectorConfig>;
  /** How often SLA clocks are checked for warnings and breaches (default 15 s). */
  slaTickMs?: number;
  now?: () => Date;
}

export interface IncidentRuntime {
  service: IncidentService;
  detector: IncidentDetector;
  slaMetrics: SlaMetrics;
  /** Starts publishing the outbox to BullMQ. */
  attachRedis(connection: Redis, prefix: string): void;
  close(): Promise<void>;
}

export async function startIncidentRuntime(o: { db: Db; config: () => KuzetConfig; registry: client.Registry; onError?: (e: Error) => void } & IncidentRuntimeOptions): Promise<IncidentRuntime> {
  let cached: { cfg: KuzetConfig; topo: Topology } | undefined;
  const topology = () => {
    const cfg = o.config();
    if (cached?.cfg !== cfg) cached = { cfg, topo: topologyFromConfig(cfg) };
    return cached.topo;
  };
  const now = o.now ?? (() => new Date());
  const service = new IncidentService({ db: o.db, topology, now });
  const detector = new IncidentDetector({ db: o.db, topology, config: o.detector ?? {}, now });
  await detector.load();
  const slaMetrics = new SlaMetrics(o.registry);
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tickSla(o.db, now(), slaMetrics)
      .then(() => produceDigest(o.db, now()))
      .catch((e: unknown) => o.onError?.(e as Error))
      .finally(() => (ticking = false));
  }, o.slaTickMs ?? 15_000);
  ticker.unref();
  let queue: Queue | undefined;
  let publisher: { stop(): Promise<void> } | undefined;
  return {
    service,
    detector,
    slaMetrics,
    attachRedis(connection, prefix) {
      queue = new Queue(EVENTS_QUEUE, { connection, prefix });
      queue.on('error', () => undefined);
      publisher = startPublisher(o.db, queue, { ...(o.onError ? { onError: o.onError } : {}) });
    },
    async close() {
      clearInterval(ticker);
      await publisher?.stop();
      await queue?.close();
    },
  };
}
