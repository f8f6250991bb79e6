/**
 * Notices, their published versions, maintenance windows and the confirmed subscribers a notice is
 * mailed to: every statement of notices/notice.service.ts. Functions that write take the caller's
 * `Queryable` (a transaction), so the service keeps its transactions as they were.
 */
import type { Queryable } from '../core/db.ts';
import type { NoticeClock } from './content.ts';
import type { RenderedNotice } from './langs.ts';
import type { MaintenancePlan } from './maintenance.ts';
import type { NoticeSubject, Phase } from './model.ts';

export type NoticeRow = {
  id: string;
  subject_kind: string;
  subject_id: string;
  system: string;
  subject: NoticeSubject;
  content_hash: string;
  published_version: number;
  published_hash: string | null;
  active: boolean;
};
export type VersionRow = {
  version: number;
  phase: Phase;
  published_at: Date | string;
  published_by: string;
  texts: RenderedNotice;
  clocks: NoticeClock[];
  subject: NoticeSubject;
};
export type MaintenanceRow = {
  id: string;
  system: string;
  input: unknown;
  plan: MaintenancePlan;
  unplanned: boolean;
  phase: string;
  notice_id: string;
  starts_at: Date | string;
  ends_at: Date | string;
};

export async function noticeBySubject(q: Queryable, kind: string, subjectId: string): Promise<NoticeRow | undefined> {
  return (await q.query<NoticeRow>('SELECT * FROM notices WHERE subject_kind = $1 AND subject_id = $2', [kind, subjectId]))[0];
}

export async function noticeById(q: Queryable, id: string): Promise<NoticeRow | undefined> {
  return (await q.query<NoticeRow>('SELECT * FROM notices WHERE id = $1', [id]))[0];
}

