/**
 * The operator console under /console (issue #10): sign-in, roles, the on-call pages, live updates and
 * the admin pages, server-rendered (handlebars) with one static script. Mounted by app/start.ts
 * through `createApi`'s extensions; the public parts (/status, appeals) stay outside it.
 */
import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiExtension } from '../api/index.ts';
import type { ConsoleDeps } from './deps.ts';
import { registerAdminPages } from './admin.ts';
import { registerDeadlinesPage } from './deadlines.ts';
import { registerAcknowledge } from './acknowledge.ts';
import { LiveFeed } from './live.ts';
import { registerPages } from './pages.ts';
import { registerOncallPages } from './oncall.ts';
import { labels, renderPage } from './render.ts';
import { LOGIN_CSRF_COOKIE, consoleMiddleware, consoleState, newLoginCsrf, sessionCookieName, sessionCookieOptions } from './security.ts';
import { SSO_START_PATH, registerSso, type SsoSignOut } from './sso.ts';
import { SESSION_MAX_MS, actorId, signIn, signOut, signOutEverywhere, type ActorRef, type SessionView } from './users.repo.ts';

export { createUser, listUsers, setRole, setDisabled, setPassword, signIn, unlockUser } from './users.repo.ts';
export type { ConsoleDeps, ConsoleEtp } from './deps.ts';

const STATIC: Record<string, { type: string; body: Buffer }> = {
  'console.js': { type: 'application/javascript; charset=utf-8', body: readFileSync(new URL('./static/console.js', import.meta.url)) },
  'console.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./static/console.css', import.meta.url)) },
};

/** Only a local path may follow sign-in (no open redirect to another site). */
const safeNext = (v: unknown) =>
  typeof v === 'string' && /^\/console(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(v) && !v.startsWith('//') ? v : '/console';

/** What the sign-in pages read: accounts and sessions in the database, whether SSO is configured, the clock. */
type SignInDeps = Pick<ConsoleDeps, 'db' | 'config' | 'now'>;

function loginPage(ctx: Context, s: SignInDeps, data: { error?: string; username?: string; next?: string }) {
  const token = newLoginCsrf();
  ctx.cookies.set(LOGIN_CSRF_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: '/console/login',
    overwrite: true,
  });
  ctx.type = 'text/html; charset=utf-8';
  const lang = consoleState(ctx).lang;
  const next = safeNext(data.next);
  const sso = s.config().console?.oidc ? { href: `${SSO_START_PATH}?next=${encodeURIComponent(next)}` } : undefined;
  ctx.body = renderPage(
    'login',
    { lang, path: ctx.path, now: s.now() },
    { ...data, loginCsrf: token, next, sso },
    { title: labels(lang).signIn },
  );
}

/** `GET /console/login`: the form, or on to where the signed-in user was going. */
const loginForm = (s: SignInDeps) => (ctx: Context) => {
  if (consoleState(ctx).session) {
    ctx.redirect(safeNext(ctx.query.next));
    return;
  }
  loginPage(ctx, s, { next: typeof ctx.query.next === 'string' ? ctx.query.next : undefined });
};

/** `POST /console/login`: the password checked, a session opened. */
const login = (s: SignInDeps) => async (ctx: Context) => {
  const f = consoleState(ctx).form;
  const L = labels(consoleState(ctx).lang);
  const r = await signIn(s.db(), f.username ?? '', f.password ?? '', { ip: ctx.ip, userAgent: ctx.get('user-agent') }, s.now());
  if (!r.ok) {
    // A locked account answers exactly as a wrong password or an unknown name does (401, same page, no
    // Retry-After): a different answer told anyone which accounts exist. The lock holds and is audited.
    // Throttling is about the client address, not the account, so it may say so.
    const throttled = r.reason === 'throttled';
    if (throttled && r.retryAfterS) ctx.set('Retry-After', String(r.retryAfterS));
    const message = throttled ? L.throttled.replace('{s}', String(r.retryAfterS ?? 0)) : L.wrongPassword;
    loginPage(ctx, s, { error: message, username: f.username, next: f.next });
    ctx.status = throttled ? 429 : 401;
    return;
  }
  ctx.cookies.set(sessionCookieName(ctx), r.session.id, sessionCookieOptions(ctx, SESSION_MAX_MS));
  ctx.cookies.set(LOGIN_CSRF_COOKIE, '', { path: '/console/login', maxAge: 0, overwrite: true });
  ctx.status = 303;
  ctx.redirect(safeNext(f.next));
};

/**
 * `POST /console/logout` (this session) and `/console/logout-everywhere` (every session of the user).
 * An SSO session is ended at kuzet first, then the browser goes to the provider to end its session there too.
 */
const logout =
  (s: SignInDeps, sso: SsoSignOut, end: (s: SignInDeps, session: SessionView, actor: ActorRef) => Promise<unknown>) =>
  async (ctx: Context) => {
    const session = consoleState(ctx).session;
    const provider = session ? await sso.endSessionUrl(session.idHash) : undefined;
    if (session) await end(s, session, { id: actorId(session.user.username), ip: ctx.ip });
    ctx.cookies.set(sessionCookieName(ctx), '', { ...sessionCookieOptions(ctx), maxAge: 0 });
    ctx.status = 303;
    ctx.redirect(provider ?? '/console/login');
  };

const endThisSession = (s: SignInDeps, session: SessionView, actor: ActorRef) => signOut(s.db(), session.idHash, actor, s.now());
const endEverySession = (s: SignInDeps, session: SessionView, actor: ActorRef) =>
  signOutEverywhere(s.db(), session.user.username, actor, s.now());

function registerSignIn(router: Router, s: SignInDeps, sso: SsoSignOut): void {
  router.get('/console/login', loginForm(s));
  router.post('/console/login', login(s));
  router.post('/console/logout', logout(s, sso, endThisSession));
  router.post('/console/logout-everywhere', logout(s, sso, endEverySession));
}

/** `GET /console/static/:name`: the console's one script and one stylesheet. */
const staticFile = (ctx: Context) => {
  const name = ctx.params.name as string;
  const f = Object.hasOwn(STATIC, name) ? STATIC[name] : undefined; // not `constructor` of Object
  if (!f) return;
  ctx.type = f.type;
  ctx.set('Cache-Control', 'no-cache');
  ctx.body = f.body;
};

/** The console, mounted on the HTTP app (the `extensions` of api/'s createApi): its middleware and routes. */
export function consoleExtension(d: ConsoleDeps): ApiExtension {
  const live = new LiveFeed(d);
  return (app, router) => {
    app.use(consoleMiddleware(d));
    router.get('/console/static/:name', staticFile);
    router.get('/console/events', (ctx) => live.attach(ctx));
    registerSignIn(router, d, registerSso(router, d, safeNext));
    registerPages(router, d);
    registerDeadlinesPage(router, d);
    registerAcknowledge(router, d);
    registerAdminPages(router, d);
    registerOncallPages(router, d);
  };
}
export { registerConsoleCommands } from './cli.ts';
