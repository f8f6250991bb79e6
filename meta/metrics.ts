/** The meta-monitoring metrics: queue depth and lag, job failures, outbox backlog, result and heartbeat ages, silence. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { KuzetConfig } from '../core/config.ts';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { EVENTS_QUEUE } from '../incidents/index.ts';
import { DELIVERY_QUEUE, SCHEDULE_QUEUE } from '../notices/index.ts';
import { checkQueueName, MAINTENANCE_QUEUE } from '../collector/index.ts';
import { knownSilentGroups } from './silence.ts';

export type MetaMetrics = ReturnType<typeof createMetrics>;
const metricsOf = new WeakMap<object, MetaMetrics>();

/** Every queue the watcher reads. */
export const queueNamesOf = (cfg: KuzetConfig) => [
  ...cfg.regions.map(checkQueueName),
  MAINTENANCE_QUEUE,
  DELIVERY_QUEUE,
  SCHEDULE_QUEUE,
  EVENTS_QUEUE,
];

/**
 * The meta-monitoring metrics of this kuzet, registered once and at once (the API mounts this part
 * before it listens; the watcher starts only when Redis is reached): kuzet_job_failures_total for
 * every queue and kuzet_silent for every group the config can have are there at 0 from the first
 * scrape, so `rate()` and `absent()` do not misfire after a restart (issue #16 item 10).
 */
export function registerMetaMetrics(registry: Registry, cfg: KuzetConfig): MetaMetrics {
  let m = metricsOf.get(registry);
  if (!m) {
    m = createMetrics(registry);
    metricsOf.set(registry, m);
  }
  for (const queue of queueNamesOf(cfg)) m.jobFailures.inc({ queue }, 0);
  zeroSilent(m, cfg);
  return m;
}

/** Every group the config can have, at 0. */
export function zeroSilent(m: MetaMetrics, cfg: KuzetConfig): void {
  m.silent.reset();
  for (const g of knownSilentGroups(cfg)) m.silent.set({ scope: g.scope, id: g.group }, 0);
}

function createMetrics(r: Registry) {
  const c = METRIC_CATALOGUE;
  const gauge = (m: { name: string; help: string; labels: readonly string[] }) =>
    new Gauge({ name: m.name, help: m.help, labelNames: [...m.labels], registers: [r] });
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
