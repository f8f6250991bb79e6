/**
 * The admin pages' reads and writes outside the accounts (users.repo.ts): the audit log with its
 * filter, and API tokens listed and revoked (a revocation audited in its transaction).
 */
import { audit } from '../core/audit.ts';
import type { Db, Queryable } from '../core/db.ts';
import { tryParseDateTimeMs } from '../core/time.ts';
import { NotFoundError } from '../core/errors.ts';

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  ip: string | null;
  action: string;
  subject: string | null;
  before: unknown;
  after: unknown;
}

/** The audit log, newest first: actor exact, action by prefix (`user.` for every account change), a time window. */
export async function readAudit(db: Queryable, f: AuditFilter, limit: number): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.actor) add('actor = ?', f.actor);
  if (f.action)
    add(
      "action LIKE ? || '%'",
      f.action.replace(/[\\%_]/g, (c) => `\\${c}`),
    );
  if (f.from) add('at >= ?', new Date(tryParseDateTimeMs(f.from) as number).toISOString());
  if (f.to) add('at <= ?', new Date(tryParseDateTimeMs(f.to) as number).toISOString());
  params.push(limit);
  return db.query<AuditRow>(
    `SELECT id::text AS id, at, actor, ip, action, subject, before, after FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
}

export interface TokenRow {
  id: string;
  name: string | null;
  role: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** Every API token, newest first (the secret itself is never stored, only shown once at creation). */
export function listTokens(db: Queryable): Promise<TokenRow[]> {
  return db.query<TokenRow>('SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at DESC');
}

/** Revokes a live token, audited in the same transaction; a token unknown or already revoked is a 404. */
export async function revokeToken(db: Db, id: string, actor: { id: string; ip: string }, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx.query<{ role: string }>(
      'UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING role',
      [id, now.toISOString()],
    );
    if (rows.length === 0) throw new NotFoundError(`no live token ${id}`);
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'token.revoke',
      subject: id,
      before: { revoked: false, role: rows[0]?.role },
      after: { revoked: true },
    });
  });
}
