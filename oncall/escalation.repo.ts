/** The escalation's reads and its one write (`incident_escalations`): every statement of oncall/escalation.ts. */
import type { Queryable } from '../core/db.ts';

/**
 * Open incidents registered in [fromMs, toMs] whose on-call alert went out (its deliveries are stored:
 * an alert a mute or maintenance window silenced has none, oncall/silence.ts) and nobody has
 * acknowledged, oldest first, with the escalation steps already sent for each.
 */
export async function unacknowledgedIncidents(
  db: Queryable,
  fromMs: number,
  toMs: number,
): Promise<{ id: string; registered_at: Date; steps: number[] }[]> {
  return db.query<{ id: string; registered_at: Date; steps: number[] }>(
    `SELECT i.id, i.registered_at,
            coalesce((SELECT array_agg(e.step ORDER BY e.step) FROM incident_escalations e WHERE e.incident_id = i.id), '{}') AS steps
       FROM incidents i
      WHERE i.state IN ('registered', 'analysing', 'confirmed') AND i.registered_at BETWEEN $1 AND $2
        AND NOT EXISTS (SELECT 1 FROM incident_acks a WHERE a.incident_id = i.id)
        AND EXISTS (SELECT 1 FROM notice_deliveries d WHERE d.event = 'incident:' || i.id || ':registered')
      ORDER BY i.registered_at, i.id`,
    [new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
  );
}

/**
 * Takes step `step` of the incident's escalation for this process: true when it was not taken before.
 * The primary key makes it once only, whatever the number of kuzet processes ticking.
 */
export async function claimEscalationStep(
  tx: Queryable,
  e: { incidentId: string; step: number; dueAt: number; sentAt: number; channel: string; recipients: readonly string[] },
): Promise<boolean> {
  const rows = await tx.query<{ step: number }>(
    `INSERT INTO incident_escalations (incident_id, step, due_at, sent_at, channel, recipients) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (incident_id, step) DO NOTHING RETURNING step`,
    [e.incidentId, e.step, new Date(e.dueAt).toISOString(), new Date(e.sentAt).toISOString(), e.channel, JSON.stringify(e.recipients)],
  );
  return rows.length > 0;
}

/** The steps sent for an incident, in order (the console and tests read them). */
export async function escalationsOf(
  db: Queryable,
  incidentId: string,
): Promise<{ step: number; due_at: Date; sent_at: Date; channel: string; recipients: string[] }[]> {
  return db.query<{ step: number; due_at: Date; sent_at: Date; channel: string; recipients: string[] }>(
    'SELECT step, due_at, sent_at, channel, recipients FROM incident_escalations WHERE incident_id = $1 ORDER BY step',
    [incidentId],
  );
}
