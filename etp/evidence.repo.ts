/**
 * The evidence the ETP detail shows beside the ledger: the latest check results (clock offset, NTP,
 * freshness), how long a check has failed, the incident open on a module; and the outbox position
 * the background part watches for incident changes.
 */
import type { Queryable } from '../core/db.ts';
import { formatAstana } from '../core/time.ts';

/** The latest stored result of each check key, with its observations (clock offset, NTP, freshness). */
export async function latestResults(
  db: Queryable,
  keys: readonly string[],
): Promise<{ key: string; ok: boolean; message: string; at: string; observations: Record<string, unknown> | null }[]> {
  if (keys.length === 0) return [];
  const rows = await db.query<{
    check_key: string;
    ok: boolean;
    message: string;
    at: Date;
    observations: Record<string, unknown> | string | null;
  }>(
    'SELECT DISTINCT ON (check_key) check_key, ok, message, at, observations FROM check_results WHERE check_key = ANY($1::text[]) ORDER BY check_key, at DESC',
    [keys],
  );
  return rows.map((r) => ({
    key: r.check_key,
    ok: r.ok,
    message: r.message,
    at: formatAstana(new Date(r.at)),
    observations: typeof r.observations === 'string' ? (JSON.parse(r.observations) as Record<string, unknown>) : r.observations,
  }));
}

/** How many of a check's latest results in a row failed (the runs an offset has stayed beyond its threshold). */
export async function failingRuns(db: Queryable, key: string, limit = 50): Promise<number> {
  const rows = await db.query<{ ok: boolean }>('SELECT ok FROM check_results WHERE check_key = $1 ORDER BY at DESC LIMIT $2', [key, limit]);
  const i = rows.findIndex((r) => r.ok);
  return i < 0 ? rows.length : i;
}

/** The newest incident of the ETP's module still open (registered, analysing or confirmed), if any. */
export async function openIncidentOf(db: Queryable, etp: string, module: string): Promise<string | null> {
  const open = await db.query<{ id: string }>(
    "SELECT id FROM incidents WHERE system = $1 AND module = $2 AND state IN ('registered', 'analysing', 'confirmed') ORDER BY registered_at DESC LIMIT 1",
    [etp, module],
  );
  return open[0]?.id ?? null;
}

/** The id of the newest incident outbox event (null while the outbox is empty). */
export async function latestOutboxId(db: Queryable): Promise<string | null> {
  const r = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM outbox');
  return r[0]?.id ?? null;
}
