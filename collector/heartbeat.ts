/**
 * Worker heartbeats in Redis: one field per worker process in the hash `<prefix>:heartbeats`, holding
 * its host, pid, regions, start and last beat. The hash itself expires a day after the last beat of
 * any worker; fields of workers long gone are pruned by the meta part. A worker that stops cleanly
 * removes its own field, so only a worker that died without closing is ever reported silent.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

export const heartbeatKey = (prefix: string) => `${prefix}:heartbeats`;
const HASH_TTL_S = 86_400;

export interface Heartbeat {
  id: string;
  host: string;
  pid: number;
  regions: string[];
  startedAt: number;
  at: number;
}

export function newHeartbeatIdentity(regions: readonly string[], now: number): Omit<Heartbeat, 'at'> {
  const host = hostname();
  // The random part keeps two CheckWorkers of one process (tests, the bench) apart.
  return { id: `${host}:${process.pid}:${randomBytes(3).toString('hex')}`, host, pid: process.pid, regions: [...regions], startedAt: now };
}

export async function beat(redis: Redis, prefix: string, who: Omit<Heartbeat, 'at'>, now: number): Promise<void> {
  const hb: Heartbeat = { ...who, at: now };
  await redis.multi().hset(heartbeatKey(prefix), who.id, JSON.stringify(hb)).expire(heartbeatKey(prefix), HASH_TTL_S).exec();
}

export async function removeHeartbeat(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.hdel(heartbeatKey(prefix), id);
}

export async function readHeartbeats(redis: Redis, prefix: string): Promise<Heartbeat[]> {
  const all = await redis.hgetall(heartbeatKey(prefix));
  const out: Heartbeat[] = [];
  for (const raw of Object.values(all)) {
    try {
      const hb = JSON.parse(raw) as Heartbeat;
      if (typeof hb.id === 'string' && typeof hb.at === 'number' && Array.isArray(hb.regions)) out.push(hb);
    } catch {
      // a field written by something else is not a heartbeat: ignored
    }
  }
  return out;
}

/**
 * Starts beating every `everyMs` until the returned stop is called. A failed beat (Redis away) is
 * skipped: the silence it causes is exactly what the meta part should see.
 */
export function startHeartbeat(
  redis: Redis,
  prefix: string,
  regions: readonly string[],
  opts: { everyMs?: number; now?: () => number } = {},
): { id: string; stop(clean: boolean): Promise<void> } {
  const now = opts.now ?? Date.now;
  const who = newHeartbeatIdentity(regions, now());
  const tick = () => void beat(redis, prefix, who, now()).catch(() => undefined);
  tick();
  const timer = setInterval(tick, opts.everyMs ?? 2_000);
  timer.unref();
  return {
    id: who.id,
    async stop(clean: boolean) {
      clearInterval(timer);
      if (clean) await removeHeartbeat(redis, prefix, who.id).catch(() => undefined);
    },
  };
}
