/**
 * The HTTP API (Koa): health, readiness, metrics, systems, status, results, and the rules engine.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { requireRole } from '../core/auth.ts';
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { InputError, NotFoundError, UnavailableError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { rulesCalendar, rulesDeadlines, rulesLeadTime, rulesSla } from '../incidents/index.ts';
import { forwardedHeaders } from './forwarded.ts';
import { errorMiddleware, queryDate, readJson } from './http-util.ts';
import { idCursor, queryLimit } from './paging.ts';
import { registerIncidentRoutes, type IncidentRouteDeps } from './incidents.routes.ts';
import { registerNoticeRoutes, type NoticeRouteDeps } from './notices.routes.ts';
import { registerSlackRoutes } from './slack-interactions.routes.ts';
import { registerStatusRoutes, statusFastPath } from './status-site.routes.ts';
import { type Metrics, listResults, type StatusBoard } from '../collector/index.ts';
import { publicObservations, registerRunRoutes } from './runs.routes.ts';

/** A part mounted on the HTTP app (console, ETP registry, journal, meta): it may add middleware to `app` and routes to `router` (before the router is used). */
export type ApiExtension = (app: Koa, router: Router) => void;

export interface ApiDeps {
  config: () => KuzetConfig;
  db: () => Db | undefined;
  metrics: Metrics;
  status: StatusBoard;
  /** Names of the dependencies that are not reachable now, with the reason; empty when ready. */
  readiness: () => Promise<string[]>;
  log: Logger;
  now?: () => Date;
  /** Root of browser checks' screenshots and traces served by /api/v1/runs (default `./artifacts`). */
  artifactsDir?: string;
  /** Incidents, appeals, procurement and tariff registries (omitted: those routes are absent). */
  incidents?: IncidentRouteDeps;
  /** Notices, maintenance and the public status site (omitted: those routes are absent). */
  notices?: NoticeRouteDeps;
  /** Parts mounted on the app (console, ETP registry, …), called before the router is used. */
  extensions?: ApiExtension[];
  /** The mute in force over each muted check, by check key (issue #21 item 3); omitted: none shown. */
  checkMutes?: () => Promise<ReadonlyMap<string, CheckMute>>;
}

/** How a check list shows a mute in force. */
export interface CheckMute {
  id: string;
  reason: string;
  endsAt: string;
  by: string;
}

