/**
 * Failure evidence on disk: `<artifactsDir>/<YYYY-MM-DD>/<runId>/{screenshot.png,trace.zip}` (the
 * date in Astana time), and a retention sweep that removes whole date folders past their age.
 * Screenshots and traces are MBs each; without retention a red portal fills a worker's disk.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { astanaDate, MS_PER_DAY } from '../../core/time.ts';

export interface Artifact {
  /** File name, e.g. `screenshot.png`; the API serves it as `/api/v1/runs/:id/artifacts/<name>`. */
  name: string;
  /** Absolute path. */
  path: string;
  bytes: number;
}

export const DEFAULT_RETENTION_DAYS = 14;
const DATE_DIR = /^\d{4}-\d{2}-\d{2}$/;
/** Sweeping lists one folder; once an hour per directory is plenty. */
const SWEEP_EVERY_MS = 3_600_000;
const lastSweep = new Map<string, number>();

/** Creates and returns the folder for one run's artifacts. */
export async function runArtifactsDir(artifactsDir: string, runId: string, now: Date): Promise<string> {
  const dir = join(resolve(artifactsDir), astanaDate(now), runId);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Describes files that were written; a file that is missing (a failed screenshot) is left out. */
export async function describeArtifacts(paths: readonly string[]): Promise<Artifact[]> {
  const out: Artifact[] = [];
  for (const path of paths) {
    try {
      const s = await stat(path);
      out.push({ name: path.slice(path.lastIndexOf('/') + 1), path, bytes: s.size });
    } catch {
      // not written
    }
  }
  return out;
}

/**
 * Removes date folders older than `retentionDays` (by their name, an Astana date) under
 * `artifactsDir`. Other entries are left alone. Returns the folders removed.
 */
export async function sweepArtifacts(artifactsDir: string, now: Date, retentionDays: number): Promise<string[]> {
  const root = resolve(artifactsDir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const oldestKept = astanaDate(new Date(now.getTime() - retentionDays * MS_PER_DAY));
  const removed: string[] = [];
  for (const name of names) {
    // ISO dates sort as text.
    if (!DATE_DIR.test(name) || name >= oldestKept) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** {@link sweepArtifacts}, at most once an hour per directory in this process. */
export async function sweepArtifactsThrottled(artifactsDir: string, now: Date, retentionDays: number): Promise<void> {
  const root = resolve(artifactsDir);
  const last = lastSweep.get(root);
  if (last !== undefined && now.getTime() - last < SWEEP_EVERY_MS) return;
  lastSweep.set(root, now.getTime());
  await sweepArtifacts(root, now, retentionDays);
}
