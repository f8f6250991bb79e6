import { issuesFromZod } from '../core/errors.ts';
import { roundMs } from './classify.ts';
import type { CheckResult, Probe, ProbeOutcome } from './types.ts';

export interface CheckIds {
  system: string;
  target: string;
  check: string;
  region: string;
}

export interface RunOptions {
  /** The run ends by this time even if the probe ignores its signal. */
  timeoutMs: number;
  /** Clock for `at`; defaults to the host clock. */
  now?: () => Date;
}

/**
 * Runs one check once and returns its result. Owns what blackbox_exporter's handler owns: the timeout
 * (an AbortSignal handed to the probe, and a timer raced against it in case the probe ignores the
 * signal), the timing, and turning a throw into `internal`. Never rejects.
 */
export async function runCheck(probe: Probe, config: unknown, ids: CheckIds, opts: RunOptions): Promise<CheckResult> {
  const at = (opts.now ?? (() => new Date()))();
  const started = performance.now();
  const outcome = await runWithTimeout(probe, config, ids.region, opts.timeoutMs);
  const latencyMs = roundMs(outcome.latencyMs ?? performance.now() - started);
  return {
    ...ids,
    kind: probe.kind,
    ok: outcome.ok,
    latencyMs,
    errorKind: outcome.ok ? null : (outcome.errorKind ?? 'internal'),
    message: outcome.message,
    at,
    ...(outcome.observations ? { observations: outcome.observations } : {}),
  };
}

/** The reason of the end-of-run abort: one object, not an Error (and its stack) per run. */
const RUN_OVER = new Error('the run is over');

async function runWithTimeout(probe: Probe, config: unknown, region: string, timeoutMs: number): Promise<ProbeOutcome> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({ ok: false, errorKind: 'timeout', message: `timeout after ${timeoutMs} ms` });
      controller.abort(new Error(`timeout after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  // The catch is attached before racing, so a probe that rejects after the timeout is not an unhandled rejection.
  const running = invoke(probe, config, { signal: controller.signal, timeoutMs, region }).catch(internalOutcome);
  try {
    return await Promise.race([running, timedOut]);
  } finally {
    clearTimeout(timer);
    controller.abort(RUN_OVER);
  }
}

/**
 * Each check's settings parsed once per config object (a reload makes new objects): parsing them
 * again on every run was 3 % of a saturated worker's CPU (#19). Keyed by the probe too, since the
 * same object may be handed to two kinds in tests.
 */
const parsedSettings = new WeakMap<object, Map<Probe, ReturnType<Probe['schema']['safeParse']>>>();

function parseSettings(probe: Probe, config: unknown): ReturnType<Probe['schema']['safeParse']> {
  if (typeof config !== 'object' || config === null) return probe.schema.safeParse(config);
  let byProbe = parsedSettings.get(config);
  if (!byProbe) parsedSettings.set(config, (byProbe = new Map()));
  let parsed = byProbe.get(probe);
  if (!parsed) byProbe.set(probe, (parsed = probe.schema.safeParse(config)));
  return parsed;
}

async function invoke(probe: Probe, config: unknown, ctx: { signal: AbortSignal; timeoutMs: number; region: string }) {
  // Parsed here (once per settings object) to give the probe its defaults; the schemas have no transforms.
  const parsed = parseSettings(probe, config);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues);
    const text = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
    return { ok: false, errorKind: 'internal', message: `invalid ${probe.kind} config: ${text}` } satisfies ProbeOutcome;
  }
  return probe.run(parsed.data, ctx);
}

function internalOutcome(err: unknown): ProbeOutcome {
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, errorKind: 'internal', message: `probe crashed: ${message}` };
}
