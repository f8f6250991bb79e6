/**
 * Check kind `browser`: a journey through real pages in the system Chromium, as a supplier walks
 * the portal. Either declarative `steps` in kuzet.yaml or a TypeScript `journey` module.
 *
 * One browser per process (probes/browser/pool.ts), a fresh context per run. The runner owns the
 * timeout; the journey itself stops a little earlier so the failing step can still be photographed
 * and its trace saved before the runner's signal closes the context.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { roundMs } from './classify.ts';
import { describeArtifacts, runArtifactsDir, sweepArtifactsThrottled, type Artifact } from './browser/artifacts.ts';
import { EvidenceCollector, readVitals, type FailedRequest, type WebVitals } from './browser/evidence.ts';
import { raceAbort, settleAfterAbort } from './abort.ts';
import { classifyStepError, firstLine, formatSeconds } from './browser/failure.ts';
import { StepRecorder, type JourneyContext, type JourneyFn, type StepRecord } from './browser/journey.ts';
import { journeyNameOf, loadJourney } from './browser/journey-loader.ts';
import { browserPool, BrowserUnavailableError, type ContextLease } from './browser/pool.ts';
import { durationInput, durationMs, pageActions, runStep, stepName, stepSchema } from './browser/steps.ts';
import type { ErrorKind, Probe, ProbeContext, ProbeOutcome } from './types.ts';

export const BROWSER_LOCALES = ['ru-KZ', 'kk-KZ'] as const;
/** Wall clock of the monitored users: the portal renders dates in Astana time. */
export const BROWSER_TIMEZONE = 'Asia/Almaty';

export const browserSchema = z
  .strictObject({
    /** A TypeScript journey module (`export default defineJourney(…)`), relative to the config file's folder or absolute. */
    journey: z
      .string()
      .regex(/\.(ts|mts|js|mjs)$/, 'a .ts, .mts, .js or .mjs module')
      .optional(),
    /** Declarative steps, run in order; the first failure ends the journey. */
    steps: z.array(stepSchema).min(1).max(100).optional(),
    /** Journey name in results (default: the module's file name, or the check's steps). */
    name: z.string().min(1).max(120).optional(),
    /**
     * Values a journey module reads as `params` (selectors, search terms), so an operator can adjust
     * a portal's selectors in kuzet.yaml without a release.
     */
    params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a parameter name: letters, digits and _'), z.string()).optional(),
    /** Relative `goto` URLs resolve against it. */
    baseUrl: z.url().optional(),
    locale: z.enum(BROWSER_LOCALES).default('ru-KZ'),
    /**
     * A Chromium binary, or `system` / `npm` for that source only. Default: the system Chromium, else
     * `chromium-headless-shell`, else the one of the optional npm package (probes/browser/executable.ts).
     */
    executablePath: z.string().min(1).optional(),
    /** How long each step waits for what it expects (seconds or "10s"). */
    stepTimeout: durationInput.default(10),
    viewport: z.strictObject({ width: z.number().int().min(320).max(3840), height: z.number().int().min(240).max(2160) }).optional(),
    /** Screenshots and traces of failed runs go to `<artifactsDir>/<date>/<runId>/`; relative to the working directory. */
    artifactsDir: z.string().min(1).default('./artifacts'),
    /** Date folders older than this are removed. */
    artifactsRetentionDays: z.number().int().min(1).max(365).default(14),
  })
  .superRefine((c, ctx) => {
    if ((c.journey === undefined) === (c.steps === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: c.journey === undefined ? ['steps'] : ['journey'],
        message: 'give either journey (a module) or steps, not both',
      });
    }
    for (const [i, s] of (c.steps ?? []).entries()) {
      if (s.action === 'goto' && c.baseUrl === undefined && !/^[a-z][a-z0-9+.-]*:/i.test(s.url)) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'url'], message: 'a relative URL needs baseUrl' });
      }
    }
  });
export type BrowserConfig = z.output<typeof browserSchema>;

const stepRecord = z.object({
  name: z.string(),
  ms: z.number(),
  ok: z.boolean(),
  error: z.string().optional(),
}) satisfies z.ZodType<StepRecord>;
const webVitals = z.object({
  lcp: z.number().nullable(),
  cls: z.number().nullable(),
  ttfb: z.number().nullable(),
}) satisfies z.ZodType<WebVitals>;
const failedRequest = z.object({
  url: z.string(),
  method: z.string(),
  status: z.number().int().optional(),
  error: z.string().optional(),
}) satisfies z.ZodType<FailedRequest>;
const artifact = z.object({ name: z.string(), path: z.string(), bytes: z.number().int() }) satisfies z.ZodType<Artifact>;

