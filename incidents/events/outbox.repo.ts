/**
 * The outbox's rows in the database: events written in the caller's transaction, read in order,
 * marked published, and each consumer's offset (outbox.ts says why it is built this way).
 */
import type { Queryable } from '../../core/db.ts';

/** An outbox row as the database returns it (`id` as text: a bigint). */
export interface OutboxRow {
  id: string | number;
  key: string;
  type: string;
  incident_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

/** Inserts an event; a second event with the same key is dropped. */
export async function insertOutboxRow(
  tx: Queryable,
  e: { type: string; key: string; incidentId: string | null; payload: Record<string, unknown> },
): Promise<void> {
  await tx.query('INSERT INTO outbox (key, type, incident_id, payload) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (key) DO NOTHING', [
    e.key,
    e.type,
    e.incidentId,
    JSON.stringify(e.payload),
  ]);
}

/** Rows after `afterId`, in order. */
export async function outboxRowsAfter(db: Queryable, afterId: number, limit: number): Promise<OutboxRow[]> {
  return db.query<OutboxRow>(
    'SELECT id::text AS id, key, type, incident_id, payload, created_at FROM outbox WHERE id > $1 ORDER BY outbox.id LIMIT $2',
    [afterId, limit],
  );
}

/** Rows not yet published, oldest first. */
export async function unpublishedOutboxRows(db: Queryable, limit: number): Promise<OutboxRow[]> {
  return db.query<OutboxRow>(
    'SELECT id::text AS id, key, type, incident_id, payload, created_at FROM outbox WHERE published_at IS NULL ORDER BY outbox.id LIMIT $1',
    [limit],
  );
}

export async function markOutboxPublished(db: Queryable, ids: readonly number[]): Promise<void> {
  await db.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
}

/** Whether an event with `key` was ever written. */
export async function outboxHasKey(db: Queryable, key: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM outbox WHERE key = $1', [key])).length > 0;
}

/** The id of the last event consumer `name` finished; 0 before its first. */
export async function consumerOffset(db: Queryable, name: string): Promise<number> {
  const r = await db.query<{ last_id: string | number }>('SELECT last_id::text AS last_id FROM outbox_offsets WHERE consumer = $1', [name]);
  return r[0] ? Number(r[0].last_id) : 0;
}

export async function saveConsumerOffset(db: Queryable, name: string, lastId: number): Promise<void> {
  await db.query(
    'INSERT INTO outbox_offsets (consumer, last_id) VALUES ($1, $2) ON CONFLICT (consumer) DO UPDATE SET last_id = EXCLUDED.last_id',
    [name, lastId],
  );
}
