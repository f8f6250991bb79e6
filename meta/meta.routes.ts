/** `GET /api/v1/meta/silent` and `GET /api/v1/meta/heartbeats` (viewer): what the watcher sees. */
import type { Context } from 'koa';
import { requireRole } from '../core/auth.ts';
import { UnavailableError } from '../core/errors.ts';
import { withTimeout } from '../core/redis.ts';
import { formatAstana } from '../core/time.ts';
import { readHeartbeats, type Heartbeat } from '../collector/index.ts';
import { pageOfList, type ApiExtension } from '../api/index.ts';
import type { MetaDeps, MetaState } from './deps.ts';
import { episodeView, groupView } from './episodes.ts';
import { listRecentEpisodes } from './meta.repo.ts';
import { registerMetaMetrics } from './metrics.ts';

type SilentDeps = Pick<MetaDeps, 'db' | 'config'>;

/** Open and recent episodes, or why the database could not say. */
async function storedEpisodes(
  d: SilentDeps,
): Promise<{ open: ReturnType<typeof episodeView>[] | null; recent: ReturnType<typeof episodeView>[] | null; database?: string }> {
  try {
    const rows = await withTimeout(listRecentEpisodes(d.db()), 3000);
    return {
      open: rows.filter((r) => r.ended_at === null).map(episodeView),
      recent: rows.filter((r) => r.ended_at !== null).map(episodeView),
    };
  } catch (e) {
    return { open: null, recent: null, database: `unavailable: ${(e as Error).message}` };
  }
}

/** GET /api/v1/meta/silent: the live silent groups, the regions' thresholds and the stored episodes. */
const silent = (d: SilentDeps, st: MetaState) => async (ctx: Context) => {
  const { open, recent, database } = await storedEpisodes(d);
  ctx.body = {
    at: formatAstana(new Date()),
    alert: 'kuzet.silent',
    // kuzet's own silence: never an incident of a monitored system, never its downtime.
    countsAsDowntime: false,
    silenceIntervals: d.config().meta?.silenceIntervals ?? 3,
    evaluatedAt: st.lastEvalAt ? formatAstana(new Date(st.lastEvalAt)) : null,
    live: st.report ? st.report.groups.map(groupView) : [],
    regions: st.report
      ? st.report.regions.map((r) => ({
          region: r.region,
          intervalSeconds: r.intervalMs / 1000,
          thresholdSeconds: r.thresholdMs / 1000,
          liveWorkers: r.liveWorkers,
        }))
      : [],
    open,
    recent,
    ...(database ? { database } : {}),
  };
};

/** GET /api/v1/meta/heartbeats: the workers' heartbeats, paged by worker id. */
const heartbeats = (d: Pick<MetaDeps, 'redis' | 'prefix'>) => async (ctx: Context) => {
  const redis = d.redis();
  if (!redis) throw new UnavailableError('Redis has not been reached yet');
  let hbs: Heartbeat[];
  try {
    hbs = await withTimeout(readHeartbeats(redis, d.prefix()), 2000);
  } catch (e) {
    throw new UnavailableError(`Redis: ${(e as Error).message}`, e);
  }
  const now = Date.now();
  const page = pageOfList(
    ctx,
    hbs.sort((a, b) => a.id.localeCompare(b.id)),
    (h) => h.id,
  );
  ctx.body = {
    at: formatAstana(new Date(now)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    workers: page.items.map((h) => ({
      id: h.id,
      host: h.host,
      pid: h.pid,
      regions: h.regions,
      startedAt: formatAstana(new Date(h.startedAt)),
      lastBeat: formatAstana(new Date(h.at)),
      ageSeconds: Math.max(0, (now - h.at) / 1000),
    })),
  };
};

/** The meta routes over the watcher's state; registers the meta metrics at 0 when mounted. */
export function metaRoutes(d: Pick<MetaDeps, 'db' | 'config' | 'redis' | 'prefix' | 'metrics'>, state: MetaState): ApiExtension {
  return (_app, router) => {
    registerMetaMetrics(d.metrics.registry, d.config());
    const viewer = requireRole(() => d.db(), 'viewer');
    router.get('/api/v1/meta/silent', viewer, silent(d, state));
    router.get('/api/v1/meta/heartbeats', viewer, heartbeats(d));
  };
}
