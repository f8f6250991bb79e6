/**
 * What the detector keeps in the database: its state per check and per module (read back at start,
 * written with each batch), and the incident columns only it sets — the episode an incident records,
 * recovery and re-opening, the proposal it works out again, and the evidence.
 */
import type { Queryable } from '../../core/db.ts';
import type { CheckState, ModuleState } from '../detection/detector.ts';
import type { IncidentState } from '../lifecycle/lifecycle.ts';

export async function loadDetectorChecks(db: Queryable): Promise<{ check_key: string; state: CheckState }[]> {
  return db.query<{ check_key: string; state: CheckState }>('SELECT check_key, state FROM detector_checks');
}

export async function loadDetectorModules(
  db: Queryable,
): Promise<{ module_key: string; state: ModuleState; incident_id: string | null }[]> {
  return db.query<{ module_key: string; state: ModuleState; incident_id: string | null }>(
    'SELECT module_key, state, incident_id FROM detector_modules',
  );
}

/** Upserts the given checks' states (`states[i]` is JSON of `keys[i]`'s); an empty list writes nothing. */
export async function saveDetectorChecks(tx: Queryable, keys: readonly string[], states: readonly string[]): Promise<void> {
  await tx.query(
    `INSERT INTO detector_checks (check_key, state) SELECT * FROM unnest($1::text[], $2::jsonb[])
       ON CONFLICT (check_key) DO UPDATE SET state = EXCLUDED.state`,
    [keys, states],
  );
}

/** Upserts the given modules' states (JSON) and the incident each records, by position. */
export async function saveDetectorModules(
  tx: Queryable,
  keys: readonly string[],
  states: readonly string[],
  incidentIds: readonly (string | null)[],
): Promise<void> {
  await tx.query(
    `INSERT INTO detector_modules (module_key, state, incident_id) SELECT * FROM unnest($1::text[], $2::jsonb[], $3::text[])
       ON CONFLICT (module_key) DO UPDATE SET state = EXCLUDED.state, incident_id = EXCLUDED.incident_id`,
    [keys, states, incidentIds],
  );
}

/** Marks incident `id` as the record of module `moduleKey`'s failure episode `episode`. */
export async function setDetectorEpisode(tx: Queryable, id: string, moduleKey: string, episode: number): Promise<void> {
  await tx.query('UPDATE incidents SET detector_key = $2, detector_episode = $3 WHERE id = $1', [id, moduleKey, episode]);
}

export async function setRecoveredAt(tx: Queryable, id: string, at: number): Promise<void> {
  await tx.query('UPDATE incidents SET recovered_at = $2, version = version + 1 WHERE id = $1', [id, new Date(at).toISOString()]);
}

export async function clearRecoveredAt(tx: Queryable, id: string): Promise<void> {
  await tx.query('UPDATE incidents SET recovered_at = NULL, version = version + 1 WHERE id = $1', [id]);
}

export async function setProposal(tx: Queryable, id: string, proposal: { level: string }): Promise<void> {
  await tx.query('UPDATE incidents SET proposed_level = $2, proposal = $3::jsonb, version = version + 1 WHERE id = $1', [
    id,
    proposal.level,
    JSON.stringify(proposal),
  ]);
}

/** Writes the evidence and probable cause; returns the incident's state (undefined when there is no such incident). */
export async function setEvidence(
  tx: Queryable,
  id: string,
  evidence: Record<string, unknown>,
  probableCause: string | null,
): Promise<IncidentState | undefined> {
  const rows = await tx.query<{ state: IncidentState }>(
    'UPDATE incidents SET evidence = $2::jsonb, probable_cause = $3 WHERE id = $1 RETURNING state',
    [id, JSON.stringify(evidence), probableCause],
  );
  return rows[0]?.state;
}
