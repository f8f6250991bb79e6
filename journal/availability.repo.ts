/**
 * Reads `check_results` for the availability report: one series per check and region, with each
 * check's module, interval and ETP flag taken from the configuration (the table holds none of them).
 */
import type { Queryable } from '../core/db.ts';
import type { CheckSeries, Sample } from './availability.ts';

/** What the report needs to know of a configured check. */
export interface CheckMeta {
  key: string;
  system: string;
  module: string | null;
  etp: boolean;
  intervalMs: number;
}

interface Row {
  check_key: string;
  region: string;
  ok: boolean;
  at: Date | string;
}

/**
 * The series of the given checks in `[from, to)`, without the runs kuzet could not make (errorKind
 * `internal`): that time is without data, neither up nor down (issue #16 item 9), plus the last result before `from` so the
 * period's first minutes are covered. Results of checks no longer configured are left out: their
 * interval and module are unknown.
 */
export async function loadSeries(db: Queryable, checks: readonly CheckMeta[], from: Date, to: Date): Promise<CheckSeries[]> {
  if (checks.length === 0) return [];
  const keys = checks.map((c) => c.key);
  const maxInterval = Math.max(...checks.map((c) => c.intervalMs));
  const rows = await db.query<Row>(
    `SELECT check_key, region, ok, at FROM check_results
      WHERE check_key = ANY($1::text[]) AND at >= $2 AND at < $3
        AND (ok OR error_kind IS DISTINCT FROM 'internal')
      ORDER BY check_key, region, at`,
    [keys, new Date(from.getTime() - maxInterval), to],
  );
  const meta = new Map(checks.map((c) => [c.key, c]));
  const out = new Map<string, { meta: CheckMeta; region: string; samples: Sample[] }>();
  for (const r of rows) {
    const m = meta.get(r.check_key);
    if (!m) continue;
    const k = `${r.check_key}\u0000${r.region}`;
    let s = out.get(k);
    if (!s) out.set(k, (s = { meta: m, region: r.region, samples: [] }));
    s.samples.push({ at: (r.at instanceof Date ? r.at : new Date(r.at)).getTime(), ok: r.ok });
  }
  return [...out.values()].map((s) => ({
    key: s.meta.key,
    region: s.region,
    system: s.meta.system,
    module: s.meta.module,
    etp: s.meta.etp,
    intervalMs: s.meta.intervalMs,
    samples: s.samples,
  }));
}
