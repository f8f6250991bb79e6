/**
 * What the status site reads of the check results: each system's availability per day, and each e-shop
 * service's availability over the uptime window (000 App.7 §49).
 */
import type { Queryable } from '../../core/db.ts';

/** An ETP of the registry as the site lists it. */
export interface SiteEtp {
  id: string;
  name: string;
  connection: 'test' | 'productive' | 'disconnected';
  /** When the connection state began (for `disconnected`, the date and time of disconnection), Astana time. */
  since: string | null;
}

/** Checks passed / run per system and Astana date. */
export interface UptimeRow {
  system: string;
  day: string;
  ok: number;
  total: number;
}

/** Checks passed/run per system and Astana date since `from`. */
export async function queryUptime(db: Queryable, from: Date): Promise<UptimeRow[]> {
  const rows = await db.query<{ system: string; day: string; ok: string; total: string }>(
    `SELECT system, to_char((at AT TIME ZONE 'UTC') + interval '5 hours', 'YYYY-MM-DD') AS day, count(*) FILTER (WHERE ok) AS ok, count(*) AS total
     FROM check_results WHERE at >= $1 GROUP BY 1, 2`,
    [from.toISOString()],
  );
  return rows.map((r) => ({ system: r.system, day: r.day, ok: Number(r.ok), total: Number(r.total) }));
}

/** Checks passed / run per system and target over the uptime window. */
export interface ServiceUptimeRow {
  system: string;
  target: string;
  ok: number;
  total: number;
}

/** Availability per service target since `from` (only targets that name a service). */
export async function queryServiceUptime(
  db: Queryable,
  from: Date,
  targets: readonly { system: string; target: string }[],
): Promise<ServiceUptimeRow[]> {
  if (targets.length === 0) return [];
  const rows = await db.query<{ system: string; target: string; ok: string; total: string }>(
    `SELECT system, target, count(*) FILTER (WHERE ok) AS ok, count(*) AS total FROM check_results
     WHERE at >= $1 AND (system || '/' || target) = ANY($2::text[]) GROUP BY 1, 2`,
    [from.toISOString(), targets.map((t) => `${t.system}/${t.target}`)],
  );
  return rows.map((r) => ({ system: r.system, target: r.target, ok: Number(r.ok), total: Number(r.total) }));
}
