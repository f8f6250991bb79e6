/**
 * The ledger's statements: episodes recorded by hand, the incidents and check results that are its
 * evidence, and the stored failure days and streak events (etp/ledger.ts decides what they mean).
 */
import type { Queryable } from '../core/db.ts';
import type { StreakEvent } from './streaks.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const msOf = (v: Date | string) => new Date(v).getTime();

/** Episodes recorded by hand for an ETP overlapping [fromMs, toMs], by start. */
export async function recordedEpisodes(db: Queryable, etp: string, fromMs: number, toMs: number) {
  return db.query<{ id: string; service: string; started_at: Date; ended_at: Date }>(
    'SELECT id::text AS id, service, started_at, ended_at FROM etp_episodes WHERE etp = $1 AND ended_at >= $2 AND started_at <= $3 ORDER BY started_at',
    [etp, iso(fromMs), iso(toMs)],
  );
}

/** Incidents of the ETP's modules overlapping [fromMs, nowMs], refuted ones left out; `end_at` null while open. */
export async function incidentSpans(db: Queryable, etp: string, modules: readonly string[], fromMs: number, nowMs: number) {
  return db.query<{ id: string; started_at: Date; end_at: Date | null }>(
    `SELECT id, started_at, COALESCE(recovered_at, resolved_at, closed_at) AS end_at FROM incidents
     WHERE system = $1 AND module = ANY($2::text[]) AND state <> 'refuted' AND started_at <= $4 AND COALESCE(recovered_at, resolved_at, closed_at, $4::timestamptz) >= $3`,
    [etp, modules, iso(fromMs), iso(nowMs)],
  );
}

/** Runs of equal results per check and region of the ETP's targets in [fromMs, nowMs], in order. */
export async function resultRuns(db: Queryable, etp: string, targets: readonly string[], fromMs: number, nowMs: number) {
  return db.query<{ check_key: string; region: string; ok: boolean; first_at: Date; last_at: Date; n: number }>(
    `WITH r AS (
       SELECT check_key, region, at, ok,
              CASE WHEN ok IS DISTINCT FROM lag(ok) OVER (PARTITION BY check_key, region ORDER BY at) THEN 1 ELSE 0 END AS chg
       FROM check_results WHERE system = $1 AND target = ANY($2::text[]) AND at >= $3 AND at <= $4),
     g AS (SELECT check_key, region, at, ok, sum(chg) OVER (PARTITION BY check_key, region ORDER BY at ROWS UNBOUNDED PRECEDING) AS grp FROM r)
     SELECT check_key, region, bool_and(ok) AS ok, min(at) AS first_at, max(at) AS last_at, count(*)::int AS n
     FROM g GROUP BY check_key, region, grp ORDER BY check_key, region, min(at)`,
    [etp, targets, iso(fromMs), iso(nowMs)],
  );
}

/** Failure days stored for an ETP up to `untilDay`, as Astana epoch days, ascending. */
export async function storedFailureDays(db: Queryable, etp: string, untilDay: number): Promise<number[]> {
  const rows = await db.query<{ d: number }>(
    "SELECT (day - DATE '1970-01-01')::int AS d FROM etp_failure_days WHERE etp = $1 AND day <= DATE '1970-01-01' + $2::int ORDER BY day",
    [etp, untilDay],
  );
  return rows.map((r) => Number(r.d));
}

/** The stored failure days in [fromDay, toDay] with their failure time (ms, as text). */
export async function failureDaysBetween(db: Queryable, etp: string, fromDay: number, toDay: number) {
  return db.query<{ d: number; failure_ms: string }>(
    "SELECT (day - DATE '1970-01-01')::int AS d, failure_ms::text AS failure_ms FROM etp_failure_days WHERE etp = $1 AND day >= DATE '1970-01-01' + $2::int AND day <= DATE '1970-01-01' + $3::int ORDER BY day",
    [etp, fromDay, toDay],
  );
}

/** Replaces the stored failure days in [fromDay, toDay] with `days` ([day, failure ms]). */
export async function replaceFailureDays(
  tx: Queryable,
  etp: string,
  fromDay: number,
  toDay: number,
  days: readonly (readonly [number, number])[],
): Promise<void> {
  await tx.query(
    "DELETE FROM etp_failure_days WHERE etp = $1 AND day >= DATE '1970-01-01' + $2::int AND day <= DATE '1970-01-01' + $3::int",
    [etp, fromDay, toDay],
  );
  if (days.length > 0) {
    await tx.query(
      "INSERT INTO etp_failure_days (etp, day, failure_ms) SELECT $1, DATE '1970-01-01' + d, m FROM unnest($2::int[], $3::bigint[]) AS u(d, m)",
      [etp, days.map(([d]) => d), days.map(([, ms]) => ms)],
    );
  }
}

/** Stores a streak event unless stored before (one per ETP, date and type); true when it is new. */
export async function insertStreakEvent(tx: Queryable, etp: string, e: StreakEvent): Promise<boolean> {
  const rows = await tx.query(
    "INSERT INTO etp_streak_events (etp, day, type, streak, decision_due_by) VALUES ($1, DATE '1970-01-01' + $2::int, $3, $4, $5) ON CONFLICT (etp, day, type) DO NOTHING RETURNING etp",
    [etp, e.day, e.type, e.streak, e.type === 'threshold' ? iso(e.decisionDueByMs) : null],
  );
  return rows.length > 0;
}

export interface StoredEvent {
  type: 'warning' | 'threshold';
  day: number;
  streak: number;
  decisionDueByMs: number | null;
}

export async function storedEvents(db: Queryable, etp: string): Promise<StoredEvent[]> {
  const rows = await db.query<{ type: 'warning' | 'threshold'; d: number; streak: number; due: Date | null }>(
    "SELECT type, (day - DATE '1970-01-01')::int AS d, streak, decision_due_by AS due FROM etp_streak_events WHERE etp = $1 ORDER BY day, type",
    [etp],
  );
  return rows.map((r) => ({ type: r.type, day: Number(r.d), streak: r.streak, decisionDueByMs: r.due ? msOf(r.due) : null }));
}

/** Stores an episode recorded by hand; returns its id. */
export async function insertEpisode(
  tx: Queryable,
  etp: string,
  e: { service: string; startMs: number; endMs: number; source: string; note: string | null },
): Promise<string> {
  const r = await tx.query<{ id: string }>(
    'INSERT INTO etp_episodes (etp, service, started_at, ended_at, source, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id',
    [etp, e.service, iso(e.startMs), iso(e.endMs), e.source, e.note],
  );
  return r[0]?.id as string;
}
