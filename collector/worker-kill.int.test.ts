/**
 * A worker killed (SIGKILL) in the middle of a batch: BullMQ's stalled-job check hands the batch to
 * another worker, which runs it again, and the batch's results reach the stream once. And a batch
 * retried after its results were already written runs nothing again. Against the real Redis.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { parseConfig, resolveChecks } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { redisConnection } from '../core/redis.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, REDIS_URL, uniqueName, waitFor } from '../test/support.ts';
import { Limiter } from './limiter.ts';
import { batchDoneKey, checkQueueName, resultStreamKey, type CheckBatchData } from './queues.ts';
import { decodeEntry } from './result-codec.ts';
import { CheckWorkers } from './worker.ts';

const KEYS = ['a', 'b', 'c', 'd'].map((id) => `portal/home/${id}`);
const yaml = (url: string) => `regions: [astana]
systems:
  portal:
    name: P
    kind: portal
    policy: portal-692
    targets:
      - id: home
        checks:
${['a', 'b', 'c', 'd'].map((id) => `          - { id: ${id}, type: http, url: "${url}/${id}", interval: 60s, timeout: 10s }`).join('\n')}
`;

/** The child worker: the same CheckWorkers, a short job lock so the takeover comes within seconds. */
const CHILD = `
const { parseConfig, resolveChecks } = await import(${JSON.stringify(new URL('../core/config.ts', import.meta.url).href)});
const { silentLogger } = await import(${JSON.stringify(new URL('../core/log.ts', import.meta.url).href)});
const { redisConnection } = await import(${JSON.stringify(new URL('../core/redis.ts', import.meta.url).href)});
const { PROBES } = await import(${JSON.stringify(new URL('../probes/index.ts', import.meta.url).href)});
const { CheckWorkers } = await import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)});
const cfg = parseConfig(process.env.KZ_YAML, PROBES, {});
const checks = new Map(resolveChecks(cfg).map((c) => [c.key, c]));
new CheckWorkers({ connection: redisConnection(process.env.KZ_REDIS), prefix: process.env.KZ_PREFIX, regions: ['astana'],
  concurrency: 10, checks: () => checks, log: silentLogger, lockMs: 2000 }).start();
`;

describe('a worker killed mid-batch', () => {
  const prefix = uniqueName('kzkill');
  const conn = redisConnection(REDIS_URL);
  const queue = new Queue<CheckBatchData>(checkQueueName('astana'), { connection: conn, prefix });
  let server: Server;
  let url = '';
  const hits: string[] = [];
  before(async () => {
    // Every answer takes 1.5 s: long enough to kill a worker while its batch is in flight.
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      setTimeout(() => res.end('ok'), 1500);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await queue.close();
    conn.disconnect();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await dropRedisPrefix(prefix);
  });

  const streamResults = async () =>
    ((await conn.xrange(resultStreamKey(prefix), '-', '+')) as [string, string[]][]).flatMap(([id, f]) => decodeEntry(id, f));

  it('is retried by BullMQ on another worker, and its results are written once', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      env: { ...process.env, KZ_YAML: yaml(url), KZ_REDIS: REDIS_URL, KZ_PREFIX: prefix },
      stdio: 'ignore',
    });
    const job = await queue.add('checks', { region: 'astana', keys: KEYS }, { removeOnComplete: false });
    await waitFor(() => hits.length >= 4, { what: 'the batch in flight in the child worker', timeoutMs: 30_000 });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.deepEqual(await streamResults(), [], 'nothing was reported by the killed worker');

    const checks = new Map(resolveChecks(parseConfig(yaml(url), PROBES, {})).map((c) => [c.key, c]));
    const survivor = new CheckWorkers({
      connection: conn,
      prefix,
      regions: ['astana'],
      concurrency: 10,
      checks: () => checks,
      log: silentLogger,
      lockMs: 2000,
    });
    survivor.start();
    try {
      await waitFor(async () => (await queue.getJobState(job.id!)) === 'completed', { what: 'the batch retried', timeoutMs: 30_000 });
      const done = await queue.getJob(job.id!);
      assert.equal(done?.attemptsStarted, 2, 'started by the killed worker, then by the survivor');
      const results = await streamResults();
      assert.deepEqual(results.map((r) => r.key).sort(), KEYS);
      assert.equal(hits.length, 8, 'each check ran once per attempt');
    } finally {
      await survivor.close();
    }
  });

  it('a batch retried after its results were written runs nothing again', async () => {
    const checks = new Map(resolveChecks(parseConfig(yaml(url), PROBES, {})).map((c) => [c.key, c]));
    const w = new CheckWorkers({ connection: conn, prefix, regions: [], concurrency: 10, checks: () => checks, log: silentLogger });
    const before = (await streamResults()).length;
    const first = { id: 'retry-1', data: { region: 'astana', keys: KEYS }, attemptsStarted: 1 };
    assert.equal(await w.runBatch(first, new Limiter(10)), 4);
    assert.equal(await conn.exists(batchDoneKey(prefix, 'retry-1')), 1);
    const hitsBefore = hits.length;
    // The same job taken over after its worker died between writing the results and completing the job.
    assert.equal(await w.runBatch({ ...first, attemptsStarted: 2 }, new Limiter(10)), 0);
    assert.equal(hits.length, hitsBefore, 'no check ran again');
    assert.equal((await streamResults()).length, before + 4);
  });
});
