/**
 * The public status site, served by kuzet from the cached snapshot (notices/site): no token, no
 * database on the request path, ETag + Cache-Control, strict CSP.
 *
 * GET /status (?lang=kk|ru, then Accept-Language, default kk) · /status.json · /status.rss · /status.atom
 * GET /status/widget (iframe page) · /status/widget.js (embeds it)
 * POST /status/subscribe · GET /status/subscribe/confirm?token= · GET|POST /status/unsubscribe?token=
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { InputError } from '../core/errors.ts';
import { pickLang, STATUS_CSP, WIDGET_CSP, type Lang, type NoticeRuntime, type SiteEntry, type Variant } from '../notices/index.ts';
import { notModified } from './conditional.ts';
import { readJson, refuseUnstorableFields } from './http-util.ts';

export interface StatusRouteDeps {
  notices: () => NoticeRuntime | undefined;
}

/**
 * Browsers and caches reuse a copy for 10 s, then revalidate (a 304 while nothing changed); a cache
 * may serve a copy up to 30 s old while it revalidates, and a day old while kuzet does not answer,
 * so an outage notice stays up through a restart of the status server.
 */
const CACHE = 'public, max-age=10, stale-while-revalidate=30, stale-if-error=86400';

/** One public output: its path, its variant in a language, its CSP, and headers of its own. */
interface Output {
  variant: (lang: Lang) => Variant;
  /** Chosen by language (`?lang`, else Accept-Language). */
  perLang: boolean;
  csp: string | null;
  extra?: Readonly<Record<string, string>>;
}

const OUTPUTS: Readonly<Record<string, Output>> = {
  '/status': { variant: (l) => `html-${l}`, perLang: true, csp: STATUS_CSP },
  '/status.json': { variant: () => 'json', perLang: false, csp: null },
  '/status.rss': { variant: (l) => `rss-${l}`, perLang: true, csp: null },
  '/status.atom': { variant: (l) => `atom-${l}`, perLang: true, csp: null },
  '/status/widget': { variant: (l) => `widget-${l}`, perLang: true, csp: WIDGET_CSP },
  // Any page may embed the widget's script.
  '/status/widget.js': {
    variant: () => 'widget.js',
    perLang: false,
    csp: null,
    extra: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
  },
};

/**
 * The headers of a 200 or a 304 of `entry` (a 304 carries the Cache-Control, ETag, Last-Modified
 * and Vary a 200 would, RFC 9110 §15.4.5). `negotiated`: the language came from Accept-Language (no
 * valid `?lang`), so caches must key on it (Vary); with `?lang` the URL alone names the bytes.
 */
function answerHeaders(out: Output, entry: SiteEntry, negotiated: boolean): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': CACHE,
    ETag: entry.etag,
    'Last-Modified': entry.lastModified.toUTCString(),
    ...(out.perLang && negotiated ? { Vary: 'Accept-Language' } : {}),
    ...(out.csp ? { 'Content-Security-Policy': out.csp } : {}),
    'Referrer-Policy': 'no-referrer',
    ...out.extra,
  };
}

const isNotModified = (headers: IncomingHttpHeaders, entry: SiteEntry) =>
  notModified({ ifNoneMatch: headers['if-none-match'], ifModifiedSince: headers['if-modified-since'] }, entry);

/** One output through the app (any query string): the same answer as {@link statusFastPath}, or 503 while the site is first built. */
function serve(ctx: Context, deps: StatusRouteDeps, out: Output) {
  const lang = pickLang(ctx.query.lang, ctx.get('accept-language') || undefined);
  const entry = deps.notices()?.site.get(out.variant(lang));
  if (!entry) {
    ctx.status = 503;
    ctx.set('Retry-After', '2');
    ctx.body = { error: { code: 'unavailable', message: 'the status page is being built; retry in a moment' } };
    return;
  }
  ctx.set(answerHeaders(out, entry, ctx.query.lang !== 'kk' && ctx.query.lang !== 'ru'));
  if (isNotModified(ctx.req.headers, entry)) {
    ctx.status = 304;
    return;
  }
  ctx.set('Content-Type', entry.type);
  ctx.body = entry.body;
}

const PLAIN_QUERY: Readonly<Record<string, Lang>> = { 'lang=kk': 'kk', 'lang=ru': 'ru' };

/**
 * The site's GETs and HEADs at their plain URLs (no query, or `?lang=kk|ru`) answered before the
 * app's middleware: a map lookup and one write, so the public page costs what a bare node:http
 * server does (#19 goal 5) and a crowd at the status page during an outage does not queue behind
 * the app. The answer is the one the app's route gives (same headers, the app's hardening headers
 * included); any other request — another query, another method, an output not built yet — goes
 * through the app. Returns whether it answered.
 */
export function statusFastPath(deps: StatusRouteDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const out = OUTPUTS[q < 0 ? url : url.slice(0, q)];
    if (!out) return false;
    const queryLang = q < 0 ? undefined : PLAIN_QUERY[url.slice(q + 1)];
    if (q >= 0 && queryLang === undefined) return false;
    const entry = deps.notices()?.site.get(out.variant(queryLang ?? pickLang(undefined, req.headers['accept-language'])));
    if (!entry) return false;
    const headers = answerHeaders(out, entry, queryLang === undefined);
    if (isNotModified(req.headers, entry)) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Type': entry.type, 'Content-Length': String(entry.body.length) });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
    return true;
  };
}

/** Reads a JSON or form body (the status page's subscribe form posts a form). */
async function readForm(ctx: Context): Promise<Record<string, string>> {
  if (ctx.is('application/json')) return (await readJson(ctx, 16_384)) as Record<string, string>;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of ctx.req) {
    size += (c as Buffer).length;
    if (size > 16_384) throw new InputError('body too large', 'body');
    chunks.push(c as Buffer);
  }
  return refuseUnstorableFields(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
}

function page(ctx: Context, status: number, text: string) {
  ctx.status = status;
  ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = text;
}

export function registerStatusRoutes(router: Router, deps: StatusRouteDeps): void {
  for (const [path, out] of Object.entries(OUTPUTS)) router.get(path, (ctx) => serve(ctx, deps, out));

  const rt = () => {
    const r = deps.notices();
    if (!r) throw new InputError('subscriptions are not available yet', 'body');
    return r;
  };
  router.post('/status/subscribe', async (ctx) => {
    const body = await readForm(ctx);
    await rt().subscriptions.subscribe(body, ctx.ip);
    page(ctx, 202, 'Растау хаты жіберілді. / Письмо для подтверждения отправлено.');
  });
  router.get('/status/subscribe/confirm', async (ctx) => {
    const token = ctx.query.token;
    if (typeof token !== 'string' || token === '') throw new InputError('required', 'token');
    await rt().subscriptions.confirm(token, ctx.ip);
    page(ctx, 200, 'Жазылым расталды. / Подписка подтверждена.');
  });
  const unsubscribe = async (ctx: Context) => {
    const token = ctx.query.token;
    if (typeof token !== 'string' || token === '') throw new InputError('required', 'token');
    await rt().subscriptions.unsubscribe(token, ctx.ip);
    page(ctx, 200, 'Жазылымнан бас тарттыңыз. / Вы отписались.');
  };
  router.get('/status/unsubscribe', unsubscribe);
  // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to the same URL.
  router.post('/status/unsubscribe', unsubscribe);
}
