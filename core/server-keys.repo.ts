/** Named random keys kept in the database (`server_keys`), shared by every kuzet process. */
import type { Queryable } from './db.ts';

/** Stores `key` under `name` unless one is there, then reads the one that is (two processes racing both read the winner's). */
export async function storeOrReadKey(db: Queryable, name: string, key: string): Promise<string | undefined> {
  await db.query('INSERT INTO server_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, key]);
  return (await db.query<{ key: string }>('SELECT key FROM server_keys WHERE name = $1', [name]))[0]?.key;
}
