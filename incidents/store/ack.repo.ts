/** Acknowledgements of incident alerts (`incident_acks`): every statement of incidents/store/acknowledge.ts. */
import type { Queryable } from '../../core/db.ts';

export interface AckRow {
  incident_id: string;
  acked_at: Date;
  actor: string;
  actor_name: string | null;
  via: string;
  ip: string | null;
  note: string | null;
}

export async function getAck(db: Queryable, incidentId: string): Promise<AckRow | undefined> {
  const rows = await db.query<AckRow>('SELECT * FROM incident_acks WHERE incident_id = $1', [incidentId]);
  return rows[0];
}

/** Stores the acknowledgement unless the incident has one; returns the stored one (the first wins). */
export async function insertAck(
  tx: Queryable,
  a: { incidentId: string; at: number; actor: string; actorName: string | null; via: string; ip: string | null; note: string | null },
): Promise<{ row: AckRow; fresh: boolean }> {
  const rows = await tx.query<AckRow>(
    'INSERT INTO incident_acks (incident_id, acked_at, actor, actor_name, via, ip, note) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (incident_id) DO NOTHING RETURNING *',
    [a.incidentId, new Date(a.at).toISOString(), a.actor, a.actorName, a.via, a.ip, a.note],
  );
  if (rows[0]) return { row: rows[0], fresh: true };
  return { row: (await getAck(tx, a.incidentId)) as AckRow, fresh: false };
}

/** The acknowledgements of the given incidents, by incident id. */
export async function acksOf(db: Queryable, incidentIds: readonly string[]): Promise<Map<string, AckRow>> {
  if (incidentIds.length === 0) return new Map();
  const rows = await db.query<AckRow>('SELECT * FROM incident_acks WHERE incident_id = ANY($1::text[])', [incidentIds]);
  return new Map(rows.map((r) => [r.incident_id, r]));
}
