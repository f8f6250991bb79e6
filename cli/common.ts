/**
 * Helpers every command definition may use. This file is loaded on every `kuzet` start, so it imports
 * only what costs nothing (node built-ins, core/errors.ts); the configuration loader is cli/config.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../core/errors.ts';

export const DEFAULT_CONFIG = 'kuzet.yaml';

/** `-c FILE` made absolute, else ./kuzet.yaml when present, else none (the embedded default). */
export function configPathOf(opt: string | undefined): string | undefined {
  if (opt) return resolve(opt);
  return existsSync(DEFAULT_CONFIG) ? resolve(DEFAULT_CONFIG) : undefined;
}

export function printJson(v: unknown) {
  process.stdout.write(`${JSON.stringify(v)}\n`);
}

export function portOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InputError('a port number from 0 to 65535', 'port');
  return n;
}

export function timeoutOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 60_000) throw new InputError('milliseconds from 1 to 60000', 'timeout');
  return n;
}

/** How long a stop may take before the process exits anyway (a stuck close must not leave `npx` waiting). */
const STOP_DEADLINE_MS = 30_000;

/**
 * Keeps a long-running command alive until SIGINT/SIGTERM; SIGHUP reloads the config. Started by
 * `npx` (npm exec), it also stops when its parent goes away: npm runs a command through a shell, and
 * a SIGTERM sent to npm kills that shell and leaves this process orphaned (issue #21 item 8); the
 * repository's .npmrc (`script-shell=bash`, which execs the command) lets npm forward signals directly.
 */
export function runUntilSignal(close: () => Promise<void>, reload: () => unknown): Promise<void> {
  return new Promise((done) => {
    let closing = false;
    const stop = async () => {
      if (closing) return;
      closing = true;
      const deadline = setTimeout(() => {
        process.stderr.write(`error: still stopping after ${STOP_DEADLINE_MS / 1000} s; exiting\n`);
        process.exit(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      await close();
      done();
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    process.on('SIGHUP', () => void reload());
    if (process.env.npm_command === 'exec') {
      const parent = process.ppid;
      setInterval(() => process.ppid !== parent && void stop(), 1000).unref();
    }
  });
}

/** Reads and parses a JSON input file (`-` for stdin); a problem is bad input naming `input`. */
export function readJsonInput(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, 'input');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, 'input');
  }
}
