/**
 * The ETP registry, failure-day ledger and decisions over HTTP (issue #7). Reads need a viewer token,
 * changes an operator token; every change is audited (by the registry, ledger and decision modules).
 *
 *   GET   /api/v1/etps                  ETPs with connection state and streak
 *   GET   /api/v1/etps/:id              registry entry, ledger, events, decisions, clock and freshness evidence
 *   POST  /api/v1/etps                  a new ETP (not in kuzet.yaml)
 *   PATCH /api/v1/etps/:id              change registry fields
 *   POST  /api/v1/etps/:id/episodes     record a failure episode kuzet's checks did not see; recomputes
 *   POST  /api/v1/etps/:id/decision     disconnect at a date and time, or keep, with a reason
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireRole, type Actor } from '../core/auth.ts';
import type { Db } from '../core/db.ts';
import { readJson, pageOfList } from '../api/index.ts';
import { decisionJson } from './decision.ts';
import { eventJson } from './ledger.ts';
import type { EtpRuntime } from './runtime.ts';

/** The ETP runtime's calls the routes make. */
export type EtpApi = Pick<EtpRuntime, 'list' | 'detail' | 'create' | 'update' | 'addEpisode' | 'decide'>;

export interface EtpRouteDeps {
  etp: EtpApi;
  /** The database the role checks read tokens from. */
  db(): Db;
}

const actorOf = (ctx: Context) => ({ id: (ctx.state.actor as Actor).id, ip: ctx.ip });
const idOf = (ctx: Context) => ctx.params.id as string;

const listEtps = (etp: EtpApi) => async (ctx: Context) => {
  // Paged like every list (issue #16 item 7); `etps` stays for clients of the first version.
  const page = pageOfList(ctx, await etp.list(), (e) => e.id);
  ctx.body = { ...page, etps: page.items };
};

const showEtp = (etp: EtpApi) => async (ctx: Context) => {
  ctx.body = await etp.detail(idOf(ctx));
};

const createEtp = (etp: EtpApi) => async (ctx: Context) => {
  const e = await etp.create(await readJson(ctx), actorOf(ctx));
  ctx.status = 201;
  ctx.body = await etp.detail(e.id);
};

const updateEtp = (etp: EtpApi) => async (ctx: Context) => {
  await etp.update(idOf(ctx), await readJson(ctx), actorOf(ctx));
  ctx.body = await etp.detail(idOf(ctx));
};

const addEpisode = (etp: EtpApi) => async (ctx: Context) => {
  const r = await etp.addEpisode(idOf(ctx), await readJson(ctx), actorOf(ctx));
  ctx.status = 201;
  ctx.body = { id: r.id, counted: r.counted, newEvents: r.ledger.newEvents.map(eventJson), etp: await etp.detail(idOf(ctx)) };
};

const decide = (etp: EtpApi) => async (ctx: Context) => {
  const o = await etp.decide(idOf(ctx), await readJson(ctx), actorOf(ctx));
  ctx.status = 201;
  ctx.body = { decision: decisionJson(o.decision), etp: await etp.detail(o.after.id) };
};

/** Mounts the ETP routes (an API extension: `(app, router)`; only the router is used). */
export function etpRoutes(d: EtpRouteDeps): (app: unknown, router: Router) => void {
  const viewer = requireRole(() => d.db(), 'viewer');
  const operator = requireRole(() => d.db(), 'operator');
  return (_app, router) => {
    router.get('/api/v1/etps', viewer, listEtps(d.etp));
    router.get('/api/v1/etps/:id', viewer, showEtp(d.etp));
    router.post('/api/v1/etps', operator, createEtp(d.etp));
    router.patch('/api/v1/etps/:id', operator, updateEtp(d.etp));
    router.post('/api/v1/etps/:id/episodes', operator, addEpisode(d.etp));
    router.post('/api/v1/etps/:id/decision', operator, decide(d.etp));
  };
}
