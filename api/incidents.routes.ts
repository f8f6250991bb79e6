/**
 * Incident, appeal and registry routes (issue items 2, 3, 6, 9). Reads need a viewer token, changes
 * an operator token; `POST /api/v1/appeals` and its attachment upload are public (rate-limited per IP;
 * the upload needs the token the appeal answered with). Every write is audited by the service.
 */
import { resolve } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireRole } from '../core/auth.ts';
import type { Db } from '../core/db.ts';
import { InputError, NotFoundError, UnavailableError } from '../core/errors.ts';
import { formatAstana } from '../core/time.ts';
import {
  INCIDENT_STATES,
  LEVELS,
  acknowledgementOf,
  clocksView,
  getIncidentRow,
  importProcurements,
  importTariffs,
  incidentView,
  listIncidentAppeals,
  listIncidentRows,
  listProcurementRows,
  procurementsFromCsv,
  timelineView,
  type IncidentService,
  type IncidentState,
  type Level,
} from '../incidents/index.ts';
import { failedRunArtifacts } from './runs.repo.ts';
import { parseJsonBody, queryDate, readBodyText, readJson } from './http-util.ts';
import { encodeCursor, paged, queryLimit, tupleCursor } from './paging.ts';
import { actorOf, type Handler } from './route.ts';
import { RateLimiter, getAppeal, linkAppeal, registerAppeal, uploadAttachment, type AppealHandlerDeps } from './appeals.routes.ts';

export { RateLimiter, binIinLimitKey } from './appeals.routes.ts';

export interface IncidentRouteDeps {
  db: () => Db | undefined;
  service: () => IncidentService | undefined;
  /** Where appeal attachments are stored (outside the database), default `./data/attachments`. */
  attachmentsDir: string;
  /** Appeals per IP per window (default 10 per 10 minutes; `incidents.appeals.perIp`). */
  appealRateLimit?: { max: number; windowMs: number };
  /** Appeals per BIN/IIN per window, whatever the address (default 5 per 10 minutes; `incidents.appeals.perBinIin`). */
  binIinRateLimit?: { max: number; windowMs: number };
  now?: () => Date;
}

/** What the incident handlers use: the database and the incident service, each a 503 while not running, and the clock. */
interface IncidentHandlerDeps {
  db: () => Db;
  service: () => IncidentService;
  now: () => Date;
}

function oneOf<T extends string>(ctx: Context, name: string, values: readonly T[]): T | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw new InputError(`must be one of ${values.join(', ')}`, name);
  return v as T;
}

/** The optional `from`/`to` of a list as epoch ms; `from` after `to` is refused. */
function timeRange(ctx: Context, now: Date): { from: number | undefined; to: number | undefined } {
  const from = ctx.query.from === undefined ? undefined : queryDate(ctx, 'from', now).getTime();
  const to = ctx.query.to === undefined ? undefined : queryDate(ctx, 'to', now).getTime();
  if (from !== undefined && to !== undefined && from > to) throw new InputError('must not be after "to"', 'from');
  return { from, to };
}

/** GET /api/v1/incidents (viewer): filtered by state, level, system and start time, newest first, paged. */
const listIncidents =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const state = oneOf<IncidentState>(ctx, 'state', INCIDENT_STATES);
    const level = oneOf<Level>(ctx, 'level', LEVELS);
    const system = typeof ctx.query.system === 'string' ? ctx.query.system : undefined;
    const { from, to } = timeRange(ctx, d.now());
    const limit = queryLimit(ctx);
    const after = tupleCursor(ctx, ['number', 'string'] as const);
    const rows = await listIncidentRows(d.db(), {
      system,
      level,
      state,
      from,
      to,
      limit: limit + 1,
      after: after ? { startedAt: after[0], id: after[1] } : undefined,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    ctx.body = {
      items: items.map(listView),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor([new Date(last.started_at).getTime(), last.id]) } : {}),
    };
  };

/** GET /api/v1/incidents/:id (viewer): the incident with its evidence, clocks, timeline and appeals. */
const getIncident =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const id = ctx.params.id as string;
    const row = await getIncidentRow(d.db(), id);
    if (!row) throw new NotFoundError(`no incident ${id}`);
    const appeals = await listIncidentAppeals(d.db(), id);
    const view = listView(row);
    ctx.body = {
      ...view,
      evidence: { ...view.evidence, screenshotUrls: await screenshotUrls(d.db(), row.evidence) },
      clocks: await clocksView(d.db(), id, d.now().getTime()),
      acknowledgement: await acknowledgementOf(d.db(), id),
      extensions: row.extensions,
      timeline: await timelineView(d.db(), id),
      // A flood attaches every appeal about the module here (appeal-attach.ts): counted and listed.
      appealCount: appeals.length,
      appeals: appeals.map((a) => ({
        ...a,
        detected_at: undefined,
        received_at: undefined,
        detectedAt: formatAstana(new Date(a.detected_at)),
        receivedAt: formatAstana(new Date(a.received_at)),
      })),
    };
  };

