/**
 * Optional InfluxDB history, the source of Grafana's long-range panels. Measurements (each listed
 * below as a constant, which the dashboards read — nobody types a measurement name elsewhere):
 * - `check_result`: every result (tags system, target, check, region, error_kind; fields up, latency_ms);
 * - `journey`, `journey_step`: browser journeys and their steps;
 * - `ntp`, `clock_offset`, `freshness`: the numbers of ntp, http-date and freshness results;
 * - `incident_state`: incident state changes, pushed by the incident lifecycle ({@link InfluxSink.pushIncident}).
 *
 * Batching and retry (config `influx.batchSize`, default 1000 points; `influx.flushIntervalMs`,
 * default 1000 ms):
 * - v2 servers: @influxdata/influxdb-client's WriteApi sends a batch when it holds `batchSize` points
 *   or every `flushIntervalMs`; a failed batch is retried up to 5 times with the client's exponential
 *   backoff (honouring Retry-After), and at most 100,000 lines wait in its buffer (oldest dropped).
 * - v1 servers (Debian ships 1.6, which has no /api/v2/write): the same client builds the line
 *   protocol and this sink posts it to `/write?db=` when `batchSize` lines wait or every
 *   `flushIntervalMs`; a failed batch goes back to the front of the buffer and is retried at every
 *   flush until it succeeds, and beyond 100,000 waiting lines the oldest are dropped (counted in `dropped`).
 * History is best effort: the database and Redis stream hold the record; InfluxDB holds what Grafana draws.
 * Retention is the bucket's (the compose stack creates it with `INFLUXDB_RETENTION`, default 90 days,
 * the same as `storage.retentionDays`).
 */
import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from '../core/log.ts';
import type { LiveSink } from './ingest.ts';
import { journeyEvidence, journeyLabel, timeObservations } from './metrics.ts';
import type { KeyedResult } from './results.repo.ts';

export interface InfluxSettings {
  url: string;
  token: string;
  org: string;
  bucket: string;
  v1Database?: string | undefined;
  flushIntervalMs: number;
  batchSize: number;
}

export const INFLUX_MEASUREMENT = {
  name: 'check_result',
  tags: ['system', 'target', 'check', 'region', 'error_kind'],
  fields: ['up', 'latency_ms'],
} as const;

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
  const ev = journeyEvidence(r);
  if (!ev) return [];
  const m = INFLUX_JOURNEY_MEASUREMENTS;
  const tagged = (name: string) => new Point(name).tag('system', r.system).tag('journey', journeyLabel(r)).tag('region', r.region);
  const run = tagged(m.journey.name)
    .intField('up', r.ok ? 1 : 0)
    .floatField('total_ms', ev.totalMs);
  if (typeof ev.vitals.lcp === 'number') run.floatField('lcp_ms', ev.vitals.lcp);
  if (typeof ev.vitals.cls === 'number') run.floatField('cls', ev.vitals.cls);
  if (typeof ev.vitals.ttfb === 'number') run.floatField('ttfb_ms', ev.vitals.ttfb);
  // Steps share the run's timestamp; the step tag keeps their points apart.
  const steps = ev.steps.map((s) =>
    tagged(m.step.name)
      .tag('step', s.name)
      .floatField('ms', s.ms)
      .intField('ok', s.ok ? 1 : 0)
      .timestamp(r.at),
  );
  return [run.timestamp(r.at), ...steps];
}

/** Clock and freshness numbers of `ntp`, `http-date` and `freshness` results (the shapes metrics.ts reads). */
export const INFLUX_TIME_MEASUREMENTS = {
  ntp: { name: 'ntp', tags: ['system', 'target', 'check', 'region', 'server'], fields: ['offset_ms', 'delay_ms', 'stratum'] },
  clock: { name: 'clock_offset', tags: ['system', 'target', 'check', 'region'], fields: ['offset_ms', 'uncertainty_ms'] },
  freshness: { name: 'freshness', tags: ['system', 'target', 'check', 'region'], fields: ['age_s'] },
} as const;

