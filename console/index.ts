/**
 * The operator console under /console (issue #10): sign-in, roles, the on-call pages, live updates and
 * the admin pages, server-rendered (handlebars) with one static script. Mounted by app/start.ts
 * through `createApi`'s extensions; the public parts (/status, appeals) stay outside it.
 */
import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiExtension, KuzetServices } from '../app/services.ts';
import { registerAdminPages } from './admin.ts';
import { LiveFeed } from './live.ts';
import { registerPages } from './pages.ts';
import { labels, renderPage } from './render.ts';
import { LOGIN_CSRF_COOKIE, consoleMiddleware, consoleState, newLoginCsrf, sessionCookieName, sessionCookieOptions } from './security.ts';
import { SSO_START_PATH, registerSso, type SsoSignOut } from './sso.ts';
import { SESSION_MAX_MS, actorId, signIn, signOut, signOutEverywhere } from './users.repo.ts';

export { createUser, listUsers, setRole, setDisabled, setPassword, signIn } from './users.repo.ts';

const STATIC: Record<string, { type: string; body: Buffer }> = {
  'console.js': { type: 'application/javascript; charset=utf-8', body: readFileSync(new URL('./static/console.js', import.meta.url)) },
  'console.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./static/console.css', import.meta.url)) },
};

/** Only a local path may follow sign-in (no open redirect to another site). */
const safeNext = (v: unknown) => (typeof v === 'string' && /^\/console(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(v) && !v.startsWith('//') ? v : '/console');

function loginPage(ctx: Context, s: KuzetServices, data: { error?: string; username?: string; next?: string }) {
  const token = newLoginCsrf();
  ctx.cookies.set(LOGIN_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/console/login', overwrite: true });
  ctx.type = 'text/html; charset=utf-8';
  const lang = consoleState(ctx).lang;
  const next = safeNext(data.next);
  const sso = s.config().console?.oidc ? { href: `${SSO_START_PATH}?next=${encodeURIComponent(next)}` } : undefined;
  ctx.body = renderPage('login', { lang, path: ctx.path, now: s.now() }, { ...data, loginCsrf: token, next, sso }, { title: labels(lang).signIn });
}

function registerSignIn(router: Router, s: KuzetServices, sso: SsoSignOut): void {
  router.get('/console/login', (ctx) => {
    if (consoleState(ctx).session) {
      ctx.redirect(safeNext(ctx.query.next));
      return;
    }
    loginPage(ctx, s, { next: typeof ctx.query.next === 'string' ? ctx.query.next : undefined });
  });

  router.post('/console/login', async (ctx) => {
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
  });

  const clear = (ctx: Context) => ctx.cookies.set(sessionCookieName(ctx), '', { ...sessionCookieOptions(ctx), maxAge: 0 });

  // An SSO session is ended at kuzet first, then the browser goes to the provider to end its session there too.
  router.post('/console/logout', async (ctx) => {
    const session = consoleState(ctx).session;
    const provider = session ? await sso.endSessionUrl(session.idHash) : undefined;
    if (session) await signOut(s.db(), session.idHash, { id: actorId(session.user.username), ip: ctx.ip }, s.now());
    clear(ctx);
    ctx.status = 303;
    ctx.redirect(provider ?? '/console/login');
  });

  router.post('/console/logout-everywhere', async (ctx) => {
    const session = consoleState(ctx).session;
    const provider = session ? await sso.endSessionUrl(session.idHash) : undefined;
    if (session) await signOutEverywhere(s.db(), session.user.username, { id: actorId(session.user.username), ip: ctx.ip }, s.now());
    clear(ctx);
    ctx.status = 303;
    ctx.redirect(provider ?? '/console/login');
  });
}

export function consoleExtension(s: KuzetServices): ApiExtension {
  const live = new LiveFeed(s);
  return (app, router) => {
    app.use(consoleMiddleware(s));
    router.get('/console/static/:name', (ctx) => {
      const name = ctx.params.name as string;
      const f = Object.hasOwn(STATIC, name) ? STATIC[name] : undefined; // not `constructor` of Object
      if (!f) return;
      ctx.type = f.type;
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = f.body;
    });
    router.get('/console/events', (ctx) => live.attach(ctx));
    registerSignIn(router, s, registerSso(router, s, safeNext));
    registerPages(router, s);
    registerAdminPages(router, s);
  };
}
export { registerConsoleCommands } from './cli.ts';
