/**
 * Incident rows over the `Queryable` of core/db.ts: the gap-free id per year, the timeline (with the
 * audit log in the same transaction), the SLA clocks and the views the API answers.
 */
import { audit } from '../../core/audit.ts';
import type { Queryable } from '../../core/db.ts';
import { astanaParts, formatAstana } from '../../core/time.ts';
import type { IncidentState } from '../lifecycle/lifecycle.ts';
import { clockExtensionLimitMs, type Level, type PolicyId } from '../rules/index.ts';
import { clockState, clocksFor, type IncidentSource } from '../sla-clocks/sla-clocks.ts';
import { baseTimer } from '../sla-clocks/appeal-clocks.ts';

export interface IncidentRow {
  id: string;
  source: IncidentSource;
  system: string | null;
  module: string | null;
  policy: PolicyId;
  state: IncidentState;
  version: number;
  title: string;
  started_at: Date;
  received_at: Date;
  registered_at: Date;
  user_detected_at: Date | null;
  recovered_at: Date | null;
  analysing_at: Date | null;
  confirmed_at: Date | null;
  refuted_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  proposed_level: Level | null;
  proposal: { level: Level; rule: string | null; reasons: string[] } | null;
  level: Level | null;
  level_reason: string | null;
  level_agreed_with: string | null;
  kind: string | null;
  planned_fix_at: Date | null;
  actual_fix_at: Date | null;
  /** The Russian text (before migration 105: the one text as entered, and `cause_kk` is null). */
  cause: string | null;
  measures: string | null;
  /** The Kazakh text (issue #21 item 6); null on rows from before migration 105. */
  cause_kk: string | null;
  measures_kk: string | null;
  recommendations: string | null;
  refute_evidence: string | null;
  decision: string | null;
  probable_cause: string | null;
  evidence: Record<string, unknown>;
  extensions: Record<string, unknown> | null;
  linked_to: string | null;
}

const ms = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : new Date(d).getTime());

/** The next incident id of the Astana year of `at`: INC-2026-000123. Gap-free: the counter rolls back with the transaction. */
export async function allocateIncidentId(tx: Queryable, at: number): Promise<{ id: string; year: number; seq: number }> {
  const year = astanaParts(at).year;
  const rows = await tx.query<{ last: number }>(
    'INSERT INTO incident_counters (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = incident_counters.last + 1 RETURNING last',
    [year],
  );
  const seq = Number(rows[0]?.last);
  return { id: `INC-${year}-${String(seq).padStart(6, '0')}`, year, seq };
}

export interface NewIncident {
  id: string;
  year: number;
  seq: number;
  source: IncidentSource;
  system: string | null;
  module: string | null;
  policy: PolicyId;
  title: string;
  startedAt: number;
  receivedAt: number;
  registeredAt: number;
  userDetectedAt?: number | null;
  proposal: { level: Level; rule: string | null; reasons: string[] };
  probableCause?: string | null;
  evidence: Record<string, unknown>;
}

const iso = (v: number | null | undefined) => (v === null || v === undefined ? null : new Date(v).toISOString());

export async function insertIncident(tx: Queryable, n: NewIncident): Promise<void> {
  await tx.query(
    `INSERT INTO incidents (id, year, seq, source, system, module, policy, state, title, started_at, received_at, registered_at, user_detected_at, proposed_level, proposal, probable_cause, evidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'registered', $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $16::jsonb)`,
    [
      n.id,
      n.year,
      n.seq,
      n.source,
      n.system,
      n.module,
      n.policy,
      n.title,
      iso(n.startedAt),
      iso(n.receivedAt),
      iso(n.registeredAt),
      iso(n.userDetectedAt),
      n.proposal.level,
      JSON.stringify(n.proposal),
      n.probableCause ?? null,
      JSON.stringify(n.evidence),
    ],
  );
}

