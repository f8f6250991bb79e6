/** Slack interaction requests taken (`slack_requests_seen`): a replay of one within its validity is refused. */
import type { Queryable } from '../core/db.ts';

/**
 * Notes a request's signature; false when it was seen already. Signatures older than `forgetBefore`
 * are dropped first: past the allowed clock skew a replay is refused as stale anyway.
 */
export async function firstSighting(db: Queryable, signature: string, at: Date, forgetBefore: Date): Promise<boolean> {
  await db.query('DELETE FROM slack_requests_seen WHERE at < $1', [forgetBefore.toISOString()]);
  const rows = await db.query<{ signature: string }>(
    'INSERT INTO slack_requests_seen (signature, at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING RETURNING signature',
    [signature, at.toISOString()],
  );
  return rows.length > 0;
}