/** POST /api/v1/incidents/:id/transition (operator). */
const transition =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const row = await d.service().transition(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
    ctx.body = { ...incidentView(row), extensions: row.extensions };
  };

/**
 * POST /api/v1/incidents/:id/acknowledge (operator; the body `{note}` is optional): stops the escalation
 * of the incident's alert. Idempotent: a repeat answers 200 with the first acknowledgement. SLA clocks are untouched.
 */
const acknowledgeIncident =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const text = await readBodyText(ctx, 4096);
    const body: unknown = text.trim() ? parseJsonBody(text) : {};
    const r = await d.service().acknowledge(ctx.params.id as string, body, { ...actorOf(ctx), via: 'api' });
    ctx.body = { id: ctx.params.id, acknowledgement: r.ack, alreadyAcknowledged: r.already };
  };

/** POST /api/v1/incidents/:id/consequences (operator). */
const recordConsequence =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const r = await d.service().recordConsequence(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
    ctx.status = 201;
    ctx.body = { consequence: r.consequence, ...incidentView(r.row), extensions: r.row.extensions };
  };

/** PATCH /api/v1/incidents/:id (operator): the planned fix. */
const updatePlannedFix =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const row = await d.service().updatePlannedFix(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
    ctx.body = { ...incidentView(row), extensions: row.extensions };
  };

/** POST /api/v1/incidents/:id/clocks/:timer/met (operator; the body is optional). */
const markClockMet =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const text = await readBodyText(ctx, 4096);
    const body: unknown = text.trim() ? parseJsonBody(text) : {};
    await d.service().markClockMet(ctx.params.id as string, ctx.params.timer as string, body, actorOf(ctx));
    ctx.body = { clocks: await clocksView(d.db(), ctx.params.id as string, d.now().getTime()) };
  };

/** POST /api/v1/incidents/:id/clocks/:timer/extend (operator). SLA-E-ETP-RESOLVE (000 App.4 §1.5): once, to at most the original due + 15 calendar days; the user and the operator are told. */
const extendClock =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const extension = await d.service().extendClock(ctx.params.id as string, ctx.params.timer as string, await readJson(ctx), actorOf(ctx));
    ctx.body = { extension, clocks: await clocksView(d.db(), ctx.params.id as string, d.now().getTime()) };
  };

/** The list inside a `{ key: [...] }` wrapper, or the body itself. */
const unwrap = (body: unknown, key: string): unknown =>
  body && typeof body === 'object' && !Array.isArray(body) && key in body ? (body as Record<string, unknown>)[key] : body;

/** POST /api/v1/procurements (operator): JSON or CSV. */
const importProcurementsRoute =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const csv = ctx.is('text/csv', 'application/csv') !== false && ctx.is('text/csv', 'application/csv') !== null;
    const items = csv ? procurementsFromCsv(await readBodyText(ctx, 64 * 1024 * 1024)) : await readJson(ctx, 64 * 1024 * 1024);
    const body = csv ? items : unwrap(items, 'procurements');
    ctx.body = await importProcurements(d.db(), body, actorOf(ctx), d.now());
  };

/** GET /api/v1/procurements (viewer), in id order, paged. */
const listProcurements =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const limit = queryLimit(ctx);
    const after = tupleCursor(ctx, ['string'] as const);
    const rows = await listProcurementRows(d.db(), limit + 1, after?.[0]);
    const items = rows.slice(0, limit).map(({ id: _id, ...p }) => p);
    ctx.body = paged({ items, next: rows.length > limit ? [rows[limit - 1]!.id] : undefined });
  };

/** POST /api/v1/tariffs (operator). */
const importTariffsRoute =
  (d: IncidentHandlerDeps): Handler =>
  async (ctx) => {
    const items = await readJson(ctx, 16 * 1024 * 1024);
    ctx.body = await importTariffs(d.db(), unwrap(items, 'tariffs'), actorOf(ctx), d.now());
  };

/** The handlers' view of the deps: the database and the service answer 503 until they run. */
function handlerDeps(deps: IncidentRouteDeps): IncidentHandlerDeps {
  return {
    now: deps.now ?? (() => new Date()),
    db: () => {
      const d = deps.db();
      if (!d) throw new UnavailableError('the database is not open yet');
      return d;
    },
    service: () => {
      const s = deps.service();
      if (!s) throw new UnavailableError('the incident service is not running yet');
      return s;
    },
  };
}