/** Stores the subject as the notice's draft (a new notice, or the same subject's notice updated). */
export async function upsertNotice(tx: Queryable, n: { id: string; subject: NoticeSubject; hash: string; at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO notices (id, subject_kind, subject_id, system, subject, content_hash, active, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
         ON CONFLICT (subject_kind, subject_id) DO UPDATE SET subject = EXCLUDED.subject, content_hash = EXCLUDED.content_hash, system = EXCLUDED.system, updated_at = EXCLUDED.updated_at`,
    [n.id, n.subject.kind, n.subject.id, n.subject.system, JSON.stringify(n.subject), n.hash, true, n.at.toISOString()],
  );
}

/** The published version, the row locked for the rest of the transaction. */
export async function lockPublishedVersion(tx: Queryable, id: string): Promise<number | undefined> {
  return (await tx.query<{ published_version: number }>('SELECT published_version FROM notices WHERE id = $1 FOR UPDATE', [id]))[0]
    ?.published_version;
}

export async function insertVersion(
  tx: Queryable,
  v: {
    noticeId: string;
    version: number;
    subject: NoticeSubject;
    texts: RenderedNotice;
    clocks: NoticeClock[];
    templates: unknown;
    at: Date;
    by: string;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO notice_versions (notice_id, version, phase, subject, texts, clocks, templates, published_at, published_by) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9)',
    [
      v.noticeId,
      v.version,
      v.subject.phase,
      JSON.stringify(v.subject),
      JSON.stringify(v.texts),
      JSON.stringify(v.clocks),
      JSON.stringify(v.templates),
      v.at.toISOString(),
      v.by,
    ],
  );
}

export async function markPublished(tx: Queryable, id: string, version: number, active: boolean, at: Date): Promise<void> {
  await tx.query('UPDATE notices SET published_version = $2, published_hash = content_hash, active = $3, updated_at = $4 WHERE id = $1', [
    id,
    version,
    active,
    at.toISOString(),
  ]);
}

export async function confirmedSubscribers(q: Queryable, system: string): Promise<{ email: string; token: string }[]> {
  return q.query<{ email: string; token: string }>(
    "SELECT email, token FROM notice_subscriptions WHERE system = $1 AND state = 'confirmed'",
    [system],
  );
}

/** A notice's versions, the latest first. */
export async function versionsOf(q: Queryable, id: string): Promise<VersionRow[]> {
  return q.query<VersionRow>(
    'SELECT version, phase, published_at, published_by, texts, clocks, subject FROM notice_versions WHERE notice_id = $1 ORDER BY version DESC',
    [id],
  );
}

export async function listNotices(q: Queryable, active: boolean | undefined): Promise<NoticeRow[]> {
  return q.query<NoticeRow>(
    `SELECT * FROM notices ${active === undefined ? '' : 'WHERE active = $1'} ORDER BY updated_at DESC LIMIT 500`,
    active === undefined ? [] : [active],
  );
}

/**
 * One page of notices (one more row than `limit`, to tell whether a next page exists), the latest change
 * first. A position is (updated_at in microseconds, id): the microseconds keep two changes in one millisecond apart.
 */
export async function noticesPage(
  q: Queryable,
  o: { active?: boolean | undefined; limit: number; after?: readonly [number, string] | undefined },
): Promise<(NoticeRow & { pos: string })[]> {
  const pos = '(extract(epoch FROM updated_at) * 1000000)::bigint';
  const params: unknown[] = [o.limit + 1];
  const where: string[] = [];
  if (o.active !== undefined) where.push(`active = $${params.push(o.active)}`);
  if (o.after) where.push(`(${pos}, id) < ($${params.push(String(o.after[0]))}::bigint, $${params.push(o.after[1])})`);
  return q.query<NoticeRow & { pos: string }>(
    `SELECT *, ${pos} AS pos FROM notices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${pos} DESC, id DESC LIMIT $1`,
    params,
  );
}

/** Ids of one page of maintenance windows ending at or after `from` (one more than `limit`), by start; a position is (starts_at in microseconds, id). */
export async function maintenancePage(
  q: Queryable,
  o: { from: Date; limit: number; after?: readonly [number, string] | undefined },
): Promise<{ id: string; pos: string }[]> {
  const pos = '(extract(epoch FROM starts_at) * 1000000)::bigint';
  const params: unknown[] = [o.limit + 1, o.from.toISOString()];
  const after = o.after ? `AND (${pos}, id) > ($${params.push(String(o.after[0]))}::bigint, $${params.push(o.after[1])})` : '';
  return q.query<{ id: string; pos: string }>(
    `SELECT id, ${pos} AS pos FROM maintenance_windows WHERE ends_at >= $2 ${after} ORDER BY ${pos}, id LIMIT $1`,
    params,
  );
}

/** Notices published at least once that are active or changed since `since`, the latest change first. */
export async function publishedNotices(q: Queryable, since: Date): Promise<NoticeRow[]> {
  return q.query<NoticeRow>(
    'SELECT * FROM notices WHERE published_version > 0 AND (active OR updated_at >= $1) ORDER BY updated_at DESC LIMIT 200',
    [since.toISOString()],
  );
}

/** The versions of these notices, the latest first. */
export async function versionsOfMany(q: Queryable, ids: readonly string[]): Promise<(VersionRow & { notice_id: string })[]> {
  return q.query<VersionRow & { notice_id: string }>(
    'SELECT notice_id, version, phase, published_at, published_by, texts, clocks, subject FROM notice_versions WHERE notice_id = ANY($1) ORDER BY version DESC',
    [ids],
  );
}

export async function insertMaintenanceWindow(
  tx: Queryable,
  w: {
    id: string;
    system: string;
    input: unknown;
    plan: MaintenancePlan;
    startsAt: string;
    endsAt: string;
    phase: string;
    noticeId: string;
    by: string;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO maintenance_windows (id, system, input, plan, unplanned, starts_at, ends_at, phase, notice_id, created_by) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9, $10)',
    [w.id, w.system, JSON.stringify(w.input), JSON.stringify(w.plan), w.plan.unplanned, w.startsAt, w.endsAt, w.phase, w.noticeId, w.by],
  );
}

export async function maintenanceWindow(q: Queryable, id: string): Promise<MaintenanceRow | undefined> {
  return (await q.query<MaintenanceRow>('SELECT * FROM maintenance_windows WHERE id = $1', [id]))[0];
}

/** Ids of the windows ending at or after `from`, by start. */
export async function maintenanceWindowIds(q: Queryable, from: Date): Promise<{ id: string }[]> {
  return q.query<{ id: string }>('SELECT id FROM maintenance_windows WHERE ends_at >= $1 ORDER BY starts_at LIMIT 200', [
    from.toISOString(),
  ]);
}

export async function setMaintenancePhase(tx: Queryable, id: string, phase: string): Promise<void> {
  await tx.query('UPDATE maintenance_windows SET phase = $2 WHERE id = $1', [id, phase]);
}
