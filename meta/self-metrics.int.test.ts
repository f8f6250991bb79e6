/**
 * The self-metrics issue #11 names, on a running kuzet's /metrics (PGlite, the real Redis): queue depth
 * and lag per queue, job failures (counted from BullMQ's `failed` events of every queue kuzet watches),
 * the outbox backlog, notification dead letters, SLA clocks running, and the newest result's age.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { redisConnection } from '../core/redis.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, REDIS_URL, uniqueName, waitFor } from '../test/support.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { checkQueueName } from '../collector/queues.ts';

describe('self-metrics on /metrics', () => {
  const prefix = uniqueName('kz-selfm');
  let k: KuzetHandle;
  let redis: Redis;
  const metrics = async () => (await fetch(`${k.url}/metrics`)).text();

  before(async () => {
    const config = parseConfig(
      `regions: [astana]
redis: { url: "${REDIS_URL}", prefix: ${prefix} }
storage: { dataDir: "memory://" }
notifications:
  channels:
    - { id: oncall, type: slack, token: xoxb-self-metrics, channel: "#oncall", apiUrl: "http://127.0.0.1:9/api/" }
`,
      PROBES,
      {},
    );
    k = await startKuzet({ config, log: silentLogger, port: 0, host: '127.0.0.1', workers: false, env: {} });
    assert.equal(await k.redisReady, true);
    redis = redisConnection(REDIS_URL);
  });
  after(async () => {
    await k?.close();
    redis?.disconnect();
    await dropRedisPrefix(prefix);
  });

  it('exposes every series the issue names', async () => {
    const text = await metrics();
    for (const t of [
      'kuzet_queue_depth gauge',
      'kuzet_queue_lag_seconds gauge',
      'kuzet_job_failures_total counter',
      'kuzet_outbox_backlog gauge',
      'kuzet_notice_dead_letters gauge',
      'kuzet_sla_open gauge',
      'kuzet_newest_result_age_seconds gauge',
      'kuzet_worker_heartbeat_age_seconds gauge',
      'kuzet_silent gauge',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${t}$`, 'm'), t);
    }
    await waitFor(async () => /^kuzet_queue_lag_seconds\{queue="checks-astana"\} 0$/m.test(await metrics()), {
      what: 'the check queue watched',
      timeoutMs: 20_000,
    });
    assert.match(await metrics(), /^kuzet_notice_dead_letters\{channel="oncall"\} 0$/m);
  });

  it('counts a dead delivery as a dead letter of its channel', async () => {
    await k.db.query(
      "INSERT INTO notice_deliveries (key, event, channel, recipient, state, payload) VALUES ('self-metrics|oncall|#oncall', 'self-metrics', 'oncall', '#oncall', 'dead', '{}'::jsonb)",
    );
    assert.match(await metrics(), /^kuzet_notice_dead_letters\{channel="oncall"\} 1$/m);
  });

  it('counts a failed job of a watched queue', async () => {
    const name = checkQueueName('astana');
    // BullMQ does not close a connection it was given: this one is disconnected below, or the test process never exits.
    const workerConnection = redis.duplicate();
    const worker = new Worker(
      name,
      async () => {
        throw new Error('deliberate failure');
      },
      { connection: workerConnection, prefix },
    );
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      await queue.add('self-metrics', {}, { attempts: 1, removeOnFail: true });
      await waitFor(async () => /^kuzet_job_failures_total\{queue="checks-astana"\} 1$/m.test(await metrics()), {
        what: 'the failure counted',
        timeoutMs: 20_000,
      });
    } finally {
      await worker.close();
      await queue.close();
      workerConnection.disconnect();
    }
  });
});