/** The time points of a result: none unless it is an `ntp`, `http-date` or `freshness` result that measured its numbers. */
export function timePoints(r: KeyedResult): Point[] {
  const { ntp, clock, freshness } = timeObservations(r);
  const m = INFLUX_TIME_MEASUREMENTS;
  const tagged = (name: string) =>
    new Point(name).tag('system', r.system).tag('target', r.target).tag('check', r.check).tag('region', r.region).timestamp(r.at);
  const points: Point[] = [];
  if (ntp)
    points.push(
      tagged(m.ntp.name)
        .tag('server', ntp.server)
        .floatField('offset_ms', ntp.offsetMs)
        .floatField('delay_ms', ntp.delayMs)
        .intField('stratum', ntp.stratum),
    );
  if (clock) points.push(tagged(m.clock.name).floatField('offset_ms', clock.offsetMs).floatField('uncertainty_ms', clock.uncertaintyMs));
  if (freshness) points.push(tagged(m.freshness.name).floatField('age_s', freshness.ageSeconds));
  return points;
}

/** Incident state changes: one point per transition, `open` 1 until the incident is closed. */
export const INFLUX_INCIDENT_MEASUREMENT = {
  name: 'incident_state',
  tags: ['system', 'incident', 'level'],
  fields: ['state', 'open'],
} as const;

export interface IncidentStateChange {
  system: string;
  incident: string;
  level: string;
  /** The state entered (e.g. `registered`, `confirmed`, `resolved`, `closed`). */
  state: string;
  open: boolean;
  at: Date;
}

export function incidentPoint(c: IncidentStateChange): Point {
  return new Point(INFLUX_INCIDENT_MEASUREMENT.name)
    .tag('system', c.system)
    .tag('incident', c.incident)
    .tag('level', c.level)
    .stringField('state', c.state)
    .intField('open', c.open ? 1 : 0)
    .timestamp(c.at);
}

/** The state change an incident is in now, timestamped by when it entered that state (so a replayed event writes the same point again). */
export function incidentChangeOf(r: {
  id: string;
  system: string | null;
  state: string;
  level: string | null;
  proposed_level: string | null;
  registered_at: Date;
  analysing_at: Date | null;
  confirmed_at: Date | null;
  refuted_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
}): IncidentStateChange {
  const entered: Record<string, Date | null> = {
    registered: r.registered_at,
    analysing: r.analysing_at,
    confirmed: r.confirmed_at,
    refuted: r.refuted_at,
    resolved: r.resolved_at,
    closed: r.closed_at,
  };
  return {
    system: r.system ?? 'unknown',
    incident: r.id,
    level: r.level ?? r.proposed_level ?? 'none',
    state: r.state,
    open: r.state !== 'closed' && r.state !== 'refuted',
    at: new Date(entered[r.state] ?? r.registered_at),
  };
}

/** ETP failure streaks (ETP-DISCONNECT-DAYS, §7): one point per ETP each time the ledger is refreshed. */
export const INFLUX_ETP_MEASUREMENT = { name: 'etp_streak', tags: ['etp'], fields: ['streak_days', 'state'] } as const;

export interface EtpStreakPoint {
  etp: string;
  /** Consecutive failure days ending today (Astana). */
  streakDays: number;
  /** Connection state: `test`, `productive` or `disconnected`. */
  state: string;
  at: Date;
}

export function etpPoint(e: EtpStreakPoint): Point {
  return new Point(INFLUX_ETP_MEASUREMENT.name)
    .tag('etp', e.etp)
    .intField('streak_days', e.streakDays)
    .stringField('state', e.state)
    .timestamp(e.at);
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
    for (const p of [resultPoint(r), ...journeyPoints(r), ...timePoints(r)]) this.pushPoint(p);
  }

  pushIncident(c: IncidentStateChange): void {
    this.pushPoint(incidentPoint(c));
  }

  pushEtp(e: EtpStreakPoint): void {
    this.pushPoint(etpPoint(e));
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
      // Point.toLineProtocol() without write settings stamps nanoseconds; `ms` here made influxd
      // refuse every v1 batch (found by reading back from a real influxd in dashboards/influx.int.test.ts).
      url.searchParams.set('precision', 'ns');
      try {
        const res = await fetch(url, {
          method: 'POST',
          body: lines.join('\n'),
          headers: this.s.token ? { Authorization: `Token ${this.s.token}` } : {},
          signal: AbortSignal.timeout(10_000),
        });
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
