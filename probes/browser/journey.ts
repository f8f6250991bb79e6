/**
 * Journeys as code: a TypeScript module whose default export is `defineJourney(async ({ page, step }) => …)`.
 * Every `step(name, fn)` is timed and recorded; the first one that throws ends the journey, and the
 * result names it with the reason (`step "search announcements": expected text "Объявления" not found within 10 s`).
 *
 * @example
 * import { defineJourney } from '../probes/browser/journey.ts';
 * export default defineJourney(async ({ step, goto, expectText }) => {
 *   await step('open homepage', () => goto('/'));
 *   await step('notices block', () => expectText('Уведомления', '[data-testid=notices]'));
 * });
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { ErrorKind } from '../types.ts';
import { StepFailure } from './failure.ts';
import type { PageActions } from './steps.ts';

export { StepFailure };

/** What a journey function gets: the page, the step recorder and the same actions declarative steps use. */
export interface JourneyContext extends PageActions {
  page: Page;
  context: BrowserContext;
  /** `baseUrl` from the check's config, if any; relative URLs given to `goto` resolve against it. */
  baseUrl: string | undefined;
  /** `params` from the check's config (selectors, search terms); journeys fall back to their own defaults. */
  params: Readonly<Record<string, string>>;
  /** Step timeout from the config, ms; every action here waits at most this long. */
  stepTimeoutMs: number;
  /** Aborts when the run is over (timeout); long custom waits should honour it. */
  signal: AbortSignal;
  /** Runs `fn` as one named, timed step. A throw fails the step and ends the journey. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export type JourneyFn = (ctx: JourneyContext) => Promise<void>;

const JOURNEY_BRAND = 'kuzet-journey';

export interface Journey {
  readonly brand: typeof JOURNEY_BRAND;
  /** Shown in results; defaults to the module's file name. */
  readonly name: string | undefined;
  readonly run: JourneyFn;
}

/** Declares a journey module's default export. */
export function defineJourney(fn: JourneyFn): Journey;
export function defineJourney(name: string, fn: JourneyFn): Journey;
export function defineJourney(a: string | JourneyFn, b?: JourneyFn): Journey {
  const run = typeof a === 'function' ? a : b;
  if (typeof run !== 'function') throw new TypeError('defineJourney needs an async function ({ page, step }) => …');
  return Object.freeze({ brand: JOURNEY_BRAND, name: typeof a === 'string' ? a : undefined, run });
}

export function isJourney(v: unknown): v is Journey {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { brand?: unknown }).brand === JOURNEY_BRAND &&
    typeof (v as { run?: unknown }).run === 'function'
  );
}

export interface StepRecord {
  name: string;
  ms: number;
  ok: boolean;
  error?: string;
}

/** Times steps and remembers which one is running, so a journey timeout can name it. */
export class StepRecorder {
  readonly steps: StepRecord[] = [];
  current: string | undefined;
  failure: { step: string; reason: string; kind: ErrorKind } | undefined;

  constructor(private readonly classify: (err: unknown) => StepFailure) {}

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.failure) throw new StepFailure(`skipped after the failure of step "${this.failure.step}"`, this.failure.kind);
    if (this.current !== undefined) return fn(); // a step inside a step is part of the outer one
    this.current = name;
    const started = performance.now();
    try {
      const value = await fn();
      this.steps.push({ name, ms: elapsed(started), ok: true });
      return value;
    } catch (err) {
      const f = err instanceof StepFailure ? err : this.classify(err);
      this.steps.push({ name, ms: elapsed(started), ok: false, error: f.reason });
      this.failure ??= { step: name, reason: f.reason, kind: f.kind };
      throw f;
    } finally {
      this.current = undefined;
    }
  }

  /** Marks the running step (or the journey) as failed from outside, e.g. at the journey deadline. */
  failCurrent(reason: string, kind: ErrorKind, startedAt: number): void {
    const name = this.current ?? 'journey';
    if (!this.failure) {
      const spent = this.steps.reduce((s, x) => s + x.ms, 0);
      this.steps.push({ name, ms: Math.max(0, elapsed(startedAt) - spent), ok: false, error: reason });
      this.failure = { step: name, reason, kind };
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
