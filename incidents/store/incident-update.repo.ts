/**
 * The writes to an incident row after its registration that the service makes (incident.repo.ts
 * registers it; detector.repo.ts has the detector's own): a lifecycle patch, a link, the stored
 * extensions, a new version. Every one runs in the caller's transaction, the row already locked.
 */
import type { Queryable } from '../../core/db.ts';
import type { IncidentRow } from './incident.repo.ts';

/**
 * Sets the given columns (names from the service's own column map, never from input) and makes a new
 * version; returns the updated row.
 */
export async function updateIncidentColumns(tx: Queryable, id: string, values: Readonly<Record<string, unknown>>): Promise<IncidentRow> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [column, v] of Object.entries(values)) {
    params.push(v);
    sets.push(`${column} = $${params.length}`);
  }
  const rows = await tx.query<IncidentRow>(
    `UPDATE incidents SET ${sets.join(', ')}, version = version + 1 WHERE id = $1 RETURNING *`,
    params,
  );
  return rows[0] as IncidentRow;
}

/** A new version of the incident with nothing else changed (e.g. one of its clocks was extended). */
export async function bumpIncidentVersion(tx: Queryable, id: string): Promise<void> {
  await tx.query('UPDATE incidents SET version = version + 1 WHERE id = $1', [id]);
}

/** Links incident `id` to incident `linkedTo` (an appeal's incident to the one it is about); a new version. */
export async function setIncidentLink(tx: Queryable, id: string, linkedTo: string): Promise<void> {
  await tx.query('UPDATE incidents SET linked_to = $2, version = version + 1 WHERE id = $1', [id, linkedTo]);
}

/** Stores the computed extensions; not a new version (they follow from facts already versioned). Returns the updated row. */
export async function writeExtensions(tx: Queryable, id: string, extensions: Record<string, unknown>): Promise<IncidentRow> {
  const rows = await tx.query<IncidentRow>('UPDATE incidents SET extensions = $2::jsonb WHERE id = $1 RETURNING *', [
    id,
    JSON.stringify(extensions),
  ]);
  return rows[0] as IncidentRow;
}

/** Stores extensions an operator changed (a recorded consequence) as a new version; returns the updated row. */
export async function writeExtensionsAsNewVersion(tx: Queryable, id: string, extensions: Record<string, unknown>): Promise<IncidentRow> {
  const rows = await tx.query<IncidentRow>('UPDATE incidents SET extensions = $2::jsonb, version = version + 1 WHERE id = $1 RETURNING *', [
    id,
    JSON.stringify(extensions),
  ]);
  return rows[0] as IncidentRow;
}
