import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { errorOutcome, roundMs } from './classify.ts';
import { correctedNowMs, measuredOffset } from './ntp/clock.ts';
import type { Probe } from './types.ts';

/*
 * An ETP's clock as seen from outside (docs/rules.md §8): the HTTP `Date` header against kuzet's
 * corrected clock. `Date` has whole seconds, so one response only says the offset θ (server minus
 * kuzet) lies in a one-second window: the server wrote second D at some moment between our send and
 * our receipt, so D·1000 − received ≤ θ < D·1000 + 1000 − sent. As htpdate does, later requests are
 * timed so the server's second should tick over mid-flight at the centre of the current window; the
 * answer (D or D − 1) then halves it. The window only shrinks by intersection, so the result is as
 * sure as causality: its half-width is the reported uncertainty.
 */

export const httpDateSchema = z.strictObject({
  /** An http:// or https:// URL of the ETP (any path: only the `Date` header is read). */
  url: z.url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'required' : 'expected an http:// or https:// URL') }),
  /** @default "HEAD" */
  method: z.enum(['HEAD', 'GET']).default('HEAD'),
  /** Request headers, sent as written. @default {} */
  headers: z.record(z.string(), z.string()).default({}),
  /** Requests per run; each halves the window, so 6 give about ±8 ms plus the round trip. @default 6 */
  samples: z.number().int().min(1).max(12).default(6),
  /** |offset| above this fails the check: price-offer timestamps are kept to the second (000 App.3 §4.10). @default 1000 */
  maxOffsetMs: z.number().positive().default(1000),
  /** @default false */
  insecureSkipVerify: z.boolean().default(false),
});
export type HttpDateConfig = z.output<typeof httpDateSchema>;

/** The estimated offset of the server's clock (server minus kuzet) and how sure it is. */
export const httpDateMeasurementObservation = z.object({
  url: z.string(),
  offsetMs: z.number(),
  /** Half-width of the window the offset lies in. */
  uncertaintyMs: z.number(),
  samples: z.number().int(),
  discarded: z.number().int(),
  rttMs: z.number(),
  /** The NTP correction applied to kuzet's own clock, null when none was measured. */
  kuzetClockCorrectionMs: z.number().nullable(),
});
/** No estimate: the URL asked (the failure is in the message). */
export const httpDateFailureObservation = z.object({ url: z.string() });
export const httpDateObservation = z.union([httpDateMeasurementObservation, httpDateFailureObservation]);
export type HttpDateMeasurementObservation = z.output<typeof httpDateMeasurementObservation>;
export type HttpDateObservation = z.output<typeof httpDateObservation>;

export interface DateSample {
  /** kuzet's corrected clock when the request was sent and when the response headers arrived, epoch ms. */
  sentMs: number;
  receivedMs: number;
  /** The `Date` header, epoch ms (a whole second). */
  dateMs: number;
}

export type Window = readonly [lo: number, hi: number];

/** The offsets (server minus kuzet, ms) one sample allows. */
export function sampleWindow(s: DateSample): Window {
  return [s.dateMs - s.receivedMs, s.dateMs + 1000 - s.sentMs];
}

