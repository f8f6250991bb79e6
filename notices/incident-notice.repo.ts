/**
 * What the incident→notice bridge (notices/incident-notices.ts) reads: the reporting users and the
 * affected suppliers of an incident, its running clocks, which deliveries are stored already, and the
 * counts behind the notice metrics. Every statement of that file, unchanged.
 */
import type { Queryable } from '../core/db.ts';
import type { RenderedNotice } from './langs.ts';

/** E-mails of the incident's own appeals and of the appeals linked to it, in appeal order. */
export async function reporterEmails(db: Queryable, incidentId: string): Promise<{ email: string }[]> {
  return db.query<{ email: string }>('SELECT email FROM appeals WHERE incident_id = $1 OR linked_incident_id = $1 ORDER BY id', [
    incidentId,
  ]);
}

/** The e-mail of one appeal of the incident (`appealId`), or of its first appeal when null. */
export async function appealUserEmail(db: Queryable, incidentId: string, appealId: string | null): Promise<{ email: string }[]> {
  return db.query<{ email: string }>(
    'SELECT email FROM appeals WHERE incident_id = $1 AND ($2::text IS NULL OR id::text = $2) ORDER BY id LIMIT 1',
    [incidentId, appealId],
  );
}

/** The suppliers of the procurements (`announcement/lot` ids). */
export async function procurementSuppliers(db: Queryable, ids: readonly string[]): Promise<{ suppliers: { email?: string }[] }[]> {
  return db.query<{ suppliers: { email?: string }[] }>('SELECT suppliers FROM procurements WHERE id = ANY($1::text[]) ORDER BY id', [ids]);
}

/** The incident's clock `timer` if it runs (not met). */
export async function runningClock(db: Queryable, incidentId: string, timer: string): Promise<{ timer: string }[]> {
  return db.query<{ timer: string }>('SELECT timer FROM incident_clocks WHERE incident_id = $1 AND timer = $2 AND met_at IS NULL', [
    incidentId,
    timer,
  ]);
}

/** The running clocks of a timer: the incident's own and its appeals' copies (`timer@appeal-N`). */
export async function runningClockCopies(db: Queryable, incidentId: string, timer: string): Promise<{ timer: string }[]> {
  return db.query<{ timer: string }>(
    "SELECT timer FROM incident_clocks WHERE incident_id = $1 AND met_at IS NULL AND split_part(timer, '@appeal-', 1) = $2",
    [incidentId, timer],
  );
}

/** Which of these timers run (not met) on the incident. */
export async function runningClocksOf(db: Queryable, incidentId: string, timers: readonly string[]): Promise<{ timer: string }[]> {
  return db.query<{ timer: string }>(
    'SELECT timer FROM incident_clocks WHERE incident_id = $1 AND met_at IS NULL AND timer = ANY($2::text[])',
    [incidentId, [...timers]],
  );
}

/** Which of these delivery keys are stored already. */
export async function storedDeliveryKeys(tx: Queryable, keys: readonly string[]): Promise<Set<string>> {
  return new Set(
    (await tx.query<{ key: string }>('SELECT key FROM notice_deliveries WHERE key = ANY($1::text[])', [keys])).map((r) => r.key),
  );
}

// ---- the notice metrics, read at scrape time ----

export async function openIncidentCounts(db: Queryable): Promise<{ system: string; level: string; state: string; n: string }[]> {
  return db.query<{ system: string; level: string; state: string; n: string }>(
    "SELECT coalesce(system, 'unknown') AS system, coalesce(level, 'none') AS level, state, count(*)::text AS n FROM incidents WHERE state IN ('registered', 'analysing', 'confirmed') GROUP BY 1, 2, 3",
  );
}

export async function deliveryOutcomeCounts(db: Queryable): Promise<{ channel: string; state: string; n: string }[]> {
  return db.query<{ channel: string; state: string; n: string }>(
    "SELECT channel, state, count(*)::text AS n FROM notice_deliveries WHERE state IN ('sent', 'dead') GROUP BY 1, 2",
  );
}

export async function deadLetterCounts(db: Queryable): Promise<{ channel: string; n: string }[]> {
  return db.query<{ channel: string; n: string }>(
    "SELECT channel, count(*)::text AS n FROM notice_deliveries WHERE state = 'dead' GROUP BY 1",
  );
}

/** Notice deadlines (publication and notification clocks) met or breached. */
export async function noticeDeadlineOutcomes(db: Queryable): Promise<{ outcome: string; n: string }[]> {
  return db.query<{ outcome: string; n: string }>(
    `SELECT CASE WHEN met_at IS NOT NULL AND met_at <= due_at THEN 'met' ELSE 'breached' END AS outcome, count(*)::text AS n FROM incident_clocks
           WHERE timer IN ('SLA-P-MED-HOME', 'SLA-P-HIGH-HOME', 'SLA-P-MED-NOTIFY', 'SLA-P-LOW-NOTIFY') AND (met_at IS NOT NULL OR breached_at IS NOT NULL) GROUP BY 1`,
  );
}

// ---- the on-call alert's follow-ups (notices/incident-alerts.ts) ----

/** The texts of the first stored delivery of `event` (every channel of one event carries the same texts). */
export async function deliveryTextsOf(
  db: Queryable,
  event: string,
): Promise<{ texts: RenderedNotice; data: Record<string, unknown> } | undefined> {
  const rows = await db.query<{ texts: RenderedNotice; data: Record<string, unknown> }>(
    "SELECT payload->'texts' AS texts, payload->'data' AS data FROM notice_deliveries WHERE event = $1 ORDER BY key LIMIT 1",
    [event],
  );
  return rows[0];
}

/**
 * The proposed level the on-call engineers were last told of the incident (by its alert, then its level
 * updates; undefined before the alert) and how many level updates were sent.
 */
export async function toldProposedLevel(db: Queryable, incidentId: string): Promise<{ level: string | null; updates: number } | undefined> {
  const rows = await db.query<{ level: string | null; updates: string }>(
    `SELECT payload->'data'->>'proposedLevel' AS level,
            (SELECT count(DISTINCT event) FROM notice_deliveries WHERE event LIKE $2)::text AS updates
       FROM notice_deliveries WHERE event = $1 OR event LIKE $2 ORDER BY created_at DESC, key DESC LIMIT 1`,
    [`incident:${incidentId}:registered`, `incident:${incidentId}:proposal:%`],
  );
  const r = rows[0];
  return r ? { level: r.level ?? null, updates: Number(r.updates) } : undefined;
}
