/**
 * A Flux query builder for Grafana's InfluxDB data source (the foundation SDK has no InfluxDB module).
 * Queries are built from a measurement of the sink, so a field or tag it does not write is a thrown
 * error at generation, not an empty panel at 3 a.m.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import type { InfluxMeasurement } from './catalogue.ts';

/** The JSON Grafana's InfluxDB data source stores for a Flux query. */
export interface FluxDataquery extends Dataquery {
  refId: string;
  datasource?: DataSourceRef;
  query: string;
  hide?: boolean;
}

export type FluxAggregate = 'mean' | 'max' | 'min' | 'last' | 'sum' | 'count';

/** A Grafana variable, matched as a whole tag value (`All` is `.*`). */
export const variableRegex = (variable: string) => `/^(\${${variable}:regex})$/`;

export class FluxQueryBuilder implements Builder<Dataquery> {
  private readonly fieldNames: string[] = [];
  private readonly filters: string[] = [];
  private readonly tail: string[] = [];
  private ref = 'A';
  private ds: DataSourceRef | undefined;

  constructor(private readonly measurement: InfluxMeasurement) {}

  /** Fields to read; each must be one the sink writes. */
  fields(...names: string[]): this {
    for (const n of names) {
      if (!this.measurement.fields.includes(n))
        throw new Error(`measurement ${this.measurement.name} has no field "${n}" (fields: ${this.measurement.fields.join(', ')})`);
      this.fieldNames.push(n);
    }
    return this;
  }

  /** Keeps points whose tag matches a dashboard variable (`${variable:regex}`). */
  tagVariable(tag: string, variable: string = tag): this {
    return this.tagRegex(tag, variableRegex(variable));
  }

  /** Keeps points whose tag matches a whole regex (a Flux regex literal, `/^…$/`). */
  tagRegex(tag: string, regex: string): this {
    this.assertTag(tag);
    this.filters.push(`r.${tag} =~ ${regex}`);
    return this;
  }

  /** Keeps points whose value satisfies a comparison, such as `== 0` for failed steps. */
  value(op: '==' | '!=' | '>' | '<' | '>=' | '<=', n: number): this {
    this.filters.push(`r._value ${op} ${n}`);
    return this;
  }

  /** Regroups by these tags (then every series is one line in Grafana). */
  groupBy(...tags: string[]): this {
    for (const t of tags) this.assertTag(t);
    this.tail.push(`|> group(columns: [${tags.map((t) => JSON.stringify(t)).join(', ')}])`);
    return this;
  }

  /** Downsamples to Grafana's interval (or `every`), without empty windows. */
  window(fn: FluxAggregate, every = 'v.windowPeriod'): this {
    this.tail.push(`|> aggregateWindow(every: ${every}, fn: ${fn}, createEmpty: false)`);
    return this;
  }

  /** One value per series over the whole range. */
  reduce(fn: FluxAggregate): this {
    this.tail.push(`|> ${fn}()`);
    return this;
  }

  /** Multiplies values (ratios to percent, ms to s). */
  scale(factor: number): this {
    this.tail.push(`|> map(fn: (r) => ({ r with _value: float(v: r._value) * ${factor}.0 }))`);
    return this;
  }

  refId(refId: string): this {
    this.ref = refId;
    return this;
  }

  datasource(ref: DataSourceRef): this {
    this.ds = ref;
    return this;
  }

  /** The Flux text. */
  flux(): string {
    if (this.fieldNames.length === 0) throw new Error(`Flux query on ${this.measurement.name} names no field`);
    const fieldTest = this.fieldNames.map((f) => `r._field == ${JSON.stringify(f)}`).join(' or ');
    return [
      'from(bucket: v.defaultBucket)',
      '  |> range(start: v.timeRangeStart, stop: v.timeRangeStop)',
      `  |> filter(fn: (r) => r._measurement == ${JSON.stringify(this.measurement.name)})`,
      `  |> filter(fn: (r) => ${this.fieldNames.length > 1 ? `(${fieldTest})` : fieldTest})`,
      ...this.filters.map((f) => `  |> filter(fn: (r) => ${f})`),
      ...this.tail.map((t) => `  ${t}`),
    ].join('\n');
  }

  build(): FluxDataquery {
    return {
      refId: this.ref,
      ...(this.ds ? { datasource: this.ds } : {}),
      query: this.flux(),
      _implementsDataqueryVariant() {},
    };
  }

  private assertTag(tag: string): void {
    if (tag === '_field') return;
    if (!this.measurement.tags.includes(tag))
      throw new Error(`measurement ${this.measurement.name} has no tag "${tag}" (tags: ${this.measurement.tags.join(', ')})`);
  }
}

/** Starts a Flux query on a measurement the sink writes. */
export const flux = (m: InfluxMeasurement) => new FluxQueryBuilder(m);