export async function getIncidentRow(db: Queryable, id: string, forUpdate = false): Promise<IncidentRow | undefined> {
  const rows = await db.query<IncidentRow>(`SELECT * FROM incidents WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export interface TimelineEntry {
  incidentId: string;
  at: number;
  actor: string;
  ip?: string | null | undefined;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** Appends to the incident's timeline and to the audit log, in the caller's transaction. */
export async function record(tx: Queryable, e: TimelineEntry): Promise<void> {
  const j = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  await tx.query(
    'INSERT INTO incident_timeline (incident_id, at, actor, ip, action, before, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)',
    [e.incidentId, iso(e.at), e.actor, e.ip ?? null, e.action, j(e.before), j(e.after)],
  );
  await audit(tx, {
    actor: e.actor,
    ip: e.ip,
    action: `incident.${e.action}`,
    subject: e.incidentId,
    before: e.before,
    after: e.after,
    at: new Date(e.at),
  });
}

/** Brings the incident's SLA clocks in line with its facts: new clocks appear, due times follow, a met time is never undone. */
export async function syncClocks(tx: Queryable, inc: IncidentRow): Promise<void> {
  const clocks = clocksFor({
    policy: inc.policy,
    source: inc.source,
    level: inc.level,
    proposedLevel: inc.proposed_level,
    receivedAt: ms(inc.received_at) as number,
    registeredAt: ms(inc.registered_at) as number,
    userDetectedAt: ms(inc.user_detected_at),
    confirmedAt: ms(inc.confirmed_at),
    refutedAt: ms(inc.refuted_at),
    resolvedAt: ms(inc.resolved_at),
  });
  await upsertClocks(tx, inc.id, clocks);
}

/**
 * Writes clocks of one incident, 500 to a statement: new clocks appear, start and due times follow the
 * facts, but an operator's extension keeps its due time and a met time is never undone.
 */
export async function upsertClocks(
  tx: Queryable,
  incidentId: string,
  clocks: readonly { timer: string; startedAt: number | null; dueAt: number | null; metAt: number | null; informational: boolean }[],
): Promise<void> {
  for (let i = 0; i < clocks.length; i += 500) {
    const params: unknown[] = [incidentId];
    const values = clocks.slice(i, i + 500).map((c) => {
      params.push(c.timer, iso(c.startedAt), iso(c.dueAt), iso(c.metAt), c.informational);
      const n = params.length;
      return `($1, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await tx.query(
      `INSERT INTO incident_clocks (incident_id, timer, started_at, due_at, met_at, informational) VALUES ${values.join(', ')}
       ON CONFLICT (incident_id, timer) DO UPDATE SET started_at = EXCLUDED.started_at, due_at = CASE WHEN incident_clocks.extension IS NULL THEN EXCLUDED.due_at ELSE incident_clocks.due_at END, met_at = COALESCE(incident_clocks.met_at, EXCLUDED.met_at)`,
      params,
    );
  }
}

const fmt = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : formatAstana(new Date(d)));

export function incidentView(r: IncidentRow) {
  return {
    id: r.id,
    source: r.source,
    system: r.system,
    module: r.module,
    policy: r.policy,
    state: r.state,
    version: r.version,
    title: r.title,
    startedAt: fmt(r.started_at),
    receivedAt: fmt(r.received_at),
    registeredAt: fmt(r.registered_at),
    userDetectedAt: fmt(r.user_detected_at),
    recoveredAt: fmt(r.recovered_at),
    analysingAt: fmt(r.analysing_at),
    confirmedAt: fmt(r.confirmed_at),
    refutedAt: fmt(r.refuted_at),
    resolvedAt: fmt(r.resolved_at),
    closedAt: fmt(r.closed_at),
    proposedLevel: r.proposed_level,
    proposal: r.proposal,
    level: r.level,
    levelReason: r.level_reason,
    levelAgreedWith: r.level_agreed_with,
    kind: r.kind,
    plannedFixAt: fmt(r.planned_fix_at),
    actualFixAt: fmt(r.actual_fix_at),
    cause: r.cause,
    measures: r.measures,
    causeKk: r.cause_kk,
    measuresKk: r.measures_kk,
    recommendations: r.recommendations,
    refuteEvidence: r.refute_evidence,
    decision: r.decision,
    probableCause: r.probable_cause,
    evidence: r.evidence,
    linkedTo: r.linked_to,
  };
}

