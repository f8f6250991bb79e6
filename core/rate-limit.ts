/**
 * A fixed-window counter per key kept in the database (table `rate_limits`), so that a limit holds
 * across every kuzet process behind a load balancer and across restarts. One statement per take:
 * concurrent takes of one key serialise on its row.
 */
import type { Queryable } from './db.ts';
import { KuzetError } from './errors.ts';

/** A 429: the API sends `Retry-After` with it. */
export class RateLimitedError extends KuzetError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message, { status: 429 });
  }
}

/** Counts one hit on `key`; answers whether it is within `max` per `windowMs`, and when the window resets. */
export async function takeLimit(db: Queryable, key: string, max: number, windowMs: number, now: Date): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const reset = new Date(now.getTime() + windowMs).toISOString();
  const row = (
    await db.query<{ n: number; reset_at: Date | string }>(
      `INSERT INTO rate_limits (key, n, reset_at) VALUES ($1, 1, $3)
       ON CONFLICT (key) DO UPDATE SET
         n = CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.n + 1 END,
         reset_at = CASE WHEN rate_limits.reset_at <= $2 THEN $3 ELSE rate_limits.reset_at END
       RETURNING n, reset_at`,
      [key, now.toISOString(), reset],
    )
  )[0]!;
  const resetMs = new Date(row.reset_at).getTime();
  return { allowed: Number(row.n) <= max, retryAfterSeconds: Math.max(1, Math.ceil((resetMs - now.getTime()) / 1000)) };
}

/** Drops counters whose window has passed (called now and then; a stale row is harmless, only space). */
export async function pruneLimits(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE reset_at <= $1', [now.toISOString()]);
}