export function intersect(a: Window, b: Window): Window | undefined {
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * When to send next (on kuzet's clock) so that, if the offset were the window's centre, the server's
 * second would tick over when the request reaches it (half a round trip after sending).
 */
export function nextSendAt(window: Window, nowMs: number, rttMs: number): number {
  const centre = (window[0] + window[1]) / 2;
  const phase = -centre - rttMs / 2;
  const k = Math.ceil((nowMs + 5 - phase) / 1000);
  return k * 1000 + phase;
}

export interface DateEstimate {
  offsetMs: number;
  uncertaintyMs: number;
  samples: number;
  /** Samples whose window did not meet the others (a cached `Date`, a clock step). */
  discarded: number;
  minRttMs: number;
}

/** Folds samples into an estimate; undefined without a sample. */
export function estimate(samples: readonly DateSample[]): DateEstimate | undefined {
  let window: Window | undefined;
  let discarded = 0;
  for (const s of samples) {
    const w = sampleWindow(s);
    const next: Window | undefined = window ? intersect(window, w) : w;
    if (next) window = next;
    else discarded++;
  }
  if (!window) return undefined;
  return {
    offsetMs: (window[0] + window[1]) / 2,
    uncertaintyMs: (window[1] - window[0]) / 2,
    samples: samples.length,
    discarded,
    minRttMs: Math.min(...samples.map((s) => s.receivedMs - s.sentMs)),
  };
}

class MissingDateError extends Error {}

/** Estimates a server's clock offset from its HTTP `Date` header. */
export const httpDateProbe: Probe<typeof httpDateSchema, HttpDateObservation> = {
  kind: 'http-date',
  schema: httpDateSchema,
  observation: httpDateObservation,
  defaultTimeoutMs: 15_000,
  async run(config, ctx) {
    // kuzet's corrected clock with sub-millisecond steps: read once, then advanced by the monotonic timer.
    const base = correctedNowMs();
    const perf0 = performance.now();
    const now = () => base + (performance.now() - perf0);
    const url = new URL(config.url);
    const transport = url.protocol === 'https:' ? https : http;
    // One kept-alive connection: after the first request, a round trip is one network round trip.
    const agent = new transport.Agent({ keepAlive: true, maxSockets: 1 });
    const samples: DateSample[] = [];
    try {
      for (let i = 0; i < config.samples; i++) {
        const sofar = estimate(samples);
        if (sofar) {
          const wait =
            nextSendAt([sofar.offsetMs - sofar.uncertaintyMs, sofar.offsetMs + sofar.uncertaintyMs], now(), sofar.minRttMs) - now();
          if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal });
        }
        samples.push(await sample(transport, agent, url, config, now, ctx.signal));
      }
    } catch (err) {
      if (err instanceof MissingDateError && !ctx.signal.aborted)
        return { ok: false, errorKind: 'assertion', message: err.message, observations: { url: config.url } };
      return errorOutcome(err, ctx.signal, { url: config.url });
    } finally {
      agent.destroy();
    }
    const e = estimate(samples) as DateEstimate;
    const correction = measuredOffset();
    const observations: HttpDateMeasurementObservation = {
      url: config.url,
      offsetMs: roundMs(e.offsetMs),
      uncertaintyMs: roundMs(e.uncertaintyMs),
      samples: e.samples,
      discarded: e.discarded,
      rttMs: roundMs(e.minRttMs),
      kuzetClockCorrectionMs: correction ? roundMs(correction.offsetMs) : null,
    };
    const text = `clock offset ${e.offsetMs >= 0 ? '+' : ''}${Math.round(e.offsetMs)} ms ± ${Math.round(e.uncertaintyMs)} ms`;
    const latencyMs = roundMs(e.minRttMs);
    if (Math.abs(e.offsetMs) > config.maxOffsetMs)
      return { ok: false, errorKind: 'assertion', message: `${text}: |offset| above ${config.maxOffsetMs} ms`, latencyMs, observations };
    return { ok: true, message: text, latencyMs, observations };
  },
};

function sample(
  transport: typeof http | typeof https,
  agent: http.Agent,
  url: URL,
  config: HttpDateConfig,
  now: () => number,
  signal: AbortSignal,
): Promise<DateSample> {
  return new Promise<DateSample>((resolve, reject) => {
    const sentMs = now();
    const headers = { 'user-agent': 'kuzet-probe/0.1', ...config.headers };
    const req = transport.request(
      url,
      { method: config.method, headers, agent, signal, rejectUnauthorized: !config.insecureSkipVerify },
      (res) => {
        const receivedMs = now();
        res.resume(); // the body is not needed, but the connection must be drained to be reused
        const header = res.headers.date;
        const dateMs = header === undefined ? Number.NaN : Date.parse(header);
        if (Number.isNaN(dateMs)) {
          reject(
            new MissingDateError(
              header === undefined
                ? `HTTP ${res.statusCode}: no Date header`
                : `HTTP ${res.statusCode}: Date header "${header}" cannot be read`,
            ),
          );
          return;
        }
        res.on('end', () => resolve({ sentMs, receivedMs, dateMs }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