/** What a browser run stores in `observations`: the journey's steps, its vitals and the evidence of a failure. */
export const browserObservation = z.object({
  journey: z.string(),
  runId: z.string(),
  steps: z.array(stepRecord),
  totalMs: z.number(),
  vitals: webVitals,
  consoleErrors: z.array(z.string()),
  failedRequests: z.array(failedRequest),
  /** Screenshot and trace of a failed run; empty when it passed. */
  artifacts: z.array(artifact),
});
export type JourneyObservations = z.output<typeof browserObservation>;
export type BrowserObservation = JourneyObservations;

/** Time kept back from the check's timeout to save a screenshot and a trace of a journey that ran out of time. */
export function evidenceReserveMs(timeoutMs: number): number {
  return Math.min(3_000, Math.floor(timeoutMs / 4));
}

const SCREENSHOT_TIMEOUT_MS = 1_500;
const TRACE_TIMEOUT_MS = 5_000;
/**
 * After the runner's signal aborts, how long a journey may take to wind down (its context is being
 * closed, so its steps fail fast) before the probe settles without it. Playwright's `newPage` on a
 * context that closes under it never settles (measured: an abort 20–80 ms into a run hung 6 of 6).
 */
const ABORT_GRACE_MS = 2_000;

export const browserProbe: Probe<typeof browserSchema, JourneyObservations> = {
  kind: 'browser',
  schema: browserSchema,
  observation: browserObservation,
  defaultTimeoutMs: 60_000,
  async run(config, ctx) {
    const startedAt = performance.now();
    const at = new Date();
    const obs: JourneyObservations = {
      journey: config.name ?? (config.journey ? journeyNameOf(config.journey) : 'steps'),
      runId: randomUUID(),
      steps: [],
      totalMs: 0,
      vitals: { lcp: null, cls: null, ttfb: null },
      consoleErrors: [],
      failedRequests: [],
      artifacts: [],
    };
    const fail = (errorKind: ErrorKind, message: string): ProbeOutcome<JourneyObservations> => ({
      ok: false,
      errorKind,
      message,
      observations: obs,
    });

    let journey: JourneyFn;
    if (config.journey !== undefined) {
      try {
        const mod = await loadJourney(config.journey);
        if (config.name === undefined && mod.name) obs.journey = mod.name;
        journey = mod.run;
      } catch (err) {
        return fail('internal', firstLine(err));
      }
    } else {
      const steps = config.steps ?? [];
      journey = async (j) => {
        for (const s of steps) await j.step(stepName(s), () => runStep(j, s));
      };
    }

    let lease: ContextLease;
    try {
      lease = await browserPool().lease(config.executablePath, contextOptions(config), ctx.signal);
    } catch (err) {
      if (ctx.signal.aborted) return fail('timeout', 'the check timed out before a browser context was ready');
      if (err instanceof BrowserUnavailableError) return fail('internal', err.message);
      return fail('internal', `browser: ${firstLine(err)}`);
    }
    const closeOnAbort = () => void lease.release();
    ctx.signal.addEventListener('abort', closeOnAbort, { once: true });
    try {
      const walking = walk(journey, lease.context, config, ctx, obs, startedAt, at);
      return await settleAfterAbort(walking, ctx.signal, ABORT_GRACE_MS, () => fail('timeout', 'the check timed out'));
    } catch (err) {
      return fail(ctx.signal.aborted ? 'timeout' : 'internal', ctx.signal.aborted ? 'the check timed out' : `browser: ${firstLine(err)}`);
    } finally {
      ctx.signal.removeEventListener('abort', closeOnAbort);
      await lease.release();
    }
  },
};

function contextOptions(config: BrowserConfig) {
  return {
    locale: config.locale,
    timezoneId: BROWSER_TIMEZONE,
    ...(config.viewport ? { viewport: config.viewport } : {}),
  };
}

