/**
 * Admin pages: console users (roles, disable, unlock, sign-out everywhere, passwords), API tokens
 * (created shown once, revoked) and the audit log with its CSV export. Every change is audited.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { audit } from '../core/audit.ts';
import { ROLES, createToken, parseRole } from '../core/auth.ts';
import type { Queryable } from '../core/db.ts';
import { InputError, NotFoundError } from '../core/errors.ts';
import { formatAstana, tryParseDateTimeMs } from '../core/time.ts';
import type { KuzetServices } from '../app/services.ts';
import { html, need } from './pages.ts';
import { labels, term } from './render.ts';
import { consoleState } from './security.ts';
import { activeSessions, createUser, listUsers, setDisabled, setPassword, setRole, signOutEverywhere, unlockUser } from './users.repo.ts';

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

function auditQuery(q: Record<string, unknown>): AuditFilter {
  const str = (k: string) => (typeof q[k] === 'string' && (q[k] as string).trim() ? (q[k] as string).trim() : undefined);
  const f: AuditFilter = { actor: str('actor'), action: str('action'), from: str('from'), to: str('to') };
  for (const k of ['from', 'to'] as const) if (f[k] !== undefined && tryParseDateTimeMs(f[k] as string) === undefined) throw new InputError('not an ISO 8601 date-time with offset, e.g. 2026-01-01T00:00:00+05:00', k);
  return f;
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
  if (f.action) add("action LIKE ? || '%'", f.action.replace(/[\\%_]/g, (c) => `\\${c}`));
  if (f.from) add('at >= ?', new Date(tryParseDateTimeMs(f.from) as number).toISOString());
  if (f.to) add('at <= ?', new Date(tryParseDateTimeMs(f.to) as number).toISOString());
  params.push(limit);
  return db.query<AuditRow>(`SELECT id::text AS id, at, actor, ip, action, subject, before, after FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`, params);
}

/** One CSV cell (RFC 4180); a cell a spreadsheet would run as a formula is prefixed with `'`. */
export function csvCell(v: unknown): string {
  let t = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(t)) t = `'${t}`;
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export const AUDIT_CSV_HEADER = ['id', 'at', 'actor', 'ip', 'action', 'subject', 'before', 'after'];

export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = [AUDIT_CSV_HEADER.join(',')];
  for (const r of rows) lines.push([r.id, formatAstana(new Date(r.at)), r.actor, r.ip, r.action, r.subject, r.before, r.after].map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const seeOther = (ctx: Context, to: string) => {
  ctx.status = 303;
  ctx.redirect(to);
};

export function registerAdminPages(router: Router, s: KuzetServices): void {
  const db = () => s.db();

  const usersPage = async (ctx: Context, created?: string) => {
    need(ctx, 'admin');
    const lang = consoleState(ctx).lang;
    const now = s.now();
    const users = await Promise.all(
      (await listUsers(db())).map(async (u) => ({
        ...u,
        roles: ROLES.map((r) => ({ value: r, label: term(lang, r), selected: r === u.role })),
        lockedUntil: u.lockedUntil && u.lockedUntil > now ? formatAstana(u.lockedUntil) : null,
        sessions: await activeSessions(db(), u.username, now),
      })),
    );
    html(ctx, s, 'users', { users, roleOptions: ROLES.map((r) => ({ value: r, label: term(lang, r) })), created }, { title: labels(lang).users });
  };

  router.get('/console/users', (ctx) => usersPage(ctx));
  router.post('/console/users', async (ctx) => {
    const actor = need(ctx, 'admin');
    const f = consoleState(ctx).form;
    const u = await createUser(db(), { username: f.username, name: f.name, role: f.role, password: f.password ?? '' }, actor);
    await usersPage(ctx, `${u.username} (${term(consoleState(ctx).lang, u.role)})`);
  });
  router.post('/console/users/password', async (ctx) => {
    const actor = need(ctx, 'admin');
    const f = consoleState(ctx).form;
    await setPassword(db(), (f.username ?? '').trim().toLowerCase(), f.password ?? '', actor, s.now());
    seeOther(ctx, '/console/users');
  });
  router.post('/console/users/:username/:op', async (ctx) => {
    const actor = need(ctx, 'admin');
    const username = ctx.params.username as string;
    const now = s.now();
    switch (ctx.params.op) {
      case 'role':
        await setRole(db(), username, consoleState(ctx).form.role, actor);
        break;
      case 'disable':
        await setDisabled(db(), username, true, actor, now);
        break;
      case 'enable':
        await setDisabled(db(), username, false, actor, now);
        break;
      case 'unlock':
        await unlockUser(db(), username, actor);
        break;
      case 'sign-out-everywhere':
        await signOutEverywhere(db(), username, actor, now);
        break;
      default:
        throw new NotFoundError(`no user action "${ctx.params.op}"`);
    }
    seeOther(ctx, '/console/users');
  });

  const tokensPage = async (ctx: Context, token?: string) => {
    need(ctx, 'admin');
    const rows = await db().query<{ id: string; name: string | null; role: string; created_at: Date; revoked_at: Date | null }>('SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at DESC');
    const tokens = rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: formatAstana(new Date(r.created_at)), revokedAt: r.revoked_at ? formatAstana(new Date(r.revoked_at)) : null }));
    html(ctx, s, 'tokens', { tokens, token }, { title: labels(consoleState(ctx).lang).tokens });
  };
  router.get('/console/tokens', (ctx) => tokensPage(ctx));
  router.post('/console/tokens', async (ctx) => {
    const actor = need(ctx, 'admin');
    const f = consoleState(ctx).form;
    const t = await createToken(db(), { role: parseRole(f.role), name: f.name?.trim() || undefined, actor: actor.id, ip: actor.ip });
    await tokensPage(ctx, t.token);
  });
  router.post('/console/tokens/:id/revoke', async (ctx) => {
    const actor = need(ctx, 'admin');
    const id = ctx.params.id as string;
    await db().transaction(async (tx) => {
      const rows = await tx.query<{ role: string }>('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING role', [id, s.now().toISOString()]);
      if (rows.length === 0) throw new NotFoundError(`no live token ${id}`);
      await audit(tx, { actor: actor.id, ip: actor.ip, action: 'token.revoke', subject: id, before: { revoked: false, role: rows[0]?.role }, after: { revoked: true } });
    });
    seeOther(ctx, '/console/tokens');
  });

  router.get('/console/audit', async (ctx) => {
    need(ctx, 'admin');
    const q = auditQuery(ctx.query);
    const rows = (await readAudit(db(), q, 500)).map((r) => ({ ...r, at: formatAstana(new Date(r.at)), before: r.before === null ? '' : JSON.stringify(r.before), after: r.after === null ? '' : JSON.stringify(r.after) }));
    html(ctx, s, 'audit', { rows, q, query: ctx.querystring }, { title: labels(consoleState(ctx).lang).audit });
  });
  router.get('/console/audit.csv', async (ctx) => {
    const actor = need(ctx, 'admin');
    const q = auditQuery(ctx.query);
    const rows = await readAudit(db(), q, 1_000_000);
    // Reading the whole trail out is itself recorded.
    await audit(db(), { actor: actor.id, ip: actor.ip, action: 'audit.export', after: { ...q, rows: rows.length } });
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="kuzet-audit-${formatAstana(s.now()).slice(0, 10)}.csv"`);
    ctx.body = auditCsv(rows);
  });
}
