/**
 * Redis connections. BullMQ workers need `maxRetriesPerRequest: null`; ioredis reconnects by itself
 * with the backoff below, so a Redis outage is waited out, never a crash loop.
 */
import { Redis } from 'ioredis';
import type { Logger } from './log.ts';

export function redisConnection(url: string, opts: { lazy?: boolean } = {}): Redis {
  const conn = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: opts.lazy ?? false,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 10_000),
  });
  // Errors are reported through readiness and the start-up message; an unhandled 'error' event would crash.
  conn.on('error', () => undefined);
  return conn;
}

/** Hides the password of a Redis or Postgres URL before it is shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Waits until Redis answers PING, logging a message that names REDIS_URL after each failed try,
 * with exponential backoff (0.5 s doubling to 10 s). Resolves when connected, or when `signal` aborts.
 */
export async function waitForRedis(conn: Redis, url: string, log: Logger, signal?: AbortSignal): Promise<boolean> {
  let delay = 500;
  for (;;) {
    if (signal?.aborted) return false;
    try {
      await withTimeout(conn.ping(), 2_000);
      return true;
    } catch (e) {
      log.warn(`Redis at REDIS_URL=${redactUrl(url)} is unreachable (${(e as Error).message}); retrying in ${delay / 1000} s`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
