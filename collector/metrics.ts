/**
 * The metric catalogue and the prom-client registry. Dashboards and alert rules read
 * {@link METRIC_CATALOGUE}; nobody types a metric name by hand elsewhere.
 */
import client from 'prom-client';
import {
  browserObservation,
  ERROR_KINDS,
  freshnessAgeObservation,
  httpDateMeasurementObservation,
  ntpMeasurementObservation,
  observationOf,
  type CheckResult,
  type ObservedResult,
} from '../probes/index.ts';

export { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';

/** The catalogue entries the {@link Metrics} class itself registers; the rest are registered by their owners on its registry. */
export const CHECK_METRIC_KEYS = [
  'checkUp',
  'checkDuration',
  'checkFailures',
  'checkRuns',
  'ingestBatch',
  'ingestErrors',
  'journeyUp',
  'journeyDuration',
  'journeyStepDuration',
  'webVital',
  'ntpOffset',
  'ntpDelay',
  'clockOffset',
  'freshnessAge',
] as const satisfies readonly (keyof typeof METRIC_CATALOGUE)[];

/** The part of a browser journey's observation the journey series are made of (vitals may be missing from older rows). */
const JOURNEY_EVIDENCE = browserObservation.pick({ journey: true, steps: true, totalMs: true, vitals: true }).partial({ vitals: true });
export type JourneyEvidence = {
  steps: { name: string; ms: number; ok: boolean }[];
  totalMs: number;
  vitals: { lcp?: number | null; cls?: number | null; ttfb?: number | null };
};

/** The evidence of a browser result, parsed with the browser probe's schema: it may come back from JSON storage. */
export function journeyEvidence(r: ObservedResult): JourneyEvidence | undefined {
  const o = observationOf(r, 'browser', JOURNEY_EVIDENCE);
  return o ? { steps: o.steps, totalMs: o.totalMs, vitals: o.vitals ?? {} } : undefined;
}

/** The numbers of the time series, each the part of its kind's observation that carries them. */
const NTP_TIME = ntpMeasurementObservation.pick({ server: true, stratum: true, offsetMs: true, delayMs: true });
const CLOCK_TIME = httpDateMeasurementObservation.pick({ offsetMs: true, uncertaintyMs: true });
const FRESHNESS_AGE = freshnessAgeObservation.pick({ ageSeconds: true });

/** The clock and freshness numbers of an `ntp`, `http-date` or `freshness` result; a run that measured nothing has none. */
export function timeObservations(r: ObservedResult) {
  const ntp = observationOf(r, 'ntp', NTP_TIME);
  // A result without a recorded kind is told apart by its shape, the ntp one first (as before kinds were recorded).
  const clock = ntp ? undefined : observationOf(r, 'http-date', CLOCK_TIME);
  return { ntp, clock, freshness: observationOf(r, 'freshness', FRESHNESS_AGE) };
}

/** Journey label of a result: the check, placed in its target. */
export function journeyLabel(r: { target: string; check: string }): string {
  return `${r.target}/${r.check}`;
}

/** How often the event-loop lag histogram (kuzet_nodejs_eventloop_lag_*) samples. */
export const LAG_SAMPLE_MS = 100;

export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Whole journeys take seconds: finer buckets there, none below 100 ms. */
export const JOURNEY_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 120];

function toSeconds(ms: number | null | undefined): number | null {
  return typeof ms === 'number' ? ms / 1000 : null;
}

