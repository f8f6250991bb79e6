/**
 * What the live feed (live.ts) counts to see that a page would change: incidents and their versions,
 * SLA clocks, notices and their published versions, maintenance phases, kuzet.silent episodes.
 */
import type { Queryable } from '../core/db.ts';

/** One row of counts per table, in a fixed order (incidents, clocks, notices, maintenance, silences). */
export async function liveCounts(db: Queryable): Promise<Record<string, unknown>[]> {
  const [inc] = await db.query<Record<string, unknown>>('SELECT count(*) AS n, COALESCE(sum(version), 0) AS v FROM incidents');
  const [clk] = await db.query<Record<string, unknown>>(
    'SELECT count(*) AS n, count(met_at) AS met, count(warned_at) AS warned, count(breached_at) AS breached FROM incident_clocks',
  );
  const [ntc] = await db.query<Record<string, unknown>>(
    'SELECT count(*) AS n, max(updated_at) AS at, COALESCE(sum(published_version), 0) AS v FROM notices',
  );
  const [mw] = await db.query<Record<string, unknown>>(
    "SELECT count(*) AS n, string_agg(phase, ',' ORDER BY id) AS p FROM maintenance_windows",
  );
  const [silent] = await db.query<Record<string, unknown>>('SELECT count(*) AS n, count(ended_at) AS ended FROM meta_silences');
  return [inc, clk, ntc, mw, silent] as Record<string, unknown>[];
}
