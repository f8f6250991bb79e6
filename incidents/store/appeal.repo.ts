/**
 * Appeals in the database: registering one, the lock that serialises a flood's first appeals, the
 * incident an appeal attaches to, the attached appeals' clock facts, linking, and the texts the
 * extension rules read (appeal-attach.ts says why appeals attach).
 */
import type { Queryable } from '../../core/db.ts';
import type { IncidentRow } from './incident.repo.ts';

const OPEN_STATES = ['registered', 'analysing', 'confirmed'];

export interface NewAppeal {
  incidentId: string;
  organisation: string;
  binIin: string;
  email: string;
  phone: string;
  description: string;
  detectedAt: number;
  receivedAt: number;
  ip: string | null;
  uploadTokenHash: string;
  channel: string;
}

/** Inserts an appeal of incident `a.incidentId`; returns its id (as text). */
export async function insertAppeal(tx: Queryable, a: NewAppeal): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO appeals (incident_id, organisation, bin_iin, email, phone, description, detected_at, received_at, ip, upload_token_hash, channel)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id::text AS id`,
    [
      a.incidentId,
      a.organisation,
      a.binIin,
      a.email,
      a.phone,
      a.description,
      new Date(a.detectedAt).toISOString(),
      new Date(a.receivedAt).toISOString(),
      a.ip,
      a.uploadTokenHash,
      a.channel,
    ],
  );
  return rows[0]?.id as string;
}

/**
 * Serialises the appeals about one system and module (until the transaction ends), so that of two
 * concurrent first appeals one opens the incident and the other finds it.
 */
export async function lockAppealScope(tx: Queryable, system: string, module: string | null): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kuzet.appeal:${system}/${module ?? ''}`]);
}

/** The incident an appeal about `system`/`module` attaches to at `now`, locked for update; or none. */
export async function attachableIncident(
  tx: Queryable,
  system: string,
  module: string | null,
  now: number,
  windowMs: number,
): Promise<IncidentRow | undefined> {
  const rows = await tx.query<IncidentRow>(
    `SELECT * FROM incidents WHERE system = $1 AND module IS NOT DISTINCT FROM $2
       AND (state = ANY($3::text[]) OR (state IN ('resolved', 'closed') AND coalesce(resolved_at, closed_at) >= $4))
     ORDER BY registered_at DESC LIMIT 1 FOR UPDATE`,
    [system, module, OPEN_STATES, new Date(now - windowMs).toISOString()],
  );
  return rows[0];
}

/** An appeal as its clocks need it (`channel` absent in rows from before intake channels: the web form). */
export interface AppealClockRow {
  id: string;
  received_at: Date | string;
  detected_at: Date | string;
  channel?: string | null;
}

/**
 * The appeals attached to `inc` (every appeal of a monitoring incident; all but the first of an
 * appeal's incident, whose clocks are the incident's own).
 */
export async function attachedAppeals(tx: Queryable, inc: IncidentRow): Promise<AppealClockRow[]> {
  return tx.query(
    `SELECT id::text AS id, received_at, detected_at, channel FROM appeals WHERE incident_id = $1
       AND ($2 <> 'appeal' OR id > (SELECT min(id) FROM appeals WHERE incident_id = $1)) ORDER BY id`,
    [inc.id, inc.source],
  );
}

/** Appeal `appealId`'s incident and the incident it is linked to, locked for update; undefined when there is no such appeal. */
export async function lockAppeal(
  tx: Queryable,
  appealId: string,
): Promise<{ incident_id: string; linked_incident_id: string | null } | undefined> {
  return (
    await tx.query<{ incident_id: string; linked_incident_id: string | null }>(
      'SELECT incident_id, linked_incident_id FROM appeals WHERE id = $1 FOR UPDATE',
      [appealId],
    )
  )[0];
}

export async function setAppealLink(tx: Queryable, appealId: string, incidentId: string): Promise<void> {
  await tx.query('UPDATE appeals SET linked_incident_id = $2 WHERE id = $1', [appealId, incidentId]);
}

/** The descriptions of the appeals of incident `incidentId`: its own, attached ones and those linked to it. */
export async function appealDescriptions(tx: Queryable, incidentId: string): Promise<string[]> {
  const rows = await tx.query<{ description: string }>(
    'SELECT description FROM appeals WHERE incident_id = $1 OR linked_incident_id = $1',
    [incidentId],
  );
  return rows.map((r) => r.description);
}
