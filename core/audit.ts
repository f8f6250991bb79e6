/**
 * The audit trail: every write to the system records who, when, from which IP, what and the value
 * before and after, in the same transaction as the write (docs/rules.md §10: actions logged with
 * date, time and IP address).
 */
import type { Queryable } from './db.ts';
import { insertAuditRow } from './audit.repo.ts';

export interface AuditEntry {
  /** Token id or `system:<component>` for kuzet's own writes. */
  actor: string;
  ip?: string | null | undefined;
  action: string;
  subject?: string | null | undefined;
  before?: unknown;
  after?: unknown;
  /** Defaults to the database's now(). */
  at?: Date | undefined;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export async function audit(tx: Queryable, e: AuditEntry): Promise<void> {
  await insertAuditRow(tx, {
    at: e.at ? e.at.toISOString() : null,
    actor: e.actor,
    ip: e.ip ?? null,
    action: e.action,
    subject: e.subject ?? null,
    before: json(e.before),
    after: json(e.after),
  });
}