export function registerIncidentRoutes(router: Router, deps: IncidentRouteDeps): void {
  const viewer = requireRole(deps.db, 'viewer');
  const operator = requireRole(deps.db, 'operator');
  const d = handlerDeps(deps);
  const a: AppealHandlerDeps = {
    ...d,
    attachmentsDir: resolve(deps.attachmentsDir),
    perIp: new RateLimiter(deps.appealRateLimit?.max ?? 10, deps.appealRateLimit?.windowMs ?? 600_000),
    perBinIin: new RateLimiter(deps.binIinRateLimit?.max ?? 5, deps.binIinRateLimit?.windowMs ?? 600_000),
  };
  router.get('/api/v1/incidents', viewer, listIncidents(d));
  router.get('/api/v1/incidents/:id', viewer, getIncident(d));
  router.post('/api/v1/incidents/:id/transition', operator, transition(d));
  router.post('/api/v1/incidents/:id/acknowledge', operator, acknowledgeIncident(d));
  router.post('/api/v1/incidents/:id/consequences', operator, recordConsequence(d));
  router.patch('/api/v1/incidents/:id', operator, updatePlannedFix(d));
  router.post('/api/v1/incidents/:id/clocks/:timer/met', operator, markClockMet(d));
  router.post('/api/v1/incidents/:id/clocks/:timer/extend', operator, extendClock(d));
  router.post('/api/v1/appeals', registerAppeal(a));
  router.post('/api/v1/appeals/:id/attachments', uploadAttachment(a));
  router.get('/api/v1/appeals/:id', viewer, getAppeal(a));
  router.post('/api/v1/appeals/:id/link', operator, linkAppeal(a));
  router.post('/api/v1/procurements', operator, importProcurementsRoute(d));
  router.get('/api/v1/procurements', viewer, listProcurements(d));
  router.post('/api/v1/tariffs', operator, importTariffsRoute(d));
}

/**
 * The evidence as the API shows it: screenshots are the worker's paths on its disk, which are not a
 * reader's business (issue #16); they are referenced by run and artifact name (`screenshotUrls`) only.
 */
export function publicEvidence(evidence: unknown): Record<string, unknown> {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) return {};
  const { screenshots, details, ...rest } = evidence as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (Array.isArray(screenshots)) out.screenshotCount = screenshots.length;
  if (Array.isArray(details)) {
    out.details = details.map((d) => {
      if (!d || typeof d !== 'object') return d;
      const { screenshots: shots, ...keep } = d as Record<string, unknown>;
      return Array.isArray(shots) ? { ...keep, screenshotCount: shots.length } : keep;
    });
  }
  return out;
}

const listView = (row: Parameters<typeof incidentView>[0]) => {
  const view = incidentView(row);
  return { ...view, evidence: publicEvidence(view.evidence) };
};

/**
 * The evidence keeps screenshots as the worker's paths; a reader needs URLs. Each path is found among
 * the failed runs of its check in the evidence's failure window and served by GET /api/v1/runs/:id/artifacts/:name.
 */
export async function screenshotUrls(
  db: Db,
  evidence: Record<string, unknown>,
): Promise<{ check: string; run: string; name: string; url: string }[]> {
  const details = Array.isArray(evidence.details)
    ? (evidence.details as { key?: unknown; firstFailureAt?: unknown; lastFailureAt?: unknown; screenshots?: unknown }[])
    : [];
  const out: { check: string; run: string; name: string; url: string }[] = [];
  for (const d of details) {
    const shots = Array.isArray(d.screenshots) ? d.screenshots.filter((x): x is string => typeof x === 'string') : [];
    if (shots.length === 0 || typeof d.key !== 'string' || typeof d.firstFailureAt !== 'string' || typeof d.lastFailureAt !== 'string')
      continue;
    const runs = await failedRunArtifacts(db, d.key, new Date(d.firstFailureAt), new Date(new Date(d.lastFailureAt).getTime() + 1000));
    for (const shot of shots) {
      for (const r of runs) {
        const a = (Array.isArray(r.artifacts) ? r.artifacts : []).find((x) => (x.path ?? x.name) === shot && typeof x.name === 'string');
        if (a?.name) {
          out.push({ check: d.key, run: r.id, name: a.name, url: `/api/v1/runs/${r.id}/artifacts/${encodeURIComponent(a.name)}` });
          break;
        }
      }
    }
  }
  return out;
}
