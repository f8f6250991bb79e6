/**
 * The public status site, served by kuzet from the cached snapshot (notices/site): no token, no
 * database on the request path, ETag + Cache-Control, strict CSP.
 *
 * GET /status (?lang=kk|ru, then Accept-Language, default kk) · /status.json · /status.rss · /status.atom
 * GET /status/widget (iframe page) · /status/widget.js (embeds it)
 * POST /status/subscribe · GET /status/subscribe/confirm?token= · GET|POST /status/unsubscribe?token=
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { InputError } from '../core/errors.ts';
import { pickLang, STATUS_CSP, WIDGET_CSP, type NoticeRuntime, type Variant } from '../notices/index.ts';
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

/**
 * One output of the site. `negotiated`: the language came from Accept-Language (no valid `?lang`),
 * so caches must key on it (Vary); with `?lang` the URL alone names the bytes.
 */
function serve(ctx: Context, deps: StatusRouteDeps, variant: Variant, csp: string | null, negotiated: boolean) {
  const entry = deps.notices()?.site.get(variant);
  if (!entry) {
    ctx.status = 503;
    ctx.set('Retry-After', '2');
    ctx.body = { error: { code: 'unavailable', message: 'the status page is being built; retry in a moment' } };
    return;
  }
  // A 304 carries the same Cache-Control, ETag, Last-Modified and Vary a 200 would (RFC 9110 §15.4.5).
  ctx.set('Cache-Control', CACHE);
  ctx.set('ETag', entry.etag);
  ctx.set('Last-Modified', entry.lastModified.toUTCString());
  if (negotiated) ctx.set('Vary', 'Accept-Language');
  if (csp) ctx.set('Content-Security-Policy', csp);
  ctx.set('Referrer-Policy', 'no-referrer');
  if (notModified({ ifNoneMatch: ctx.get('if-none-match'), ifModifiedSince: ctx.get('if-modified-since') }, entry)) {
    ctx.status = 304;
    return;
  }
  ctx.type = entry.type;
  ctx.body = entry.body;
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
  const lang = (ctx: Context) => pickLang(ctx.query.lang, ctx.get('accept-language') || undefined);
  const negotiated = (ctx: Context) => ctx.query.lang !== 'kk' && ctx.query.lang !== 'ru';
  router.get('/status', (ctx) => serve(ctx, deps, `html-${lang(ctx)}`, STATUS_CSP, negotiated(ctx)));
  router.get('/status.json', (ctx) => serve(ctx, deps, 'json', null, false));
  router.get('/status.rss', (ctx) => serve(ctx, deps, `rss-${lang(ctx)}`, null, negotiated(ctx)));
  router.get('/status.atom', (ctx) => serve(ctx, deps, `atom-${lang(ctx)}`, null, negotiated(ctx)));
  router.get('/status/widget', (ctx) => serve(ctx, deps, `widget-${lang(ctx)}`, WIDGET_CSP, negotiated(ctx)));
  router.get('/status/widget.js', (ctx) => {
    serve(ctx, deps, 'widget.js', null, false);
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
  });

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