async function walk(
  journey: JourneyFn,
  context: BrowserContext,
  config: BrowserConfig,
  ctx: ProbeContext,
  obs: JourneyObservations,
  startedAt: number,
  at: Date,
): Promise<ProbeOutcome<JourneyObservations>> {
  const evidence = new EvidenceCollector();
  // Setup waits on Chromium; an abort here (the context closing under it) must not leave it waiting.
  await raceAbort(evidence.attach(context), ctx.signal);
  // DOM snapshots per action, no screencast: the screencast encodes frames for the whole run, ~1/5 of a
  // run in a reused browser (#19 goal 4); a failure still gets its own full-page screenshot.png.
  await raceAbort(context.tracing.start({ screenshots: false, snapshots: true }), ctx.signal);
  const page = await raceAbort(context.newPage(), ctx.signal);
  const stepTimeoutMs = durationMs(config.stepTimeout);
  const actions = pageActions(page, { baseUrl: config.baseUrl, stepTimeoutMs });
  const recorder = new StepRecorder((err) => classifyStepError(err, ctx.signal));
  const jctx: JourneyContext = {
    ...actions,
    get lastStatus() {
      return actions.lastStatus;
    },
    page,
    context,
    baseUrl: config.baseUrl,
    params: Object.freeze({ ...config.params }),
    stepTimeoutMs,
    signal: ctx.signal,
    step: (name, fn) => recorder.step(name, fn),
  };

  const budgetMs = Math.max(1, ctx.timeoutMs - evidenceReserveMs(ctx.timeoutMs));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), budgetMs);
  });
  const running = journey(jctx).then(
    () => 'done' as const,
    (err: unknown) => {
      // A throw outside any step (journey code between steps) still fails the journey by name.
      if (!recorder.failure) {
        const f = classifyStepError(err, ctx.signal);
        recorder.failCurrent(f.reason, f.kind, startedAt);
      }
      return 'failed' as const;
    },
  );
  const end = await Promise.race([running, deadline]).finally(() => clearTimeout(timer));
  if (end === 'deadline') recorder.failCurrent(`journey timed out after ${formatSeconds(budgetMs)}`, 'timeout', startedAt);

  obs.steps = [...recorder.steps]; // a step cut off by the deadline may still record itself later
  obs.totalMs = roundMs(performance.now() - startedAt);
  obs.consoleErrors = [...evidence.consoleErrors];
  obs.failedRequests = [...evidence.failedRequests];

  const failure = recorder.failure;
  // The screenshot first: at the deadline the reserve is short, and a page mid-navigation answers no script.
  if (failure && !ctx.signal.aborted) obs.artifacts = await saveArtifacts(page, context, config, obs.runId, at, end === 'deadline');
  if (end !== 'deadline') obs.vitals = await readVitals(page, 1_000);
  if (!failure) {
    await within(context.tracing.stop(), TRACE_TIMEOUT_MS);
    return {
      ok: true,
      message: `journey "${obs.journey}": ${obs.steps.length} steps in ${Math.round(obs.totalMs)} ms`,
      latencyMs: obs.totalMs,
      observations: obs,
    };
  }
  return {
    ok: false,
    errorKind: failure.kind,
    message: `step "${failure.step}": ${failure.reason}`,
    latencyMs: obs.totalMs,
    observations: obs,
  };
}

async function saveArtifacts(
  page: Page,
  context: BrowserContext,
  config: BrowserConfig,
  runId: string,
  at: Date,
  midStep: boolean,
): Promise<Artifact[]> {
  try {
    const dir = await runArtifactsDir(config.artifactsDir, runId, at);
    const shot = join(dir, 'screenshot.png');
    const trace = join(dir, 'trace.zip');
    await screenshot(page, context, shot, midStep);
    await within(context.tracing.stop({ path: trace }), TRACE_TIMEOUT_MS);
    await sweepArtifactsThrottled(config.artifactsDir, at, config.artifactsRetentionDays).catch(() => undefined);
    return await describeArtifacts([shot, trace]);
  } catch {
    return []; // evidence is best effort: the verdict stands without it
  }
}

/**
 * A full-page screenshot of a settled page; when a step was cut off mid-navigation Playwright's
 * screenshot waits for the navigation, so the viewport is captured straight through CDP instead.
 */
async function screenshot(page: Page, context: BrowserContext, path: string, midStep: boolean): Promise<void> {
  if (page.isClosed()) return;
  if (!midStep) {
    const ok = await page.screenshot({ path, fullPage: true, timeout: SCREENSHOT_TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
    if (ok) return;
  }
  const capture = (async () => {
    const cdp = await context.newCDPSession(page);
    const { data } = (await cdp.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    await writeFile(path, Buffer.from(data, 'base64'));
  })();
  await within(capture, SCREENSHOT_TIMEOUT_MS);
}

/** Waits for `p` at most `ms`; a rejection or a late answer counts as nothing. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
