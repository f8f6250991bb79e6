/**
 * One process at a time on a PGlite data directory (issue #21 item 8). PGlite is Postgres in WASM
 * without the postmaster's own lock, so a second process on the same directory would corrupt it or
 * hang. `kuzet.lock` in the directory names the holder's PID; a second process fails at once with
 * "in use by PID …". A lock left by a process that is gone (killed with -9, a crash) is taken over.
 *
 * Within one process the lock is counted, not refused: a process that opens its own store twice
 * (a command after the runtime, a test) is one writer as far as other processes are concerned.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KuzetError } from './errors.ts';
import { formatAstana } from './time.ts';

export const LOCK_FILE = 'kuzet.lock';

/** The directory is held by another live process. */
export class DataDirInUseError extends KuzetError {
  constructor(
    readonly dir: string,
    readonly pid: number,
    holder: string,
  ) {
    super(
      'unavailable',
      `the PGlite data directory ${dir} is in use by PID ${pid}${holder}; PGlite is one process at a time: stop that process ` +
        `(or, while it runs, use its API), then try again. If PID ${pid} is not kuzet, delete ${join(dir, LOCK_FILE)}`,
    );
  }
}

interface Holder {
  pid: number;
  command?: string;
  since?: string;
}

/** Locks held by this process: directory → count. */
const held = new Map<string, number>();
let exitHooked = false;

function readHolder(file: string): Holder | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return Number.isInteger(v.pid) && v.pid > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a running process (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeLock(file: string, now: Date): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    const command = process.argv.slice(1).join(' ');
    writeSync(fd, `${JSON.stringify({ pid: process.pid, command, since: formatAstana(now) })}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function removeOwnLock(file: string): void {
  if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
}

/**
 * Takes the lock of PGlite directory `dataDir` for this process; throws {@link DataDirInUseError}
 * when another live process holds it. Returns the release (idempotent), which `db.close()` calls.
 */
export function lockPgliteDir(dataDir: string, now: Date = new Date()): () => void {
  const dir = resolve(dataDir);
  const file = join(dir, LOCK_FILE);
  const mine = held.get(dir);
  if (mine === undefined) {
    mkdirSync(dir, { recursive: true });
    for (let attempt = 0; !writeLock(file, now); attempt++) {
      const h = readHolder(file);
      if (h && h.pid !== process.pid && alive(h.pid)) {
        const what = [h.command ? `: ${h.command}` : '', h.since ? `, since ${h.since}` : ''].join('');
        throw new DataDirInUseError(dir, h.pid, what ? ` (${what.replace(/^: /, '')})` : '');
      }
      // Stale (its process is gone), unreadable, or ours from before: replace it, once.
      if (attempt > 0) throw new KuzetError('unavailable', `cannot take the lock ${file}: it keeps reappearing`);
      rmSync(file, { force: true });
    }
    if (!exitHooked) process.once('exit', exitHandler);
    exitHooked = true;
  }
  held.set(dir, (mine ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (held.get(dir) ?? 1) - 1;
    if (n > 0) return void held.set(dir, n);
    held.delete(dir);
    removeOwnLock(file);
  };
}

/** At exit (a crash, `process.exit`), this process's locks go with it. */
function exitHandler(): void {
  for (const dir of held.keys()) removeOwnLock(join(dir, LOCK_FILE));
  held.clear();
  exitHooked = false;
}

/** Runs `open` under the directory's lock; the returned store releases it when closed (or at once if `open` fails). */
export async function withPgliteLock<T extends { close(): Promise<void> }>(
  dataDir: string,
  open: (dataDir: string) => Promise<T>,
): Promise<T> {
  if (dataDir.startsWith('memory://')) return open(dataDir);
  const release = lockPgliteDir(dataDir);
  let store: T;
  try {
    store = await open(dataDir);
  } catch (e) {
    release();
    throw e;
  }
  const close = store.close.bind(store);
  return Object.assign(store, { close: () => close().finally(release) });
}
