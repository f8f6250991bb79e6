/** The request counters of core/rate-limit.ts in the database (`rate_limits`). */
import type { Queryable } from './db.ts';

/** Counts one hit on `key` in its window (a new window when the old one has passed); returns the count and when the window resets. */
export async function countHit(db: Queryable, key: string, now: Date, reset: Date): Promise<{ n: number; reset_at: Date | string }> {
  return (
    await db.query<{ n: number; reset_at: Date | string }>(
      `INSERT INTO rate_limits (key, n, reset_at) VALUES ($1, 1, $3)
       ON CONFLICT (key) DO UPDATE SET
         n = CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.n + 1 END,
         reset_at = CASE WHEN rate_limits.reset_at <= $2 THEN $3 ELSE rate_limits.reset_at END
       RETURNING n, reset_at`,
      [key, now.toISOString(), reset.toISOString()],
    )
  )[0]!;
}

/** Drops counters whose window has passed. */
export async function deleteExpiredLimits(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE reset_at <= $1', [now.toISOString()]);
}
