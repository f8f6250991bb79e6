/** Mutes and silenced alerts in the database (migration 95). */
import type { Queryable } from '../core/db.ts';

export interface MuteRow {
  id: string;
  scope: string;
  subject: string;
  system: string;
  reason: string;
  starts_at: Date | string;
  ends_at: Date | string;
  created_by: string;
  created_ip: string | null;
  ended_at: Date | string | null;
  ended_by: string | null;
}

export async function insertMute(
  tx: Queryable,
  m: {
    id: string;
    scope: string;
    subject: string;
    system: string;
    reason: string;
    startsAt: Date;
    endsAt: Date;
    by: string;
    ip: string | null;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO mutes (id, scope, subject, system, reason, starts_at, ends_at, created_by, created_ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [m.id, m.scope, m.subject, m.system, m.reason, m.startsAt, m.endsAt, m.by, m.ip],
  );
}

export async function muteById(q: Queryable, id: string, lock = false): Promise<MuteRow | undefined> {
  return (await q.query<MuteRow>(`SELECT * FROM mutes WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

/** Mutes in force at `at`: begun, not past their end, not unmuted. */
export async function activeMutes(q: Queryable, at: Date): Promise<MuteRow[]> {
  return q.query<MuteRow>('SELECT * FROM mutes WHERE starts_at <= $1 AND ends_at > $1 AND ended_at IS NULL ORDER BY starts_at, id', [at]);
}

/** Mutes that were in force at some time since `since`, newest first (at most 200). */
export async function recentMutes(q: Queryable, since: Date): Promise<MuteRow[]> {
  return q.query<MuteRow>('SELECT * FROM mutes WHERE COALESCE(ended_at, ends_at) > $1 ORDER BY starts_at DESC, id LIMIT 200', [since]);
}

export async function endMute(tx: Queryable, id: string, at: Date, by: string): Promise<void> {
  await tx.query('UPDATE mutes SET ended_at = $2, ended_by = $3 WHERE id = $1', [id, at, by]);
}

export interface SilencedAlertRow {
  alert_key: string;
  incident_id: string;
  at: Date | string;
  kind: string;
  cause_id: string;
  detail: Record<string, unknown>;
}

/** Stores the decision for one alert; false when it was stored already (a replay). */
export async function insertSilencedAlert(
  tx: Queryable,
  r: { alertKey: string; incidentId: string; at: Date; kind: string; causeId: string; detail: Record<string, unknown> },
): Promise<boolean> {
  const rows = await tx.query(
    'INSERT INTO silenced_alerts (alert_key, incident_id, at, kind, cause_id, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (alert_key) DO NOTHING RETURNING alert_key',
    [r.alertKey, r.incidentId, r.at, r.kind, r.causeId, JSON.stringify(r.detail)],
  );
  return rows.length > 0;
}

export async function silencedAlert(q: Queryable, alertKey: string): Promise<SilencedAlertRow | undefined> {
  return (await q.query<SilencedAlertRow>('SELECT * FROM silenced_alerts WHERE alert_key = $1', [alertKey]))[0];
}

/** Alerts silenced since `since`, newest first (at most 200). */
export async function recentSilencedAlerts(q: Queryable, since: Date): Promise<SilencedAlertRow[]> {
  return q.query<SilencedAlertRow>('SELECT * FROM silenced_alerts WHERE at >= $1 ORDER BY at DESC LIMIT 200', [since]);
}