/** Every route the app serves (method and path pattern), read from its router: the security suite walks them all. */
export function routesOf(app: Koa): { method: string; path: string }[] {
  const routers = app.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => r !== undefined);
  const out = new Map<string, { method: string; path: string }>();
  for (const r of routers) {
    for (const layer of r.stack) {
      for (const method of layer.methods)
        if (method !== 'HEAD' && typeof layer.path === 'string') out.set(`${method} ${layer.path}`, { method, path: layer.path });
    }
  }
  return [...out.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** Headers every answer carries, and NUL refused in the path and query before any route sees them. */
function hardening(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-store');
    // PostgreSQL text cannot hold NUL: an id or a query value with one is bad input, not a database error (found by the fuzz drill).
    if (/%00/i.test(ctx.path) || ctx.path.includes('\u0000')) throw new InputError('the path must not contain a NUL character', 'path');
    if (/%00/i.test(ctx.querystring) || ctx.querystring.includes('\u0000'))
      throw new InputError('the query must not contain a NUL character', 'query');
    await next();
    // HTML without a policy of its own (the journal rendered as a page) gets a strict one: no script, no framing.
    if (ctx.response.is('html') && !ctx.response.get('Content-Security-Policy'))
      ctx.set(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
    if (ctx.response.is('html') && !ctx.response.get('Referrer-Policy')) ctx.set('Referrer-Policy', 'no-referrer');
  };
}

/** GET /healthz: the process answers. */
const healthz = (ctx: Koa.Context) => {
  ctx.body = { status: 'ok' };
};

/** GET /readyz: 503 naming what is not reachable. */
const readyz = (readiness: ApiDeps['readiness']) => async (ctx: Koa.Context) => {
  const missing = await readiness();
  ctx.status = missing.length === 0 ? 200 : 503;
  ctx.body = missing.length === 0 ? { status: 'ready' } : { status: 'not ready', missing };
};

/** GET /metrics: the Prometheus text. */
const metricsText = (metrics: Metrics) => async (ctx: Koa.Context) => {
  ctx.type = metrics.contentType;
  ctx.body = await metrics.text();
};

/** Whether the request may see owners' and contacts' names: a viewer token or session (a bad token is refused, not ignored). */
const canSeeContacts = async (ctx: Koa.Context, db: ApiDeps['db']) => {
  if (!ctx.get('authorization') && !ctx.state.sessionActor) return false;
  await requireRole(db, 'viewer')(ctx, async () => undefined);
  return true;
};

/** GET /api/v1/systems (public): what is watched and how. Owners' and contacts' names and addresses only for a viewer token or session. */
const systems = (deps: Pick<ApiDeps, 'config' | 'db' | 'checkMutes'>) => async (ctx: Koa.Context) => {
  const cfg = deps.config();
  const contacts = await canSeeContacts(ctx, deps.db);
  const mutes = (await deps.checkMutes?.()) ?? new Map<string, CheckMute>();
  ctx.body = {
    systems: Object.entries(cfg.systems).map(([id, s]) => ({
      id,
      name: s.name,
      kind: s.kind,
      policy: s.policy,
      modules: s.modules,
      ...(contacts ? { owners: s.owners, contacts: s.contacts } : {}),
      targets: s.targets.map((t) => ({
        id: t.id,
        module: t.module ?? null,
        service: t.service ?? null,
        checks: t.checks.map((c) => ({
          id: c.id,
          key: `${id}/${t.id}/${c.id}`,
          type: c.type,
          intervalSeconds: c.intervalMs / 1000,
          timeoutSeconds: c.timeoutMs / 1000,
          regions: c.regions ?? [cfg.regions[0]],
          muted: mutedView(mutes.get(`${id}/${t.id}/${c.id}`), contacts),
        })),
      })),
    })),
  };
};

/** A check's mute: its end for everyone; who muted it and why only for a viewer token or session. */
const mutedView = (m: CheckMute | undefined, inside: boolean) =>
  m ? (inside ? { id: m.id, until: m.endsAt, reason: m.reason, by: m.by } : { until: m.endsAt }) : null;

/** GET /api/v1/status (public): the live board; a muted check says until when. */
const statusBoard = (deps: Pick<ApiDeps, 'config' | 'status' | 'checkMutes'>, now: () => Date) => async (ctx: Koa.Context) => {
  const snap = deps.status.snapshot(deps.config(), now());
  if (!deps.checkMutes) {
    ctx.body = snap;
    return;
  }
  const mutes = await deps.checkMutes();
  ctx.body = {
    ...snap,
    systems: snap.systems.map((s) => ({
      ...s,
      targets: s.targets.map((t) => ({ ...t, checks: t.checks.map((c) => ({ ...c, muted: mutedView(mutes.get(c.key), false) })) })),
    })),
  };
};

/** A check's stored results between `from` and `to` (default the last 24 hours), newest first, paged. */
const results = (deps: Pick<ApiDeps, 'config' | 'db'>, now: () => Date) => async (ctx: Koa.Context, key: string) => {
  const cfg = deps.config();
  const [system, target, check] = key.split('/');
  const known =
    system &&
    Object.hasOwn(cfg.systems, system) &&
    cfg.systems[system]?.targets.find((t) => t.id === target)?.checks.some((c) => c.id === check);
  if (!known) throw new NotFoundError(`no check "${key}"; ids are system/target/check as in GET /api/v1/systems`);
  const db = deps.db();
  if (!db) throw new UnavailableError('the database is not open yet');
  const to = queryDate(ctx, 'to', now());
  const from = queryDate(ctx, 'from', new Date(to.getTime() - 86_400_000));
  if (from > to) throw new InputError('must not be after "to"', 'from');
  const limit = queryLimit(ctx);
  const cursor = idCursor(ctx);
  const page = await listResults(db, { checkKey: key, from, to, limit, cursor });
  ctx.body = {
    check: key,
    from: formatAstana(from),
    to: formatAstana(to),
    items: page.items.map((r) => ({ ...r, observations: publicObservations(r.id, r.observations), at: formatAstana(r.at) })),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
};

/** The check key of `/api/v1/checks/:id/results`, decoded once more (the id is `system/target/check` escaped). */
function checkKeyParam(id: string | undefined): string {
  // The router has decoded the id once; a second decoding of a stray '%' is bad input, not a 500 (found by the fuzz drill).
  try {
    return decodeURIComponent(id ?? '');
  } catch {
    throw new InputError('not a check key (system/target/check)', 'id');
  }
}

/** The rules engine (docs/rules.md §2, §4, §5, §6): pure computations, nothing is stored. */
function registerRulesRoutes(router: Router): void {
  const rules = { calendar: rulesCalendar, sla: rulesSla, 'lead-time': rulesLeadTime, deadlines: rulesDeadlines } as const;
  for (const [name, fn] of Object.entries(rules)) {
    router.post(`/api/v1/rules/${name}`, async (ctx) => {
      ctx.body = fn(await readJson(ctx));
    });
  }
}

/** Health, readiness, metrics, systems, status and results: the routes of the API itself. */
function registerCoreRoutes(router: Router, deps: ApiDeps, now: () => Date): void {
  router.get('/healthz', healthz);
  router.get('/readyz', readyz(deps.readiness));
  router.get('/metrics', metricsText(deps.metrics));
  router.get('/api/v1/systems', systems(deps));
  router.get('/api/v1/status', statusBoard(deps, now));
  const checkResults = results(deps, now);
  router.get('/api/v1/checks/:system/:target/:check/results', (ctx) =>
    checkResults(ctx, `${ctx.params.system}/${ctx.params.target}/${ctx.params.check}`),
  );
  router.get('/api/v1/checks/:id/results', (ctx) => checkResults(ctx, checkKeyParam(ctx.params.id)));
}

/**
 * Requests `first` answers never reach the app's middleware (the status site's plain GETs); the rest
 * go through the app. Wraps the request handler the app's `listen` and `callback` hand out.
 */
function answerFirst(app: Koa, first: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const callback = app.callback.bind(app);
  app.callback = () => {
    const handle = callback();
    // HTTP/1.1 only: a request of an HTTP/2 server goes through the app.
    return (req, res) =>
      req instanceof IncomingMessage && res instanceof ServerResponse && first(req, res) ? Promise.resolve() : handle(req, res);
  };
}

export function createApi(deps: ApiDeps): Koa {
  const now = deps.now ?? (() => new Date());
  // Forwarded headers are believed only from `server.trustedProxies` (none by default); see forwarded.ts.
  const app = new Koa({ proxy: deps.config().server.trustedProxies.length > 0 });
  const router = new Router();
  app.use(forwardedHeaders(() => deps.config().server.trustedProxies));
  app.use(errorMiddleware(deps.log));
  app.use(hardening());
  registerCoreRoutes(router, deps, now);
  registerRunRoutes(router, { db: deps.db, artifactsDir: deps.artifactsDir ?? 'artifacts', now });
  if (deps.incidents) registerIncidentRoutes(router, { now, ...deps.incidents });
  if (deps.incidents) registerSlackRoutes(router, { config: deps.config, db: deps.incidents.db, service: deps.incidents.service, now });
  if (deps.notices) registerNoticeRoutes(router, deps.notices);
  if (deps.notices) registerStatusRoutes(router, deps.notices);
  registerRulesRoutes(router);
  for (const extend of deps.extensions ?? []) extend(app, router);
  app.use(router.routes());
  app.use(router.allowedMethods());
  if (deps.notices) answerFirst(app, statusFastPath(deps.notices));
  return app;
}
