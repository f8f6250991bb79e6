/**
 * The distributed layer alone, three ways (issue #19 "options to measure against each other"), on a
 * private Redis with no-op checks, so that only scheduling and reporting are measured: CPU-s per 1,000
 * check runs of this process (BullMQ client, workers) and of Redis.
 * - per-check: one BullMQ job scheduler per check, one job and one XADD per run (kuzet before #19);
 * - buckets: one job scheduler per (bucket of 64, interval) whose job carries its checks, one XADD and
 *   a done marker per batch (the design chosen);
 * - tick-claim: one job scheduler per region ticking every second; its job claims the due checks from
 *   a sorted set in one Lua call and fans them out as batch jobs of 64, reported as above.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../test/drills/private-services.ts';
import { uniqueName } from '../test/support.ts';
import { redisCpu } from './proc-cpu.ts';

const N = 2000;
const EVERY = 12_000;
const WINDOW = 24_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keys = Array.from({ length: N }, (_, i) => `portal/t/c${i}`);

interface Rig {
  runs: () => number;
  close(): Promise<void>;
}

const CLAIM = `local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), m) end
return due`;

function batchWorker(url: string, prefix: string, name: string, count: { n: number }): { w: Worker; c: Redis } {
  const c = new Redis(url, { maxRetriesPerRequest: null });
  const w = new Worker<{ keys: string[] }>(
    name,
    async (job: Job<{ keys: string[] }>) => {
      const tx = c.multi();
      tx.xadd(`${prefix}:results`, '*', 'b', JSON.stringify(job.data.keys.map((key) => ({ key, ok: true }))));
      tx.set(`${prefix}:done:${job.id}`, '1', 'PX', 600_000);
      await tx.exec();
      count.n += job.data.keys.length;
    },
    { connection: c, prefix, concurrency: 13 },
  );
  return { w, c };
}

async function perCheck(url: string): Promise<Rig> {
  const prefix = uniqueName('kzdes');
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const q = new Queue('checks', { connection: conn, prefix });
  for (const key of keys)
    await q.upsertJobScheduler(key, { every: EVERY }, { name: 'check', data: { key }, opts: { removeOnComplete: true } });
  const count = { n: 0 };
  const wc = new Redis(url, { maxRetriesPerRequest: null });
  const w = new Worker<{ key: string }>(
    'checks',
    async (job) => {
      await conn.xadd(`${prefix}:results`, '*', 'r', JSON.stringify({ key: job.data.key, ok: true }));
      count.n++;
    },
    { connection: wc, prefix, concurrency: 50 },
  );
  return { runs: () => count.n, close: async () => void (await w.close(), await q.close(), wc.disconnect(), conn.disconnect()) };
}

async function buckets(url: string): Promise<Rig> {
  const prefix = uniqueName('kzdes');
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const q = new Queue('checks', { connection: conn, prefix });
  for (let b = 0; b < 64; b++) {
    const mine = keys.filter((_, i) => i % 64 === b);
    await q.upsertJobScheduler(
      `bucket-${b}`,
      { every: EVERY, startDate: Date.now() + Math.floor((b * EVERY) / 64) },
      { name: 'checks', data: { keys: mine }, opts: { removeOnComplete: true } },
    );
  }
  const count = { n: 0 };
  const { w, c } = batchWorker(url, prefix, 'checks', count);
  return { runs: () => count.n, close: async () => void (await w.close(), await q.close(), c.disconnect(), conn.disconnect()) };
}

async function tickClaim(url: string): Promise<Rig> {
  const prefix = uniqueName('kzdes');
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const zkey = `${prefix}:due`;
  const now = Date.now();
  await conn.zadd(zkey, ...keys.flatMap((k, i) => [now + Math.floor((i * EVERY) / N), k]));
  const batches = new Queue<{ keys: string[] }>('batches', { connection: conn, prefix });
  const ticks = new Queue('ticks', { connection: conn, prefix });
  await ticks.upsertJobScheduler('tick', { every: 1000 }, { name: 'tick', opts: { removeOnComplete: true } });
  const tc = new Redis(url, { maxRetriesPerRequest: null });
  const tw = new Worker(
    'ticks',
    async () => {
      const due = (await conn.eval(CLAIM, 1, zkey, Date.now(), EVERY, 100_000)) as string[];
      const jobs = [];
      for (let i = 0; i < due.length; i += 64)
        jobs.push({ name: 'batch', data: { keys: due.slice(i, i + 64) }, opts: { removeOnComplete: true } });
      if (jobs.length) await batches.addBulk(jobs);
    },
    { connection: tc, prefix, concurrency: 1 },
  );
  const count = { n: 0 };
  const { w, c } = batchWorker(url, prefix, 'batches', count);
  return {
    runs: () => count.n,
    close: async () =>
      void (
        await tw.close(),
        await w.close(),
        await ticks.close(),
        await batches.close(),
        tc.disconnect(),
        c.disconnect(),
        conn.disconnect()
      ),
  };
}

export async function benchSchedulingDesigns(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  const redis = await startPrivateRedis();
  try {
    for (const [name, make] of Object.entries({ 'per-check': perCheck, buckets, 'tick-claim': tickClaim })) {
      const rig = await make(redis.url);
      await sleep(EVERY / 2);
      const c0 = process.cpuUsage();
      const r0 = await redisCpu(redis.url);
      const n0 = rig.runs();
      await sleep(WINDOW);
      const c = process.cpuUsage(c0);
      const r = (await redisCpu(redis.url)) - r0;
      const runs = rig.runs() - n0;
      await rig.close();
      const per1000 = (s: number) => Number(((s * 1000) / runs).toFixed(3));
      out[`designs.${name}.runs_of_offered`] = Number((runs / ((N * WINDOW) / EVERY)).toFixed(2));
      out[`designs.${name}.cpu_s_per_1000.process`] = per1000((c.user + c.system) / 1e6);
      out[`designs.${name}.cpu_s_per_1000.redis`] = per1000(r);
    }
  } finally {
    await redis.destroy();
  }
  return out;
}
