/**
 * The console's front door, one Koa middleware ahead of the router:
 * - security headers on every console answer (strict CSP, no framing, no sniffing, no referrer leaks,
 *   HSTS behind TLS);
 * - the session from its cookie (HttpOnly, SameSite=Lax, Secure behind TLS; only a hash is stored);
 * - same-origin checks and CSRF tokens on every console form (a synchronizer token kept with the
 *   session; the sign-in form, which has no session yet, uses a double-submit cookie);
 * - outside /console, a session stands in for a bearer token (core/auth.ts) on reads, and on writes
 *   only with the session's token in `X-CSRF-Token`.
 * Errors on console pages are rendered as HTML pages, never as a stack trace.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { InputError, KuzetError } from '../core/errors.ts';
import { readBodyText, refuseUnstorableFields } from '../api/index.ts';
import type { ConsoleDeps } from './deps.ts';
import { CONSOLE_LANGS, type ConsoleLang } from './i18n.ts';
import { CONSOLE_CSP, labels, renderPage } from './render.ts';
import { actorOf, lookupSession, type SessionView } from './users.repo.ts';

/** What the front door reads: sessions from the database, the configured public address, the clock, the log for failures. */
export type SecurityDeps = Pick<ConsoleDeps, 'db' | 'config' | 'now' | 'log'>;

export const SESSION_COOKIE = 'kuzet_session';
/** Behind TLS the cookie takes the `__Host-` prefix: the browser then refuses it without Secure, a Domain or a Path other than /. */
export const SECURE_SESSION_COOKIE = '__Host-kuzet_session';
export const LOGIN_CSRF_COOKIE = 'kuzet_login_csrf';
const LANG_COOKIE = 'kuzet_lang';
/** Pages reachable without a session: the sign-in form and the single sign-on start and callback (sso.ts). */
const SIGN_IN_PATHS: ReadonlySet<string> = new Set(['/console/login', '/console/login/oidc', '/console/login/oidc/callback']);
const FORM_LIMIT = 256 * 1024;

export interface ConsoleState {
  session: SessionView | undefined;
  lang: ConsoleLang;
  form: Record<string, string>;
}

export const consoleState = (ctx: Context) => ctx.state.console as ConsoleState;

export const isConsolePath = (p: string) => p === '/console' || p.startsWith('/console/');

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const forbidden = (message: string) => new KuzetError('forbidden', message, { status: 403 });

/** An `application/x-www-form-urlencoded` body of at most 256 KiB; the last value of a repeated name wins. */
async function readForm(ctx: Context): Promise<Record<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded')) return {};
  return refuseUnstorableFields(Object.fromEntries(new URLSearchParams(await readBodyText(ctx, FORM_LIMIT))));
}

export function sessionCookieOptions(ctx: Context, maxAgeMs?: number) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path: '/',
    overwrite: true,
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

export const sessionCookieName = (ctx: Context) => (ctx.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);

function pickLang(ctx: Context): ConsoleLang {
  const q = ctx.query.lang;
  if (typeof q === 'string' && (CONSOLE_LANGS as readonly string[]).includes(q)) {
    ctx.cookies.set(LANG_COOKIE, q, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path: '/console',
      maxAge: 365 * 86_400_000,
      overwrite: true,
    });
    return q as ConsoleLang;
  }
  const c = ctx.cookies.get(LANG_COOKIE);
  return c && (CONSOLE_LANGS as readonly string[]).includes(c) ? (c as ConsoleLang) : 'kk';
}

/** A request from another site: the browser says so (Sec-Fetch-Site) or its Origin is not ours. */
function crossSite(ctx: Context, s: SecurityDeps): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = ctx.get('origin');
  return Boolean(origin) && origin !== ownOrigin(ctx, s);
}

/**
 * This console's origin: that of `server.publicUrl` when configured; else built from the request's
 * protocol and host (Koa 3's ctx.origin echoes the Origin header), which forwarded.ts lets only a
 * trusted proxy change.
 */
function ownOrigin(ctx: Context, s: SecurityDeps): string {
  const configured = s.config().server.publicUrl;
  return configured ? new URL(configured).origin : `${ctx.protocol}://${ctx.host}`;
}

