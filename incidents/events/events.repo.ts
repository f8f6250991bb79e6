/**
 * What the SLA ticker and the daily digest read and write: the clocks that are due a warning or a
 * breach, the open clocks per timer, and the day's incidents and failed results.
 */
import type { Queryable } from '../../core/db.ts';

/** A running clock that is due a warning or a breach. */
export interface DueClockRow {
  incident_id: string;
  timer: string;
  due_at: Date;
  warned_at: Date | null;
  breached_at: Date | null;
}

/** Running, non-informational clocks of incidents not closed that are due a warning or a breach at `now`, by due time. */
export async function clocksDueAt(db: Queryable, now: Date): Promise<DueClockRow[]> {
  return db.query<DueClockRow>(
    `SELECT c.incident_id, c.timer, c.due_at, c.warned_at, c.breached_at FROM incident_clocks c JOIN incidents i ON i.id = c.incident_id
     WHERE c.met_at IS NULL AND NOT c.informational AND i.state <> 'closed'
       AND ((c.warned_at IS NULL AND c.due_at - interval '10 minutes' <= $1) OR (c.breached_at IS NULL AND c.due_at < $1))
     ORDER BY c.due_at`,
    [now.toISOString()],
  );
}

export async function markClockWarned(tx: Queryable, incidentId: string, timer: string, at: Date): Promise<void> {
  await tx.query('UPDATE incident_clocks SET warned_at = $3 WHERE incident_id = $1 AND timer = $2', [incidentId, timer, at.toISOString()]);
}

export async function markClockBreached(tx: Queryable, incidentId: string, timer: string, at: Date): Promise<void> {
  await tx.query('UPDATE incident_clocks SET breached_at = $3 WHERE incident_id = $1 AND timer = $2', [
    incidentId,
    timer,
    at.toISOString(),
  ]);
}

/** Running, non-informational clocks of incidents not closed that are not yet due at `now`, counted per timer. */
export async function openClockCounts(db: Queryable, now: Date): Promise<{ timer: string; n: string | number }[]> {
  return db.query<{ timer: string; n: string | number }>(
    `SELECT c.timer, count(*) AS n FROM incident_clocks c JOIN incidents i ON i.id = c.incident_id
       WHERE c.met_at IS NULL AND NOT c.informational AND i.state <> 'closed' AND c.due_at >= $1 GROUP BY c.timer`,
    [now.toISOString()],
  );
}

export interface DigestIncidentRow {
  id: string;
  system: string | null;
  module: string | null;
  state: string;
  level: string | null;
  proposed_level: string | null;
  started_at: Date;
  recovered_at: Date | null;
  probable_cause: string | null;
}

/** Incidents started in [from, to), and those started earlier that are still live, by start. */
export async function digestIncidents(db: Queryable, from: string, to: string): Promise<DigestIncidentRow[]> {
  return db.query<DigestIncidentRow>(
    `SELECT id, system, module, state, level, proposed_level, started_at, recovered_at, probable_cause FROM incidents
     WHERE started_at < $2 AND (started_at >= $1 OR state IN ('registered', 'analysing', 'confirmed')) ORDER BY started_at`,
    [from, to],
  );
}

/** Failed check results in [from, to), counted per check and error kind. */
export async function failedResultCounts(
  db: Queryable,
  from: string,
  to: string,
): Promise<{ check_key: string; error_kind: string | null; n: string | number }[]> {
  return db.query<{ check_key: string; error_kind: string | null; n: string | number }>(
    'SELECT check_key, error_kind, count(*) AS n FROM check_results WHERE NOT ok AND at >= $1 AND at < $2 GROUP BY check_key, error_kind ORDER BY check_key, error_kind',
    [from, to],
  );
}
