/**
 * The on-call API (issue #21 items 2–3), authenticated like the other reads (a viewer bearer token or
 * a console session); writes need an operator and are audited:
 *
 *   GET    /api/v1/oncall[?at=…]                    who is on call in every schedule, and who is next
 *   GET    /api/v1/oncall/schedules/:id[?at=…&days=N] one schedule: now, next and the shifts of the next N days (14)
 *   GET    /api/v1/oncall/people                     the people, each with a signed link to their shifts feed
 *   GET    /api/v1/oncall/people/:id/shifts.ics      the person's shifts (iCalendar); a viewer token or the signed link
 *   GET    /api/v1/mutes[?all=1]                     mutes in force (all=1: also those ended within 7 days)
 *   POST   /api/v1/mutes                             {check|target|module, reason, until|for} (operator)
 *   DELETE /api/v1/mutes/:id                         unmute now (operator)
 *
 * The feed link is signed (core/signed-link.ts) for one person's path and expires after
 * {@link FEED_LINK_MS}: a calendar app cannot send a bearer token, and a person's shifts are personal data.
 */
import type { Context, Next } from 'koa';
import type Router from '@koa/router';
import { requireRole } from '../core/auth.ts';
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError } from '../core/errors.ts';
import { checkSignedPath, serverKey, signPath } from '../core/signed-link.ts';
import { formatAstana, parseDateTimeMs } from '../core/time.ts';
import { readJson } from '../api/index.ts';
import { shiftsFeed } from './ical.ts';
import type { MuteService } from './mutes.ts';
import { shiftsBetween } from './rota.ts';
import { onCallView, scheduleNow, shiftView } from './views.ts';

/** How long a shared feed link holds: a calendar app polls it for months. */
export const FEED_LINK_MS = 180 * 86_400_000;
const FEED_KEY = 'oncall-feeds';

export interface OncallRouteDeps {
  db(): Db;
  config(): KuzetConfig;
  now(): Date;
  publicUrl(): string;
  mutes: MuteService;
}

type Ctx = Context & { params: Record<string, string> };
const actorOf = (ctx: Context) => ({ id: (ctx.state.actor as { id: string }).id, ip: ctx.ip });

/** `?at=` as epoch ms (400 naming the field), default now. */
function atOf(ctx: Context, now: Date): number {
  const v = ctx.query.at;
  if (v === undefined) return now.getTime();
  if (typeof v !== 'string') throw new InputError('give one date-time', 'at');
  return parseDateTimeMs(v, 'at');
}

function daysOf(ctx: Context): number {
  const v = ctx.query.days;
  if (v === undefined) return 14;
  const n = typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= 92)) throw new InputError('a whole number of days from 1 to 92', 'days');
  return n;
}

const feedPath = (personId: string) => `/api/v1/oncall/people/${encodeURIComponent(personId)}/shifts.ics`;

const oncallNow = (d: OncallRouteDeps) => (ctx: Context) => {
  ctx.body = onCallView(d.config().oncall, atOf(ctx, d.now()));
};

const oneSchedule = (d: OncallRouteDeps) => (ctx: Ctx) => {
  const oncall = d.config().oncall;
  const s = oncall.schedules.find((x) => x.id === ctx.params.id);
  if (!s) throw new NotFoundError(`no schedule "${ctx.params.id}"; known: ${oncall.schedules.map((x) => x.id).join(', ') || '(none)'}`);
  const at = atOf(ctx, d.now());
  const days = daysOf(ctx);
  ctx.body = {
    at: formatAstana(at),
    ...scheduleNow(oncall, s, at),
    shifts: shiftsBetween(oncall, s.id, at, at + days * 86_400_000).map(shiftView),
  };
};

/** Each person with a signed link to their shifts feed (valid {@link FEED_LINK_MS}): what the API and the console hand out. */
export async function peopleWithFeeds(d: Pick<OncallRouteDeps, 'db' | 'config' | 'now' | 'publicUrl'>) {
  const key = await serverKey(d.db(), FEED_KEY);
  const expiresAt = new Date(d.now().getTime() + FEED_LINK_MS);
  return d.config().oncall.people.map((p) => ({
    ...p,
    feedUrl: `${d.publicUrl()}${signPath(key, feedPath(p.id), expiresAt)}`,
    feedExpiresAt: formatAstana(expiresAt),
  }));
}

const people = (d: OncallRouteDeps) => async (ctx: Context) => {
  ctx.body = { people: await peopleWithFeeds(d) };
};

const feed = (d: OncallRouteDeps) => (ctx: Ctx) => {
  const oncall = d.config().oncall;
  const id = ctx.params.id ?? '';
  if (!oncall.people.some((p) => p.id === id)) throw new NotFoundError(`no person "${id}" in oncall.people`);
  ctx.type = 'text/calendar; charset=utf-8';
  ctx.set('Content-Disposition', `inline; filename="oncall-${id}.ics"`);
  ctx.body = shiftsFeed(oncall, id, d.now().getTime(), d.publicUrl());
};

const listMutes = (d: OncallRouteDeps) => async (ctx: Context) => {
  const all = ctx.query.all === '1' || ctx.query.all === 'true';
  ctx.body = { at: formatAstana(d.now()), mutes: all ? await d.mutes.recent() : await d.mutes.active() };
};

const createMute = (d: OncallRouteDeps) => async (ctx: Context) => {
  ctx.status = 201;
  ctx.body = await d.mutes.mute(await readJson(ctx), actorOf(ctx));
};

const endMute = (d: OncallRouteDeps) => async (ctx: Ctx) => {
  ctx.body = await d.mutes.unmute(ctx.params.id ?? '', actorOf(ctx));
};

export function registerOncallRoutes(router: Router, d: OncallRouteDeps): void {
  const viewer = requireRole(() => d.db(), 'viewer');
  const operator = requireRole(() => d.db(), 'operator');
  /** A valid signed link stands in for the token, for its own path only. */
  const viewerOrSignedLink = async (ctx: Context, next: Next) => {
    const { expires, sig } = ctx.query;
    if (expires === undefined && sig === undefined) return viewer(ctx, next);
    if (typeof expires !== 'string' || typeof sig !== 'string')
      throw new KuzetError('forbidden', 'a feed link needs one `expires` and one `sig`', { status: 403 });
    const verdict = checkSignedPath(await serverKey(d.db(), FEED_KEY), ctx.path, expires, sig, d.now());
    if (verdict !== 'ok')
      throw new KuzetError(
        'forbidden',
        verdict === 'expired' ? 'this feed link has expired; take a new one from GET /api/v1/oncall/people' : 'this feed link is not valid',
        { status: 403 },
      );
    return next();
  };
  router.get('/api/v1/oncall', viewer, oncallNow(d));
  router.get('/api/v1/oncall/schedules/:id', viewer, oneSchedule(d));
  router.get('/api/v1/oncall/people', viewer, people(d));
  router.get('/api/v1/oncall/people/:id/shifts.ics', viewerOrSignedLink, feed(d));
  router.get('/api/v1/mutes', viewer, listMutes(d));
  router.post('/api/v1/mutes', operator, createMute(d));
  router.delete('/api/v1/mutes/:id', operator, endMute(d));
}
