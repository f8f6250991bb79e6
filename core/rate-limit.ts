/**
 * A fixed-window counter per key kept in the database (table `rate_limits`), so that a limit holds
 * across every kuzet process behind a load balancer and across restarts. One statement per take:
 * concurrent takes of one key serialise on its row.
 */
import type { Queryable } from './db.ts';
import { KuzetError } from './errors.ts';
import { countHit, deleteExpiredLimits } from './rate-limit.repo.ts';

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
export async function takeLimit(
  db: Queryable,
  key: string,
  max: number,
  windowMs: number,
  now: Date,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const row = await countHit(db, key, now, new Date(now.getTime() + windowMs));
  const resetMs = new Date(row.reset_at).getTime();
  return { allowed: Number(row.n) <= max, retryAfterSeconds: Math.max(1, Math.ceil((resetMs - now.getTime()) / 1000)) };
}

/** Drops counters whose window has passed (called now and then; a stale row is harmless, only space). */
export async function pruneLimits(db: Queryable, now: Date): Promise<void> {
  await deleteExpiredLimits(db, now);
}
