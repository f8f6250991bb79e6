/**
 * The metric catalogue and the prom-client registry. Dashboards and alert rules read
 * {@link METRIC_CATALOGUE}; nobody types a metric name by hand elsewhere.
 */
import client from 'prom-client';
import type { CheckResult } from '../probes/index.ts';

export const METRIC_CATALOGUE = {
  checkUp: { name: 'kuzet_check_up', help: '1 when the latest run of the check succeeded, else 0', labels: ['system', 'target', 'check', 'region'] },
  checkDuration: { name: 'kuzet_check_duration_seconds', help: 'Duration of check runs', labels: ['system', 'target', 'check', 'region'] },
  checkFailures: { name: 'kuzet_check_failures_total', help: 'Failed check runs by error kind', labels: ['system', 'target', 'check', 'error_kind'] },
  checkRuns: { name: 'kuzet_check_runs_total', help: 'Check runs ingested', labels: ['system', 'target', 'check', 'region'] },
  ingestBatch: { name: 'kuzet_ingest_batch_size', help: 'Results written per storage batch', labels: [] },
  ingestErrors: { name: 'kuzet_ingest_errors_total', help: 'Storage batches that failed and were retried', labels: [] },
} as const;

export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new client.Registry();
  private readonly up: client.Gauge<string>;
  private readonly duration: client.Histogram<string>;
  private readonly failures: client.Counter<string>;
  private readonly runs: client.Counter<string>;
  readonly ingestBatch: client.Histogram<string>;
  readonly ingestErrors: client.Counter<string>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const c = METRIC_CATALOGUE;
    const reg = [this.registry];
    this.up = new client.Gauge({ ...c.checkUp, labelNames: c.checkUp.labels, registers: reg });
    this.duration = new client.Histogram({ ...c.checkDuration, labelNames: c.checkDuration.labels, buckets: DURATION_BUCKETS, registers: reg });
    this.failures = new client.Counter({ ...c.checkFailures, labelNames: c.checkFailures.labels, registers: reg });
    this.runs = new client.Counter({ ...c.checkRuns, labelNames: c.checkRuns.labels, registers: reg });
    this.ingestBatch = new client.Histogram({ ...c.ingestBatch, labelNames: [], buckets: [1, 10, 50, 100, 500, 1000, 5000], registers: reg });
    this.ingestErrors = new client.Counter({ ...c.ingestErrors, labelNames: [], registers: reg });
    if (opts.defaultMetrics !== false) client.collectDefaultMetrics({ register: this.registry, prefix: 'kuzet_' });
  }

  observe(r: CheckResult): void {
    const labels = { system: r.system, target: r.target, check: r.check, region: r.region };
    this.up.set(labels, r.ok ? 1 : 0);
    this.duration.observe(labels, r.latencyMs / 1000);
    this.runs.inc(labels);
    if (!r.ok) this.failures.inc({ system: r.system, target: r.target, check: r.check, error_kind: r.errorKind ?? 'internal' });
  }

  /** Drops series of checks that are no longer configured. */
  forget(labels: { system: string; target: string; check: string; region: string }): void {
    this.up.remove(labels);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
