/**
 * Notices and maintenance over HTTP. Reads need a viewer token, writes an operator token (core/auth.ts);
 * every write is audited by the notices service in the same transaction.
 *
 * POST /api/v1/maintenance · GET /api/v1/maintenance · GET /api/v1/maintenance/:id
 * POST /api/v1/notices/preview · POST /api/v1/notices (draft; re-publishes a published notice on change)
 * GET /api/v1/notices · GET /api/v1/notices/:id · POST /api/v1/notices/:id/publish
 * POST /api/v1/notices/acknowledgements · GET /api/v1/notices/deliveries?state=dead · GET /api/v1/notices/deliveries/stuck
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireRole, type Actor } from '../core/auth.ts';
import type { Db } from '../core/db.ts';
import { InputError, UnavailableError } from '../core/errors.ts';
import type { ActorRef, NoticeRuntime } from '../notices/index.ts';
import { readJson } from './http-util.ts';
import { pageOfList, paged, queryLimit, tupleCursor } from './paging.ts';

export interface NoticeRouteDeps {
  db: () => Db | undefined;
  notices: () => NoticeRuntime | undefined;
}

const actorOf = (ctx: Context): ActorRef => ({ id: (ctx.state.actor as Actor).id, ip: ctx.ip });

export function registerNoticeRoutes(router: Router, deps: NoticeRouteDeps): void {
  const viewer = requireRole(deps.db, 'viewer');
  const operator = requireRole(deps.db, 'operator');
  const rt = () => {
    const r = deps.notices();
    if (!r) throw new UnavailableError('notices are not running yet');
    return r;
  };

  router.post('/api/v1/maintenance', operator, async (ctx) => {
    const r = rt();
    const out = await r.service.planMaintenance(await readJson(ctx), actorOf(ctx));
    ctx.status = 201;
    ctx.body = { ...(await r.service.maintenance(out.id)), scheduled: await r.scheduled(out.id), notice: out.notice };
  });
  router.get('/api/v1/maintenance', viewer, async (ctx) => {
    const page = await rt().service.listMaintenancePage({
      from: new Date(0),
      limit: queryLimit(ctx),
      after: tupleCursor(ctx, ['number', 'string'] as const),
    });
    ctx.body = paged(page);
  });
  router.get('/api/v1/maintenance/:id', viewer, async (ctx) => {
    const r = rt();
    const w = await r.service.maintenance(ctx.params.id as string);
    ctx.body = { ...w, scheduled: await r.scheduled(w.id), notice: await r.service.get(w.noticeId) };
  });

  router.post('/api/v1/notices/preview', viewer, async (ctx) => {
    ctx.body = await rt().service.preview(await readJson(ctx));
  });
  router.post('/api/v1/notices', operator, async (ctx) => {
    const out = await rt().service.upsert(await readJson(ctx), actorOf(ctx));
    ctx.body = out;
  });
  router.get('/api/v1/notices', viewer, async (ctx) => {
    const a = ctx.query.active;
    if (a !== undefined && a !== 'true' && a !== 'false') throw new InputError('true or false', 'active');
    const page = await rt().service.listPage({
      active: a === undefined ? undefined : a === 'true',
      limit: queryLimit(ctx),
      after: tupleCursor(ctx, ['number', 'string'] as const),
    });
    ctx.body = paged(page);
  });
  router.get('/api/v1/notices/deliveries', viewer, async (ctx) => {
    const state = ctx.query.state;
    if (state !== undefined && !['pending', 'sending', 'sent', 'dead'].includes(String(state)))
      throw new InputError('one of pending, sending, sent, dead', 'state');
    const d = rt().deliveries;
    if (!d) throw new UnavailableError('delivery is not running yet (Redis not reached)');
    ctx.body = paged(
      await d.listPage({
        state: state as string | undefined,
        limit: queryLimit(ctx),
        after: tupleCursor(ctx, ['number', 'string'] as const),
      }),
    );
  });
  router.get('/api/v1/notices/deliveries/stuck', viewer, async (ctx) => {
    const d = rt().deliveries;
    if (!d) throw new UnavailableError('delivery is not running yet (Redis not reached)');
    ctx.body = pageOfList(ctx, await d.stuck(), (x) => x.channel);
  });
  router.post('/api/v1/notices/acknowledgements', operator, async (ctx) => {
    ctx.status = 202;
    ctx.body = await rt().acknowledge(await readJson(ctx), actorOf(ctx));
  });
  router.get('/api/v1/notices/:id', viewer, async (ctx) => {
    ctx.body = await rt().service.get(ctx.params.id as string);
  });
  router.post('/api/v1/notices/:id/publish', operator, async (ctx) => {
    ctx.body = await rt().service.publish(ctx.params.id as string, actorOf(ctx));
  });
}
