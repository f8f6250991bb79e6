/** The decisions' statements (etp/decision.ts validates, audits and changes the registry). */
import type { Queryable } from '../core/db.ts';
import type { Decision, DecisionKind } from './decision.types.ts';

export async function listDecisions(db: Queryable, etp: string): Promise<Decision[]> {
  const rows = await db.query<{
    id: string;
    etp: string;
    d: number | null;
    decision: DecisionKind;
    disconnect_at: Date | null;
    reason: string;
    actor: string;
    decided_at: Date;
  }>(
    "SELECT id, etp, (threshold_day - DATE '1970-01-01')::int AS d, decision, disconnect_at, reason, actor, decided_at FROM etp_decisions WHERE etp = $1 ORDER BY decided_at, id",
    [etp],
  );
  return rows.map((r) => ({
    id: r.id,
    etp: r.etp,
    thresholdDay: r.d === null ? null : Number(r.d),
    decision: r.decision,
    disconnectAtMs: r.disconnect_at ? new Date(r.disconnect_at).getTime() : null,
    reason: r.reason,
    actor: r.actor,
    decidedAtMs: new Date(r.decided_at).getTime(),
  }));
}

export async function insertDecision(tx: Queryable, d: Decision): Promise<void> {
  await tx.query(
    "INSERT INTO etp_decisions (id, etp, threshold_day, decision, disconnect_at, reason, actor, decided_at) VALUES ($1, $2, CASE WHEN $3::int IS NULL THEN NULL ELSE DATE '1970-01-01' + $3::int END, $4, $5, $6, $7, $8)",
    [
      d.id,
      d.etp,
      d.thresholdDay,
      d.decision,
      d.disconnectAtMs === null ? null : new Date(d.disconnectAtMs).toISOString(),
      d.reason,
      d.actor,
      new Date(d.decidedAtMs).toISOString(),
    ],
  );
}
