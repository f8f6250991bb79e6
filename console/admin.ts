/**
 * Admin pages: console users (roles, disable, unlock, sign-out everywhere, passwords), API tokens
 * (created shown once, revoked) and the audit log with its CSV export. Every change is audited.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { audit } from '../core/audit.ts';
import { ROLES, createToken, parseRole } from '../core/auth.ts';
import { InputError, NotFoundError } from '../core/errors.ts';
import { formatAstana, tryParseDateTimeMs } from '../core/time.ts';
import { listTokens, readAudit, revokeToken, type AuditFilter, type AuditRow } from './admin.repo.ts';
import type { ConsoleDeps } from './deps.ts';
import { html, need } from './pages.ts';
import { labels, term } from './render.ts';
import { consoleState } from './security.ts';
import { activeSessions, createUser, listUsers, setDisabled, setPassword, setRole, signOutEverywhere, unlockUser } from './users.repo.ts';

function auditQuery(q: Record<string, unknown>): AuditFilter {
  const str = (k: string) => (typeof q[k] === 'string' && (q[k] as string).trim() ? (q[k] as string).trim() : undefined);
  const f: AuditFilter = { actor: str('actor'), action: str('action'), from: str('from'), to: str('to') };
  for (const k of ['from', 'to'] as const)
    if (f[k] !== undefined && tryParseDateTimeMs(f[k] as string) === undefined)
      throw new InputError('not an ISO 8601 date-time with offset, e.g. 2026-01-01T00:00:00+05:00', k);
  return f;
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
  for (const r of rows)
    lines.push([r.id, formatAstana(new Date(r.at)), r.actor, r.ip, r.action, r.subject, r.before, r.after].map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const seeOther = (ctx: Context, to: string) => {
  ctx.status = 303;
  ctx.redirect(to);
};

/** What the admin pages use: accounts, tokens and the audit log in the database, the clock. */
export type AdminDeps = Pick<ConsoleDeps, 'db' | 'now'>;

/** The users page, with the account just created (shown once) when there is one. */
async function showUsers(d: AdminDeps, ctx: Context, created?: string): Promise<void> {
  need(ctx, 'admin');
  const lang = consoleState(ctx).lang;
  const now = d.now();
  const users = await Promise.all(
    (await listUsers(d.db())).map(async (u) => ({
      ...u,
      roles: ROLES.map((r) => ({ value: r, label: term(lang, r), selected: r === u.role })),
      lockedUntil: u.lockedUntil && u.lockedUntil > now ? formatAstana(u.lockedUntil) : null,
      sessions: await activeSessions(d.db(), u.username, now),
    })),
  );
  html(
    ctx,
    d,
    'users',
    { users, roleOptions: ROLES.map((r) => ({ value: r, label: term(lang, r) })), created },
    { title: labels(lang).users },
  );
}

const usersPage = (d: AdminDeps) => (ctx: Context) => showUsers(d, ctx);

const createUserAction = (d: AdminDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'admin');
  const f = consoleState(ctx).form;
  const u = await createUser(d.db(), { username: f.username, name: f.name, role: f.role, password: f.password ?? '' }, actor);
  await showUsers(d, ctx, `${u.username} (${term(consoleState(ctx).lang, u.role)})`);
};

const setPasswordAction = (d: AdminDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'admin');
  const f = consoleState(ctx).form;
  await setPassword(d.db(), (f.username ?? '').trim().toLowerCase(), f.password ?? '', actor, d.now());
  seeOther(ctx, '/console/users');
};

/** `POST /console/users/:username/:op`: role, disable, enable, unlock, sign-out-everywhere. */
const userAction = (d: AdminDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'admin');
  const username = ctx.params.username as string;
  const now = d.now();
  switch (ctx.params.op) {
    case 'role':
      await setRole(d.db(), username, consoleState(ctx).form.role, actor);
      break;
    case 'disable':
      await setDisabled(d.db(), username, true, actor, now);
      break;
    case 'enable':
      await setDisabled(d.db(), username, false, actor, now);
      break;
    case 'unlock':
      await unlockUser(d.db(), username, actor);
      break;
    case 'sign-out-everywhere':
      await signOutEverywhere(d.db(), username, actor, now);
      break;
    default:
      throw new NotFoundError(`no user action "${ctx.params.op}"`);
  }
  seeOther(ctx, '/console/users');
};

/** The tokens page, with the token just created (its secret shown this once) when there is one. */
async function showTokens(d: AdminDeps, ctx: Context, token?: string): Promise<void> {
  need(ctx, 'admin');
  const rows = await listTokens(d.db());
  const tokens = rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: formatAstana(new Date(r.created_at)),
    revokedAt: r.revoked_at ? formatAstana(new Date(r.revoked_at)) : null,
  }));
  html(ctx, d, 'tokens', { tokens, token }, { title: labels(consoleState(ctx).lang).tokens });
}

const tokensPage = (d: AdminDeps) => (ctx: Context) => showTokens(d, ctx);

const createTokenAction = (d: AdminDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'admin');
  const f = consoleState(ctx).form;
  const t = await createToken(d.db(), { role: parseRole(f.role), name: f.name?.trim() || undefined, actor: actor.id, ip: actor.ip });
  await showTokens(d, ctx, t.token);
};

const revokeTokenAction = (d: AdminDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'admin');
  await revokeToken(d.db(), ctx.params.id as string, actor, d.now());
  seeOther(ctx, '/console/tokens');
};

const auditPage = (d: AdminDeps) => async (ctx: Context) => {
  need(ctx, 'admin');
  const q = auditQuery(ctx.query);
  const rows = (await readAudit(d.db(), q, 500)).map((r) => ({
    ...r,
    at: formatAstana(new Date(r.at)),
    before: r.before === null ? '' : JSON.stringify(r.before),
    after: r.after === null ? '' : JSON.stringify(r.after),
  }));
  html(ctx, d, 'audit', { rows, q, query: ctx.querystring }, { title: labels(consoleState(ctx).lang).audit });
};

const auditExport = (d: AdminDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'admin');
  const q = auditQuery(ctx.query);
  const rows = await readAudit(d.db(), q, 1_000_000);
  // Reading the whole trail out is itself recorded.
  await audit(d.db(), { actor: actor.id, ip: actor.ip, action: 'audit.export', after: { ...q, rows: rows.length } });
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Content-Disposition', `attachment; filename="kuzet-audit-${formatAstana(d.now()).slice(0, 10)}.csv"`);
  ctx.body = auditCsv(rows);
};

export function registerAdminPages(router: Router, d: AdminDeps): void {
  router.get('/console/users', usersPage(d));
  router.post('/console/users', createUserAction(d));
  router.post('/console/users/password', setPasswordAction(d));
  router.post('/console/users/:username/:op', userAction(d));
  router.get('/console/tokens', tokensPage(d));
  router.post('/console/tokens', createTokenAction(d));
  router.post('/console/tokens/:id/revoke', revokeTokenAction(d));
  router.get('/console/audit', auditPage(d));
  router.get('/console/audit.csv', auditExport(d));
}
