/**
 * An incident's SLA clocks as operators change them: a duty marked done, and an extension of a due
 * time (clock-extension.ts). The clocks' upsert and view live with the incident in incident.repo.ts.
 */
import type { Queryable } from '../../core/db.ts';

/** Marks running clock `timer` of incident `incidentId` met at `at`; false when there is no such running clock. */
export async function markClockMet(tx: Queryable, incidentId: string, timer: string, at: number): Promise<boolean> {
  const rows = await tx.query<{ timer: string }>(
    'UPDATE incident_clocks SET met_at = $3 WHERE incident_id = $1 AND timer = $2 AND met_at IS NULL RETURNING timer',
    [incidentId, timer, new Date(at).toISOString()],
  );
  return rows.length > 0;
}

/** Clock `timer` of incident `incidentId`, locked for update; undefined when there is none. `E`: what its `extension` holds. */
export async function lockClock<E>(
  tx: Queryable,
  incidentId: string,
  timer: string,
): Promise<{ due_at: Date | null; met_at: Date | null; extension: E | null } | undefined> {
  const rows = await tx.query<{ due_at: Date | null; met_at: Date | null; extension: E | null }>(
    'SELECT due_at, met_at, extension FROM incident_clocks WHERE incident_id = $1 AND timer = $2 FOR UPDATE',
    [incidentId, timer],
  );
  return rows[0];
}

/** Moves the clock's due time to `dueAt` and stores `extension`; its warning and breach are cleared (the old due time no longer stands). */
export async function setClockExtension(
  tx: Queryable,
  incidentId: string,
  timer: string,
  dueAt: number,
  extension: unknown,
): Promise<void> {
  await tx.query(
    'UPDATE incident_clocks SET due_at = $3, extension = $4::jsonb, warned_at = NULL, breached_at = NULL WHERE incident_id = $1 AND timer = $2',
    [incidentId, timer, new Date(dueAt).toISOString(), JSON.stringify(extension)],
  );
}
