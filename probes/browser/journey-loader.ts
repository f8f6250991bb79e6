/**
 * Loading journey modules. A `journey:` path is relative to the config file's folder; the loader
 * learns that folder from {@link validateJourneyFiles}, which `kuzet check-config` and the start of
 * every kuzet process call after loading the config (it imports every journey module, so one that
 * does not compile or has no `defineJourney` default export refuses the config with its path).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../core/errors.ts';
import { isJourney, type Journey } from './journey.ts';

/** The one piece of process state here: where relative journey paths start (the config file's folder). */
let baseDir = process.cwd();

export function journeyBaseDir(): string {
  return baseDir;
}

export function resolveJourneyPath(path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** `portal-search.journey.ts` → `portal-search`. */
export function journeyNameOf(path: string): string {
  return basename(path).replace(/(\.journey)?\.(ts|mts|js|mjs)$/, '');
}

let tsxRegistered = false;

/**
 * Imports a journey module. The compiled kuzet (`dist/`) runs on plain Node 20, which cannot load a
 * `.ts` journey: then tsx's loader is registered once, on demand, and the import retried, so the
 * same `journey:` path works whether kuzet runs from its sources or from `dist/`.
 */
async function importJourney(url: string): Promise<{ default?: unknown }> {
  try {
    return (await import(url)) as { default?: unknown };
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || tsxRegistered || !/\.m?ts\?/.test(url)) throw err;
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
    // Node keeps the failed import under its URL: retry under another one.
    return (await import(`${url}&tsx`)) as { default?: unknown };
  }
}

/** Imports a journey module; a changed file (by mtime) is imported afresh, so a reload picks it up. */
export async function loadJourney(path: string): Promise<Journey> {
  const abs = resolveJourneyPath(path);
  let mtime: number;
  try {
    mtime = (await stat(abs)).mtimeMs;
  } catch {
    throw new Error(`journey file ${abs} does not exist`);
  }
  const url = `${pathToFileURL(abs).href}?v=${Math.trunc(mtime)}`;
  let mod: { default?: unknown };
  try {
    mod = await importJourney(url);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`journey file ${abs} does not compile or load: ${msg.split('\n').slice(0, 3).join(' ').trim()}`, { cause: err });
  }
  if (!isJourney(mod.default)) throw new Error(`journey file ${abs} has no default export made with defineJourney(…)`);
  return mod.default;
}

/** The part of a parsed kuzet config this needs (kept structural: probes do not import the config loader). */
export interface ConfigWithChecks {
  systems: Readonly<
    Record<string, { targets: ReadonlyArray<{ checks: ReadonlyArray<{ type: string; settings: Readonly<Record<string, unknown>> }> }> }>
  >;
}

/**
 * Sets the journey base folder to `configPath`'s folder and imports every journey module of every
 * browser check. Returns the problems, each with the check's path in the config (empty when all load).
 */
export async function validateJourneyFiles(config: ConfigWithChecks, configPath?: string): Promise<{ field: string; message: string }[]> {
  if (configPath !== undefined) baseDir = dirname(resolve(configPath));
  const issues: { field: string; message: string }[] = [];
  for (const [sysId, sys] of Object.entries(config.systems)) {
    for (const [ti, t] of sys.targets.entries()) {
      for (const [ci, c] of t.checks.entries()) {
        const journey = c.settings.journey;
        if (c.type !== 'browser' || typeof journey !== 'string') continue;
        try {
          await loadJourney(journey);
        } catch (err) {
          issues.push({ field: `systems.${sysId}.targets[${ti}].checks[${ci}].journey`, message: (err as Error).message });
        }
      }
    }
  }
  return issues;
}

/** {@link validateJourneyFiles} that throws a {@link ConfigError} with every problem. */
export async function assertJourneyFiles(config: ConfigWithChecks, configPath?: string): Promise<void> {
  const issues = await validateJourneyFiles(config, configPath);
  if (issues.length > 0) throw new ConfigError(issues);
}
