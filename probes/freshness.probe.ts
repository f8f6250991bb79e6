import { z } from 'zod';
import { tryParseDateTimeMs } from '../core/time.ts';
import { errorOutcome, roundMs } from './classify.ts';
import { httpRequest, type HttpResponse } from './http-client.ts';
import { httpRequestFields } from './http-fields.ts';
import { checkStatus } from './http-status.ts';
import { evaluateJsonPath, parseJsonPath } from './json-path.ts';
import { correctedNowMs } from './ntp/clock.ts';
import type { Probe, ProbeOutcome } from './types.ts';

/** How fresh the data the e-shop relies on must be (docs/rules.md §7), each next to its source point. */
export const FRESHNESS_PRESETS = {
  prices: { maxAgeSeconds: 7 * 86_400, rule: 'ETP price transfers at least weekly', source: '000 §35' },
  'catalogue-items': { maxAgeSeconds: 3 * 3600, rule: 'catalogue item lists every 3 hours', source: '000 App.4 §3.3' },
  'catalogue-updates': { maxAgeSeconds: 86_400, rule: 'catalogue updates every 24 hours', source: '000 App.7 App.1 §3.3' },
} as const;
export type FreshnessPreset = keyof typeof FRESHNESS_PRESETS;
const PRESETS = Object.keys(FRESHNESS_PRESETS) as [FreshnessPreset, ...FreshnessPreset[]];

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Seconds of a duration like `90s`, `45m`, `3h`, `7d`; undefined for anything else. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m && Number(m[1]) > 0 ? Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] : undefined;
}

export const freshnessSchema = z
  .strictObject({
    ...httpRequestFields,
    /** JSONPath to the timestamp, e.g. `$.lastUpdate` or `$.items[*].updatedAt` (the newest counts). */
    path: z.string().superRefine((path, ctx) => {
      try {
        parseJsonPath(path);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid JSONPath: ${(err as Error).message}` });
      }
    }),
    /** `iso`: ISO 8601 with an offset or Z; `epoch-s` / `epoch-ms`: a number or numeric text. @default "iso" */
    format: z.enum(['iso', 'epoch-s', 'epoch-ms']).default('iso'),
    /** A limit from the regulations: prices 7 days, catalogue-items 3 hours, catalogue-updates 24 hours. */
    preset: z.enum(PRESETS).optional(),
    /** An explicit limit instead of a preset: `90s`, `45m`, `3h`, `7d`. */
    maxAge: z
      .string()
      .refine((s) => durationSeconds(s) !== undefined, 'expected a duration like "90s", "45m", "3h" or "7d"')
      .optional(),
  })
  .refine((c) => (c.preset === undefined) !== (c.maxAge === undefined), { path: ['preset'], message: 'give either preset or maxAge' });
export type FreshnessConfig = z.output<typeof freshnessSchema>;

/** The newest timestamp found, its age on kuzet's corrected clock and the limit it was held to. */
export const freshnessAgeObservation = z.object({
  path: z.string(),
  /** ISO 8601, UTC. */
  timestamp: z.string(),
  /** Negative when the timestamp is in the future. */
  ageSeconds: z.number(),
  maxAgeSeconds: z.number(),
});
/** No age: the body had no readable timestamp at `path`, or the status was refused. */
export const freshnessFailureObservation = z.union([z.object({ path: z.string() }), z.object({ status: z.number().int() })]);
export const freshnessObservation = z.union([freshnessAgeObservation, freshnessFailureObservation]);
export type FreshnessAgeObservation = z.output<typeof freshnessAgeObservation>;
export type FreshnessObservation = z.output<typeof freshnessObservation>;

/** The limit of a config, in seconds, and why it is what it is. */
export function freshnessLimit(config: Pick<FreshnessConfig, 'preset' | 'maxAge'>): { maxAgeSeconds: number; why: string } {
  if (config.preset) {
    const p = FRESHNESS_PRESETS[config.preset];
    return { maxAgeSeconds: p.maxAgeSeconds, why: `${p.rule}, ${p.source}` };
  }
  return { maxAgeSeconds: durationSeconds(config.maxAge ?? '') ?? 0, why: `maxAge ${config.maxAge}` };
}

/** Epoch ms of one timestamp value, or undefined when it is not one in the configured format. */
export function readTimestamp(value: unknown, format: FreshnessConfig['format']): number | undefined {
  if (format === 'iso') return typeof value === 'string' ? tryParseDateTimeMs(value) : undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  return format === 'epoch-s' ? n * 1000 : n;
}

/** Reads a timestamp from a JSON API and fails when it is older than the limit, measured on kuzet's corrected clock. */
export const freshnessProbe: Probe<typeof freshnessSchema, FreshnessObservation> = {
  kind: 'freshness',
  schema: freshnessSchema,
  observation: freshnessObservation,
  async run(config, ctx) {
    const started = performance.now();
    let res: HttpResponse;
    try {
      res = await httpRequest({ ...config, headers: { accept: 'application/json', ...config.headers } }, ctx.signal);
    } catch (err) {
      return errorOutcome(err, ctx.signal);
    }
    const latencyMs = roundMs(performance.now() - started);
    const statusFailure = checkStatus(config.expectStatus, config.maxRedirects, res);
    if (statusFailure)
      return { ok: false, errorKind: 'http-status', message: statusFailure, latencyMs, observations: { status: res.status } };
    return judgeFreshness(config, res.body.toString('utf8'), correctedNowMs(), latencyMs);
  },
};

/** The verdict on a body at `nowMs`: pure, so the table tests need no server. */
export function judgeFreshness(config: FreshnessConfig, body: string, nowMs: number, latencyMs = 0): ProbeOutcome<FreshnessObservation> {
  const fail = (message: string): ProbeOutcome<FreshnessObservation> => ({
    ok: false,
    errorKind: 'assertion',
    message,
    latencyMs,
    observations: { path: config.path },
  });
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return fail(`body is not JSON: ${(err as Error).message}`);
  }
  const values = evaluateJsonPath(parseJsonPath(config.path), doc);
  if (values.length === 0) return fail(`${config.path} does not exist`);
  const times = values.map((v) => readTimestamp(v, config.format));
  const bad = values.find((_, i) => times[i] === undefined);
  if (bad !== undefined)
    return fail(
      `${config.path} is ${JSON.stringify(bad)}, not a timestamp (${config.format}${config.format === 'iso' ? ' with offset' : ''})`,
    );
  const newest = Math.max(...(times as number[]));
  const ageSeconds = Math.round((nowMs - newest) / 100) / 10;
  const { maxAgeSeconds, why } = freshnessLimit(config);
  const observations: FreshnessAgeObservation = { path: config.path, timestamp: new Date(newest).toISOString(), ageSeconds, maxAgeSeconds };
  const text = `${config.path} is ${describeAge(ageSeconds)} old`;
  if (ageSeconds > maxAgeSeconds)
    return {
      ok: false,
      errorKind: 'assertion',
      message: `${text}: older than ${describeAge(maxAgeSeconds)} (${why})`,
      latencyMs,
      observations,
    };
  return {
    ok: true,
    message: ageSeconds < 0 ? `${config.path} is ${describeAge(-ageSeconds)} in the future` : text,
    latencyMs,
    observations,
  };
}

function describeAge(seconds: number): string {
  const s = Math.abs(seconds);
  if (s >= 86_400) return `${roundMs(s / 86_400)} d`;
  if (s >= 3600) return `${roundMs(s / 3600)} h`;
  if (s >= 60) return `${roundMs(s / 60)} min`;
  return `${roundMs(s)} s`;
}
