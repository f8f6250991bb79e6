/**
 * Runs (rows of `check_results`) as the API looks them up beyond the collector's own reads: the
 * failed runs whose artifacts an incident's evidence names.
 */
import type { Queryable } from '../core/db.ts';

/** The artifacts of a check's failed runs between `from` and `to` (both included), oldest first. */
export async function failedRunArtifacts(
  db: Queryable,
  checkKey: string,
  from: Date,
  to: Date,
): Promise<{ id: string; artifacts: { name?: string; path?: string }[] | null }[]> {
  return db.query<{ id: string; artifacts: { name?: string; path?: string }[] | null }>(
    "SELECT id::text AS id, observations->'artifacts' AS artifacts FROM check_results WHERE check_key = $1 AND at BETWEEN $2 AND $3 AND NOT ok ORDER BY at",
    [checkKey, from.toISOString(), to.toISOString()],
  );
}
