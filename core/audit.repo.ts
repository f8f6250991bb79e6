/** The audit trail's table (`audit_log`). */
import type { Queryable } from './db.ts';

/** One row; `at` null takes the database's now(); `before`/`after` are JSON text or null. */
export async function insertAuditRow(
  tx: Queryable,
  r: {
    at: string | null;
    actor: string;
    ip: string | null;
    action: string;
    subject: string | null;
    before: string | null;
    after: string | null;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (at, actor, ip, action, subject, before, after) VALUES (COALESCE($1::timestamptz, now()), $2, $3, $4, $5, $6::jsonb, $7::jsonb)',
    [r.at, r.actor, r.ip, r.action, r.subject, r.before, r.after],
  );
}