/** The path of a same-origin Referer, for a "back" link; anything else (absent, malformed, another site) is the console's home. */
function backPath(ctx: Context, s: SecurityDeps): string {
  const referer = ctx.get('referer');
  if (!referer || crossSite(ctx, s)) return '/console';
  try {
    const u = new URL(referer);
    return u.origin === ownOrigin(ctx, s) && isConsolePath(u.pathname) ? u.pathname : '/console';
  } catch {
    return '/console';
  }
}

function setSecurityHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', CONSOLE_CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
}

function renderError(ctx: Context, s: SecurityDeps, status: number, message: string): void {
  const st = ctx.state.console as ConsoleState | undefined;
  const lang = st?.lang ?? 'kk';
  const L = labels(lang);
  const me = st?.session ? { username: st.session.user.username, role: st.session.user.role } : undefined;
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  const back = ctx.method === 'GET' ? '/console' : backPath(ctx, s);
  ctx.body = renderPage(
    'error',
    { lang, me, csrf: st?.session?.csrf, path: ctx.path, now: s.now() },
    { heading: status === 403 ? L.forbidden : `${L.error} ${status}`, message, back },
    { title: L.error },
  );
}

export function consoleMiddleware(s: SecurityDeps) {
  return async (ctx: Context, next: Next) => {
    const isConsole = isConsolePath(ctx.path);
    const sid = ctx.cookies.get(SECURE_SESSION_COOKIE) ?? ctx.cookies.get(SESSION_COOKIE);
    if (!isConsole) {
      // Only the API takes a session; the public status site never waits on a session lookup.
      if (sid && !ctx.get('authorization') && ctx.path.startsWith('/api/')) {
        const session = await lookupSession(s.db(), sid, s.now());
        const safe = ctx.method === 'GET' || ctx.method === 'HEAD';
        // A read changes nothing and another site cannot see its answer; a write needs the session's token.
        if (session && (safe || (sameToken(ctx.get('x-csrf-token'), session.csrf) && !crossSite(ctx, s)))) {
          ctx.state.sessionActor = actorOf(session.user);
        }
      }
      return next();
    }

    setSecurityHeaders(ctx);
    const state: ConsoleState = { session: undefined, lang: pickLang(ctx), form: {} };
    ctx.state.console = state;
    try {
      if (ctx.path.startsWith('/console/static/')) return await next();
      state.session = sid ? await lookupSession(s.db(), sid, s.now()) : undefined;
      const write = ctx.method !== 'GET' && ctx.method !== 'HEAD';
      if (write) {
        if (crossSite(ctx, s)) throw forbidden('cross-site request refused (Origin / Sec-Fetch-Site is not this console)');
        state.form = await readForm(ctx);
        if (ctx.path === '/console/login') {
          if (!sameToken(state.form._csrf, ctx.cookies.get(LOGIN_CSRF_COOKIE)))
            throw forbidden('the form’s CSRF token is missing or does not match; reload the sign-in page');
        } else if (!state.session) {
          ctx.redirect('/console/login');
          ctx.status = 303;
          return;
        } else if (!sameToken(state.form._csrf, state.session.csrf)) {
          throw forbidden('the form’s CSRF token is missing or does not match; reload the page and submit again');
        }
      } else if (!state.session && !SIGN_IN_PATHS.has(ctx.path)) {
        if (ctx.path === '/console/events') throw new KuzetError('unauthorized', 'sign in first', { status: 401 });
        const nextPath = ctx.path + (ctx.querystring ? `?${ctx.querystring}` : '');
        ctx.redirect(`/console/login?next=${encodeURIComponent(nextPath)}`);
        return;
      }
      await next();
      if (ctx.status === 404 && ctx.body === undefined) renderError(ctx, s, 404, `${ctx.method} ${ctx.path}`);
    } catch (e) {
      if (e instanceof KuzetError) {
        if (e.status >= 500) s.log.warn({ err: e.message, path: ctx.path }, 'console request failed');
        renderError(
          ctx,
          s,
          e.status,
          e instanceof InputError && e.issues.length > 1
            ? e.issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ')
            : e.message,
        );
      } else {
        s.log.error({ err: (e as Error).message, stack: (e as Error).stack, path: ctx.path }, 'console request failed');
        renderError(ctx, s, 500, 'internal error; see the server log');
      }
    }
  };
}

export const newLoginCsrf = () => randomBytes(24).toString('base64url');