export async function clocksView(db: Queryable, id: string, now: number) {
  const rows = await db.query<{
    timer: string;
    started_at: Date;
    due_at: Date | null;
    met_at: Date | null;
    informational: boolean;
    warned_at: Date | null;
    breached_at: Date | null;
    extension: Record<string, unknown> | null;
  }>(
    'SELECT timer, started_at, due_at, met_at, informational, warned_at, breached_at, extension FROM incident_clocks WHERE incident_id = $1 ORDER BY due_at, timer',
    [id],
  );
  return rows.map((c) => ({
    timer: c.timer,
    startedAt: fmt(c.started_at),
    dueAt: fmt(c.due_at),
    metAt: fmt(c.met_at),
    state: clockState({ dueAt: ms(c.due_at), metAt: ms(c.met_at) }, now),
    informational: c.informational,
    /** The operator's extension (SLA-E-ETP-RESOLVE): original due time, new due time, reason, who, when. */
    extension: c.extension,
    /** The latest due time an extension may still set; null when the clock cannot be extended (any more). */
    extendableUntil:
      c.extension === null && c.met_at === null && c.due_at !== null
        ? fmt(nullableDate(clockExtensionLimitMs(baseTimer(c.timer), new Date(c.due_at).getTime())))
        : null,
  }));
}

const nullableDate = (v: number | null) => (v === null ? null : new Date(v));

export async function timelineView(db: Queryable, id: string) {
  const rows = await db.query<{ at: Date; actor: string; ip: string | null; action: string; before: unknown; after: unknown }>(
    'SELECT at, actor, ip, action, before, after FROM incident_timeline WHERE incident_id = $1 ORDER BY id',
    [id],
  );
  return rows.map((t) => ({ at: fmt(t.at), actor: t.actor, ip: t.ip, action: t.action, before: t.before, after: t.after }));
}

export interface IncidentFilter {
  system?: string | undefined;
  level?: Level | undefined;
  state?: IncidentState | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /**
   * Text search (issue #21 item 5): every word must appear, case-insensitively, in the incident's
   * number, system, module, title or cause/measures texts, or be in the name of its module (`modules`:
   * the ids of the modules whose configured names hold the word). Parameterised: `%`, `_` and `\` are
   * matched literally.
   */
  text?: readonly { word: string; modules: readonly string[] }[] | undefined;
  limit: number;
  /** Keyset position: rows after this one in the list's order (started_at DESC, id DESC). */
  after?: { startedAt: number; id: string } | undefined;
}

/** The columns a text search looks in. */
const SEARCHED = ['id', 'system', 'module', 'title', 'cause', 'cause_kk', 'measures', 'measures_kk', 'probable_cause'] as const;

