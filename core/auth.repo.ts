/** API tokens in the database (`api_tokens`): stored by their SHA-256 only. */
import type { Queryable } from './db.ts';

/** Stores a token's hash; a hash stored already is left as it is. */
export async function insertToken(tx: Queryable, t: { id: string; tokenHash: string; role: string; name: string | null }): Promise<void> {
  await tx.query('INSERT INTO api_tokens (id, token_hash, role, name) VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING', [
    t.id,
    t.tokenHash,
    t.role,
    t.name,
  ]);
}

/** The token with this hash, unless revoked. */
export async function findActiveToken(
  db: Queryable,
  tokenHash: string,
): Promise<{ id: string; role: string; name: string | null } | undefined> {
  const rows = await db.query<{ id: string; role: string; name: string | null }>(
    'SELECT id, role, name FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [tokenHash],
  );
  return rows[0];
}