export class Metrics {
  readonly registry = new client.Registry();
  private readonly up: client.Gauge<string>;
  private readonly duration: client.Histogram<string>;
  private readonly failures: client.Counter<string>;
  private readonly runs: client.Counter<string>;
  readonly ingestBatch: client.Histogram<string>;
  readonly ingestErrors: client.Counter<string>;
  private readonly journeyUp: client.Gauge<string>;
  private readonly journeyDuration: client.Histogram<string>;
  private readonly journeyStepDuration: client.Histogram<string>;
  private readonly webVital: client.Gauge<string>;
  private readonly ntpOffset: client.Gauge<string>;
  private readonly ntpDelay: client.Gauge<string>;
  private readonly clockOffset: client.Gauge<string>;
  private readonly freshnessAge: client.Gauge<string>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const c = METRIC_CATALOGUE;
    const reg = [this.registry];
    this.up = new client.Gauge({ ...c.checkUp, labelNames: c.checkUp.labels, registers: reg });
    this.duration = new client.Histogram({
      ...c.checkDuration,
      labelNames: c.checkDuration.labels,
      buckets: DURATION_BUCKETS,
      registers: reg,
    });
    this.failures = new client.Counter({ ...c.checkFailures, labelNames: c.checkFailures.labels, registers: reg });
    this.runs = new client.Counter({ ...c.checkRuns, labelNames: c.checkRuns.labels, registers: reg });
    this.ingestBatch = new client.Histogram({
      ...c.ingestBatch,
      labelNames: [],
      buckets: [1, 10, 50, 100, 500, 1000, 5000],
      registers: reg,
    });
    this.ingestErrors = new client.Counter({ ...c.ingestErrors, labelNames: [], registers: reg });
    this.journeyUp = new client.Gauge({ ...c.journeyUp, labelNames: c.journeyUp.labels, registers: reg });
    this.journeyDuration = new client.Histogram({
      ...c.journeyDuration,
      labelNames: c.journeyDuration.labels,
      buckets: JOURNEY_BUCKETS,
      registers: reg,
    });
    this.journeyStepDuration = new client.Histogram({
      ...c.journeyStepDuration,
      labelNames: c.journeyStepDuration.labels,
      buckets: DURATION_BUCKETS,
      registers: reg,
    });
    this.webVital = new client.Gauge({ ...c.webVital, labelNames: c.webVital.labels, registers: reg });
    this.ntpOffset = new client.Gauge({ ...c.ntpOffset, labelNames: c.ntpOffset.labels, registers: reg });
    this.ntpDelay = new client.Gauge({ ...c.ntpDelay, labelNames: c.ntpDelay.labels, registers: reg });
    this.clockOffset = new client.Gauge({ ...c.clockOffset, labelNames: c.clockOffset.labels, registers: reg });
    this.freshnessAge = new client.Gauge({ ...c.freshnessAge, labelNames: c.freshnessAge.labels, registers: reg });
    // The event-loop lag histogram samples with a timer: prom-client's 10 ms woke an idle kuzet 100
    // times a second, a fifth of its idle CPU (#19); at 100 ms a stall still shows, in fewer samples.
    if (opts.defaultMetrics !== false)
      client.collectDefaultMetrics({ register: this.registry, prefix: 'kuzet_', eventLoopMonitoringPrecision: LAG_SAMPLE_MS });
  }

  observe(r: CheckResult): void {
    const labels = { system: r.system, target: r.target, check: r.check, region: r.region };
    // A run kuzet could not make leaves the check unknown: no up/down sample (its failure is counted, kind internal).
    if (!r.ok && r.errorKind === 'internal') this.up.remove(labels);
    else this.up.set(labels, r.ok ? 1 : 0);
    this.duration.observe(labels, r.latencyMs / 1000);
    this.runs.inc(labels);
    if (!r.ok) this.failures.inc({ system: r.system, target: r.target, check: r.check, error_kind: r.errorKind ?? 'internal' });
    this.observeJourney(r);
    this.observeTime(r);
  }

  /**
   * Time series from the results that carry them: an `ntp` result's offset and delay, an `http-date`
   * result's offset, a `freshness` result's age. A failed run without the numbers leaves the last values in place.
   */
  private observeTime(r: CheckResult): void {
    const { ntp, clock, freshness } = timeObservations(r);
    if (ntp) {
      this.ntpOffset.set({ server: ntp.server }, ntp.offsetMs / 1000);
      this.ntpDelay.set({ server: ntp.server }, ntp.delayMs / 1000);
    }
    if (clock) this.clockOffset.set({ system: r.system, target: r.target }, clock.offsetMs / 1000);
    if (freshness) this.freshnessAge.set({ system: r.system, target: r.target }, freshness.ageSeconds);
  }

  /** Journey series from a browser result's observations; other results have none and are skipped. */
  private observeJourney(r: CheckResult): void {
    const ev = journeyEvidence(r);
    if (!ev || (!r.ok && r.errorKind === 'internal')) return;
    const labels = { system: r.system, journey: journeyLabel(r), region: r.region };
    this.journeyUp.set(labels, r.ok ? 1 : 0);
    this.journeyDuration.observe(labels, ev.totalMs / 1000);
    for (const s of ev.steps) this.journeyStepDuration.observe({ ...labels, step: s.name }, s.ms / 1000);
    const vitals = { lcp: toSeconds(ev.vitals.lcp), cls: ev.vitals.cls, ttfb: toSeconds(ev.vitals.ttfb) };
    for (const [name, value] of Object.entries(vitals)) {
      if (typeof value === 'number' && Number.isFinite(value)) this.webVital.set({ ...labels, name }, value);
    }
  }

  /**
   * Exports kuzet_check_failures_total at 0 for every configured check and error kind, so that the
   * first scrape after a start already has every series: `rate()` and `absent()` then see a counter
   * that starts at 0, not one that appears at its first failure (issue #16 item 10).
   */
  seed(checks: readonly { system: string; target: string; check: { id: string } }[]): void {
    for (const c of checks)
      for (const kind of ERROR_KINDS) this.failures.inc({ system: c.system, target: c.target, check: c.check.id, error_kind: kind }, 0);
  }

  /** Drops series of checks that are no longer configured. */
  forget(labels: { system: string; target: string; check: string; region: string }): void {
    this.up.remove(labels);
    this.journeyUp.remove({ system: labels.system, journey: journeyLabel(labels), region: labels.region });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
