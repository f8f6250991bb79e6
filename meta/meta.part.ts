/** Meta-monitoring as a part of a running kuzet: its routes (mounted at once) and its watcher (started once Redis is reached). */
import { redactUrl } from '../core/redis.ts';
import type { ApiExtension } from '../api/index.ts';
import { newMetaState, type MetaDeps, type MetaState } from './deps.ts';
import { metaRoutes } from './meta.routes.ts';
import { MetaWatcher, QuietWarnings } from './watcher.ts';

export interface MetaOptions {
  /** How often silence is evaluated (default: a third of the shortest check interval, 1–5 s). */
  evaluateEveryMs?: number;
}

/** A part's stop. */
export interface Stoppable {
  close(): Promise<void>;
}

/** Evaluates now and then every `everyMs()` until stopped; `stop` waits for a running evaluation. */
function evaluationLoop(watcher: MetaWatcher, warnings: QuietWarnings, everyMs: () => number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    running = watcher
      .evaluate()
      .catch((e: unknown) => warnings.warn('evaluating silence', e))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, everyMs()).unref();
      });
  };
  timer = setTimeout(loop, 0);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The dead-man's switch: an outside service expects this GET every `everySeconds` and alarms when it stops. */
function deadMansSwitch(d: Pick<MetaDeps, 'config' | 'readiness'>, warnings: QuietWarnings): NodeJS.Timeout | undefined {
  const dms = d.config().meta?.deadMansSwitch;
  if (!dms) return undefined;
  const ping = async () => {
    const missing = await d.readiness();
    if (missing.length > 0) return; // kuzet is up but blind: let the outside service notice
    try {
      const res = await fetch(dms.url, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      warnings.recovered("the dead-man's switch");
    } catch (e) {
      warnings.warn("the dead-man's switch", new Error(`${redactUrl(dms.url).replace(/\?.*$/, '?…')}: ${(e as Error).message}`));
    }
  };
  void ping().catch(() => undefined);
  const timer = setInterval(() => void ping().catch(() => undefined), dms.everySeconds * 1000);
  timer.unref();
  return timer;
}

/** Starts the watcher over `state` (shared with the routes). */
export async function startWatcher(d: MetaDeps, state: MetaState, opts: MetaOptions = {}): Promise<Stoppable> {
  state.startedAt = Date.now();
  const warnings = new QuietWarnings(d, state);
  const watcher = new MetaWatcher(d, state, warnings);
  const redis = d.redis();
  if (redis) await watcher.attach(redis);
  const everyMs = () => {
    if (opts.evaluateEveryMs) return opts.evaluateEveryMs;
    const shortest = Math.min(5_000, ...(state.report?.regions ?? []).map((r) => r.intervalMs / 3));
    return Math.max(1_000, shortest);
  };
  const loop = evaluationLoop(watcher, warnings, everyMs);
  const dmsTimer = deadMansSwitch(d, warnings);
  return {
    async close() {
      if (dmsTimer) clearInterval(dmsTimer);
      await loop.stop();
      await watcher.queues.close();
    },
  };
}

/**
 * Meta-monitoring for one running kuzet: `extension` mounts its routes (and registers its metrics at
 * 0) before the API listens; `start` runs the watcher once Redis is reached.
 */
export function createMetaPart(d: MetaDeps, opts: MetaOptions = {}): { extension: ApiExtension; start(): Promise<Stoppable> } {
  const state = newMetaState(Date.now());
  return { extension: metaRoutes(d, state), start: () => startWatcher(d, state, opts) };
}
