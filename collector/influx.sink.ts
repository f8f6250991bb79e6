/**
 * Optional InfluxDB history: every result as a point of measurement `check_result`
 * (tags system, target, check, region, error_kind; fields up, latency_ms).
 * v2 servers: @influxdata/influxdb-client's WriteApi (batched, retried with backoff).
 * v1 servers (Debian ships 1.6, which has no /api/v2/write): the same client builds the line
 * protocol and this sink posts it to `/write?db=` in batches, retrying a failed batch.
 */
import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from '../core/log.ts';
import type { LiveSink } from './ingest.ts';
import { journeyEvidence, journeyLabel } from './metrics.ts';
import type { KeyedResult } from './results.store.ts';

export interface InfluxSettings {
  url: string;
  token: string;
  org: string;
  bucket: string;
  v1Database?: string | undefined;
  flushIntervalMs: number;
  batchSize: number;
}

export const INFLUX_MEASUREMENT = { name: 'check_result', tags: ['system', 'target', 'check', 'region', 'error_kind'], fields: ['up', 'latency_ms'] } as const;

export function resultPoint(r: KeyedResult): Point {
  return new Point(INFLUX_MEASUREMENT.name)
    .tag('system', r.system)
    .tag('target', r.target)
    .tag('check', r.check)
    .tag('region', r.region)
    .tag('error_kind', r.errorKind ?? 'none')
    .intField('up', r.ok ? 1 : 0)
    .floatField('latency_ms', r.latencyMs)
    .timestamp(r.at);
}

/** Browser journeys: one `journey` point per run and one `journey_step` point per step, at the run's time. */
export const INFLUX_JOURNEY_MEASUREMENTS = {
  journey: { name: 'journey', tags: ['system', 'journey', 'region'], fields: ['up', 'total_ms', 'lcp_ms', 'cls', 'ttfb_ms'] },
  step: { name: 'journey_step', tags: ['system', 'journey', 'region', 'step'], fields: ['ms', 'ok'] },
} as const;

/** The journey points of a browser result; none for other results. */
export function journeyPoints(r: KeyedResult): Point[] {
  const ev = journeyEvidence(r.observations);
  if (!ev) return [];
  const m = INFLUX_JOURNEY_MEASUREMENTS;
  const tagged = (name: string) => new Point(name).tag('system', r.system).tag('journey', journeyLabel(r)).tag('region', r.region);
  const run = tagged(m.journey.name).intField('up', r.ok ? 1 : 0).floatField('total_ms', ev.totalMs);
  if (typeof ev.vitals.lcp === 'number') run.floatField('lcp_ms', ev.vitals.lcp);
  if (typeof ev.vitals.cls === 'number') run.floatField('cls', ev.vitals.cls);
  if (typeof ev.vitals.ttfb === 'number') run.floatField('ttfb_ms', ev.vitals.ttfb);
  // Steps share the run's timestamp; the step tag keeps their points apart.
  const steps = ev.steps.map((s) => tagged(m.step.name).tag('step', s.name).floatField('ms', s.ms).intField('ok', s.ok ? 1 : 0).timestamp(r.at));
  return [run.timestamp(r.at), ...steps];
}

const MAX_BUFFER = 100_000;

export class InfluxSink implements LiveSink {
  private readonly v2: WriteApi | undefined;
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly s: InfluxSettings,
    private readonly log: Logger,
  ) {
    if (!s.v1Database) {
      this.v2 = new InfluxDB({ url: s.url, token: s.token }).getWriteApi(s.org, s.bucket, 'ms', {
        batchSize: s.batchSize,
        flushInterval: s.flushIntervalMs,
        maxRetries: 5,
        maxBufferLines: MAX_BUFFER,
      });
    } else {
      this.timer = setInterval(() => void this.flush(), s.flushIntervalMs);
      this.timer.unref();
    }
  }

  push(r: KeyedResult): void {
    for (const p of [resultPoint(r), ...journeyPoints(r)]) this.pushPoint(p);
  }

  private pushPoint(p: Point): void {
    if (this.v2) {
      this.v2.writePoint(p);
      return;
    }
    const line = p.toLineProtocol();
    if (!line) return;
    if (this.buffer.length >= MAX_BUFFER) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(line);
    if (this.buffer.length >= this.s.batchSize) void this.flush();
  }

  /** Sends what is buffered (v1), or asks the client to (v2). */
  async flush(): Promise<void> {
    if (this.v2) return this.v2.flush();
    if (this.flushing) return this.flushing;
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      const url = new URL('/write', this.s.url);
      url.searchParams.set('db', this.s.v1Database!);
      url.searchParams.set('precision', 'ms');
      try {
        const res = await fetch(url, { method: 'POST', body: lines.join('\n'), headers: this.s.token ? { Authorization: `Token ${this.s.token}` } : {}, signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
      } catch (e) {
        this.log.warn({ err: (e as Error).message, lines: lines.length }, 'InfluxDB write failed; the batch is kept for the next flush');
        this.buffer = [...lines, ...this.buffer].slice(-MAX_BUFFER);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.v2) {
      await this.v2.close().catch((e: Error) => this.log.warn({ err: e.message }, 'InfluxDB close failed'));
      return;
    }
    await this.flush();
  }
}
