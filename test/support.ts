/**
 * Test support: fresh namespaces per test (Redis prefix, Postgres schema, temp dirs), a polling
 * wait, and the connection settings of the real services on this machine.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { createServer } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const uniqueName = (base: string) => `${base}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export function tempDir(prefix = 'kuzet-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Deletes every Redis key under `prefix:` (BullMQ queues, streams, sets). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export async function dropPgSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** Polls `fn` until it returns a truthy value or the time is up; returns that value. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/kuzet.mjs ARGS` as a user would, with `input` on stdin and extra environment. */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const bin = new URL('../bin/kuzet.mjs', import.meta.url).pathname;
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(opts.input ?? '');
  });
}

/**
 * POSTs `bytes` bytes (`chunk` repeated; `first` replaces the first chunk) with or without a declared
 * length, stopping as soon as the answer comes: its status, body and Connection header. Rejects when
 * the connection fails before any answer.
 */
export function postOversized(
  url: string,
  o: { headers: Record<string, string>; bytes: number; declare: boolean; chunk: Buffer; first?: Buffer },
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...o.headers, ...(o.declare ? { 'content-length': String(o.bytes) } : { 'transfer-encoding': 'chunked' }) },
      },
      (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection });
          req.destroy();
        });
      },
    );
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    let sent = 0;
    const write = () => {
      while (sent < o.bytes && !answered && !req.destroyed) {
        const c = sent === 0 && o.first ? o.first : o.chunk;
        sent += c.length;
        if (!req.write(c)) return void req.once('drain', write);
      }
      if (!answered && !req.destroyed) req.end();
    };
    write();
  });
}

/** A port on 127.0.0.1 that nothing listens on: opened, then closed (for a server to start on, or a peer that refuses). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
