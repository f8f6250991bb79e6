/**
 * Storage of check results: batched inserts (one statement per batch, arrays unnested by Postgres),
 * the current state per check and region, paged reads, and retention.
 */
import type { Queryable } from '../core/db.ts';
import type { CheckResult, ErrorKind } from '../probes/index.ts';

/** A result together with the key of its check (`system/target/check`). */
export interface KeyedResult extends CheckResult {
  key: string;
  /** Id of the results-stream entry it came from: a replayed entry is stored once (migration 50). */
  streamId?: string | undefined;
}

/** A result as stored: the run's result plus its row id and check key. */
export interface StoredResult extends Omit<CheckResult, 'observations'> {
  id: string;
  checkKey: string;
  observations: Record<string, unknown> | null;
}

export interface CheckStateRow {
  checkKey: string;
  region: string;
  system: string;
  target: string;
  check: string;
  ok: boolean;
  latencyMs: number;
  errorKind: ErrorKind | null;
  message: string;
  at: Date;
  since: Date;
}

export async function insertResults(db: Queryable, batch: readonly KeyedResult[]): Promise<void> {
  if (batch.length === 0) return;
  const col = <T>(f: (r: KeyedResult) => T) => batch.map(f);
  await db.query(
    `INSERT INTO check_results (check_key, system, target, check_id, region, ok, latency_ms, error_kind, message, at, observations, stream_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::float8[], $8::text[], $9::text[], $10::timestamptz[], $11::jsonb[], $12::text[])
     ON CONFLICT (stream_id) DO NOTHING`,
    [
      col((r) => r.key),
      col((r) => r.system),
      col((r) => r.target),
      col((r) => r.check),
      col((r) => r.region),
      col((r) => r.ok),
      col((r) => r.latencyMs),
      col((r) => r.errorKind),
      col((r) => r.message),
      col((r) => r.at.toISOString()),
      col((r) => (r.observations ? JSON.stringify(r.observations) : null)),
      col((r) => r.streamId ?? null),
    ],
  );
  // The newest result per check and region becomes the current state; `since` keeps the time the state last flipped.
  const latest = new Map<string, { r: KeyedResult; since: Date }>();
  for (const r of [...batch].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const k = `${r.key}\u0000${r.region}`;
    const prev = latest.get(k);
    latest.set(k, { r, since: prev && prev.r.ok === r.ok ? prev.since : r.at });
  }
  const rows = [...latest.values()];
  const c2 = <T>(f: (x: { r: KeyedResult; since: Date }) => T) => rows.map(f);
  await db.query(
    `INSERT INTO check_state (check_key, region, system, target, check_id, ok, latency_ms, error_kind, message, at, since)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::float8[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[])
     ON CONFLICT (check_key, region) DO UPDATE SET
       ok = EXCLUDED.ok, latency_ms = EXCLUDED.latency_ms, error_kind = EXCLUDED.error_kind, message = EXCLUDED.message,
       since = CASE WHEN check_state.ok = EXCLUDED.ok THEN check_state.since ELSE EXCLUDED.since END,
       at = EXCLUDED.at
     WHERE check_state.at <= EXCLUDED.at`,
    [
      c2((x) => x.r.key),
      c2((x) => x.r.region),
      c2((x) => x.r.system),
      c2((x) => x.r.target),
      c2((x) => x.r.check),
      c2((x) => x.r.ok),
      c2((x) => x.r.latencyMs),
      c2((x) => x.r.errorKind),
      c2((x) => x.r.message),
      c2((x) => x.r.at.toISOString()),
      c2((x) => x.since.toISOString()),
    ],
  );
}

interface ResultRow {
  id: string | number;
  check_key: string;
  system: string;
  target: string;
  check_id: string;
  region: string;
  ok: boolean;
  latency_ms: number;
  error_kind: ErrorKind | null;
  message: string;
  at: Date | string;
  observations: Record<string, unknown> | string | null;
}

const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toStoredResult(r: ResultRow): StoredResult {
  return {
    id: String(r.id),
    checkKey: r.check_key,
    system: r.system,
    target: r.target,
    check: r.check_id,
    region: r.region,
    ok: r.ok,
    latencyMs: Number(r.latency_ms),
    errorKind: r.error_kind,
    message: r.message,
    at: toDate(r.at),
    observations: typeof r.observations === 'string' ? (JSON.parse(r.observations) as Record<string, unknown>) : r.observations,
  };
}

/** One stored result by its id (the run id of `GET /api/v1/runs/:id`). */
export async function getResult(db: Queryable, id: string): Promise<StoredResult | undefined> {
  const rows = await db.query<ResultRow>('SELECT * FROM check_results WHERE id = $1::bigint', [id]);
  return rows[0] ? toStoredResult(rows[0]) : undefined;
}

export interface ResultPage {
  items: StoredResult[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/** Results of one check in [from, to), newest first, paged by a keyset cursor (the last row's id). */
export async function listResults(
  db: Queryable,
  q: { checkKey: string; from: Date; to: Date; limit: number; cursor?: string | undefined },
): Promise<ResultPage> {
  const rows = await db.query<ResultRow>(
    `SELECT * FROM check_results WHERE check_key = $1 AND at >= $2 AND at < $3 AND ($4::bigint IS NULL OR id < $4::bigint)
     ORDER BY id DESC LIMIT $5`,
    [q.checkKey, q.from.toISOString(), q.to.toISOString(), q.cursor ?? null, q.limit + 1],
  );
  const items = rows.slice(0, q.limit).map(toStoredResult);
  const last = items[items.length - 1];
  return rows.length > q.limit && last ? { items, nextCursor: last.id } : { items };
}

export async function listStates(db: Queryable): Promise<CheckStateRow[]> {
  const rows = await db.query<{
    check_key: string;
    region: string;
    system: string;
    target: string;
    check_id: string;
    ok: boolean;
    latency_ms: number;
    error_kind: ErrorKind | null;
    message: string;
    at: Date | string;
    since: Date | string;
  }>('SELECT * FROM check_state ORDER BY check_key, region');
  return rows.map((r) => ({
    checkKey: r.check_key,
    region: r.region,
    system: r.system,
    target: r.target,
    check: r.check_id,
    ok: r.ok,
    latencyMs: Number(r.latency_ms),
    errorKind: r.error_kind,
    message: r.message,
    at: toDate(r.at),
    since: toDate(r.since),
  }));
}

/** Deletes results older than `retentionDays` before `now`. Returns the number deleted. */
export async function enforceRetention(db: Queryable, now: Date, retentionDays: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const rows = await db.query<{ n: string | number }>(
    'WITH d AS (DELETE FROM check_results WHERE at < $1 RETURNING 1) SELECT count(*) AS n FROM d',
    [cutoff.toISOString()],
  );
  return Number(rows[0]?.n ?? 0);
}