export async function listIncidentRows(db: Queryable, f: IncidentFilter): Promise<IncidentRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.system) add('system = ?', f.system);
  if (f.level) add('COALESCE(level, proposed_level) = ?', f.level);
  if (f.state) add('state = ?', f.state);
  if (f.from !== undefined) add('started_at >= ?', iso(f.from));
  if (f.to !== undefined) add('started_at <= ?', iso(f.to));
  for (const { word, modules } of f.text ?? []) {
    params.push(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const p = `$${params.length}`;
    const fields = SEARCHED.map((c) => `${c} ILIKE ${p} ESCAPE '\\'`);
    if (modules.length) {
      params.push(modules);
      fields.push(`module = ANY($${params.length}::text[])`);
    }
    where.push(`(${fields.join(' OR ')})`);
  }
  if (f.after) {
    params.push(iso(f.after.startedAt), f.after.id);
    where.push(`(started_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(f.limit);
  return db.query<IncidentRow>(
    `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
}

/** The appeals an incident answers: those that opened it and those attached to it (a flood), in the order received. */
export async function listIncidentAppeals(db: Queryable, incidentId: string) {
  return db.query<{
    id: string;
    organisation: string;
    bin_iin: string;
    email: string;
    phone: string;
    description: string;
    detected_at: Date;
    received_at: Date;
  }>(
    'SELECT id::text AS id, organisation, bin_iin, email, phone, description, detected_at, received_at FROM appeals WHERE incident_id = $1 OR linked_incident_id = $1 ORDER BY appeals.id',
    [incidentId],
  );
}

/** One appeal as the API shows it (undefined when there is none). */
export async function getAppealRow(db: Queryable, appealId: string): Promise<Record<string, unknown> | undefined> {
  return (
    await db.query<Record<string, unknown>>(
      'SELECT id::text AS id, incident_id, organisation, bin_iin, email, phone, description, detected_at, received_at, ip, linked_incident_id, channel FROM appeals WHERE id = $1',
      [appealId],
    )
  )[0];
}

/** An appeal's attachments, oldest first. */
export async function listAppealAttachments(db: Queryable, appealId: string) {
  return db.query<{ name: string; type: string; bytes: string | number; sha256: string; at: Date }>(
    'SELECT name, type, bytes, sha256, at FROM appeal_attachments WHERE appeal_id = $1 ORDER BY id',
    [appealId],
  );
}

/** What an upload to an appeal is checked against: the hash of its upload token, its incident and how many files it has. */
export async function appealUploadState(
  db: Queryable,
  appealId: string,
): Promise<{ upload_token_hash: string; incident_id: string; n: string | number } | undefined> {
  return (
    await db.query<{ upload_token_hash: string; incident_id: string; n: string | number }>(
      'SELECT upload_token_hash, incident_id, (SELECT count(*) FROM appeal_attachments WHERE appeal_id = $1) AS n FROM appeals WHERE id = $1',
      [appealId],
    )
  )[0];
}

export interface AppealAttachment {
  appealId: string;
  incidentId: string;
  name: string;
  type: string;
  bytes: number;
  sha256: string;
  path: string;
  at: Date;
  ip: string;
}

/** Records a stored attachment: its row, a line in the incident's timeline and the audit log, in the caller's transaction. */
export async function insertAppealAttachment(tx: Queryable, f: AppealAttachment): Promise<void> {
  const file = { name: f.name, type: f.type, bytes: f.bytes, sha256: f.sha256 };
  await tx.query('INSERT INTO appeal_attachments (appeal_id, name, type, bytes, sha256, path, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    f.appealId,
    f.name,
    f.type,
    f.bytes,
    f.sha256,
    f.path,
    f.at.toISOString(),
  ]);
  await tx.query('INSERT INTO incident_timeline (incident_id, at, actor, ip, action, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb)', [
    f.incidentId,
    f.at.toISOString(),
    'public:appeal',
    f.ip,
    'attachment.added',
    JSON.stringify(file),
  ]);
  await audit(tx, { actor: 'public:appeal', ip: f.ip, action: 'appeal.attachment', subject: f.appealId, after: file });
}

/** A page of the procurement registry in id order, `limit` rows after the id `after`. */
export async function listProcurementRows(db: Queryable, limit: number, after: string | undefined) {
  return db.query<{ id: string }>(
    `SELECT id, announcement, lot, method, system, module, affected, deadlines, suppliers FROM procurements ${after !== undefined ? 'WHERE id > $2' : ''} ORDER BY id LIMIT $1`,
    after !== undefined ? [limit, after] : [limit],
  );
}
