/**
 * The dashboards' only source of metric and measurement names: the collector's catalogue and the
 * InfluxDB sink's measurement list. A panel asks for a catalogue key; a key that is not there (yet)
 * throws {@link MissingMetric}, and the generator reports the panel as pending instead of writing it.
 */
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import {
  INFLUX_ETP_MEASUREMENT,
  INFLUX_INCIDENT_MEASUREMENT,
  INFLUX_JOURNEY_MEASUREMENTS,
  INFLUX_MEASUREMENT,
  INFLUX_TIME_MEASUREMENTS,
} from '../collector/index.ts';
import { WANTED_METRICS, type WantedKey } from './pending.ts';

export interface CatalogueEntry {
  name: string;
  help: string;
  labels: readonly string[];
}
export type Catalogue = Readonly<Record<string, CatalogueEntry>>;

/** Keys known today plus keys the dashboards wait for; a typo in either is a type error. */
export type MetricKey = keyof typeof METRIC_CATALOGUE | WantedKey;

export const KUZET_CATALOGUE: Catalogue = METRIC_CATALOGUE;

/** Prometheus's own per-target series (not exported by kuzet): 1 when the last scrape succeeded. */
export const SCRAPE_UP = 'up';

export interface InfluxMeasurement {
  name: string;
  tags: readonly string[];
  fields: readonly string[];
}
/** Every measurement the sink writes, by role. */
export const INFLUX_MEASUREMENTS = {
  check: INFLUX_MEASUREMENT,
  journey: INFLUX_JOURNEY_MEASUREMENTS.journey,
  step: INFLUX_JOURNEY_MEASUREMENTS.step,
  ntp: INFLUX_TIME_MEASUREMENTS.ntp,
  clock: INFLUX_TIME_MEASUREMENTS.clock,
  freshness: INFLUX_TIME_MEASUREMENTS.freshness,
  incident: INFLUX_INCIDENT_MEASUREMENT,
  etp: INFLUX_ETP_MEASUREMENT,
} as const satisfies Record<string, InfluxMeasurement>;

export class MissingMetric extends Error {
  override readonly name = 'MissingMetric';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`METRIC_CATALOGUE.${key}: ${reason}`);
  }
}

/** Resolves catalogue keys to metric names, refusing keys or labels the catalogue lacks. */
export class MetricNames {
  /** Every key resolved so far (for the report of what a dashboard reads). */
  readonly used = new Set<string>();
  constructor(private readonly catalogue: Catalogue = KUZET_CATALOGUE) {}

  /** The metric's name; `labels` must all be declared by the entry (the wanted labels by default). */
  name(key: MetricKey, labels?: readonly string[]): string {
    const e = this.catalogue[key];
    if (!e) throw new MissingMetric(key, 'not in the catalogue yet');
    const want = labels ?? (key in WANTED_METRICS ? WANTED_METRICS[key as WantedKey].labels : []);
    const lacking = want.filter((l) => !e.labels.includes(l));
    if (lacking.length > 0) throw new MissingMetric(key, `the entry lacks label(s) ${lacking.join(', ')}`);
    this.used.add(key);
    return e.name;
  }

  /** A histogram's `_bucket` series. */
  bucket(key: MetricKey): string {
    return `${this.name(key)}_bucket`;
  }

  has(key: MetricKey): boolean {
    return this.catalogue[key] !== undefined;
  }
}
