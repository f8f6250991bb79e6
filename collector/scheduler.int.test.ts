/** Reconciling job schedulers with the config, against the real Redis. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { redisConnection } from '../core/redis.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, REDIS_URL, uniqueName } from '../test/support.ts';
import { CheckScheduler } from './scheduler.ts';
import { BUCKETS, bucketOf } from './queues.ts';

const cfg = (checks: string, regions = '[astana, almaty]') =>
  parseConfig(
    `regions: ${regions}
systems:
  portal:
    name: P
    kind: portal
    policy: portal-692
    targets:
      - id: home
        checks:
${checks}`,
    PROBES,
    {},
  );

describe('CheckScheduler.reconcile', () => {
  // One scheduler per (bucket, interval) and region carries its checks; the report still counts check runs.
  const prefix = uniqueName('kzsched');
  const conn = redisConnection(REDIS_URL);
  const scheduler = new CheckScheduler(conn, prefix);
  after(async () => {
    await scheduler.close();
    conn.disconnect();
    await dropRedisPrefix(prefix);
  });

  /** The check runs of a region, `key@region:every`, read back from the bucket schedulers' job templates. */
  const list = async (region: string) =>
    [...(await scheduler.current(region)).values()].flatMap((s) => s.keys.map((k) => `${k}@${region}:${s.every}`)).sort();

  it('creates one scheduler per check and region, then applies interval changes and removals', async () => {
    const first = await scheduler.reconcile(
      cfg(`          - { id: a, type: tcp, host: 127.0.0.1, port: 9, interval: 30s, regions: [astana, almaty] }
          - { id: b, type: tcp, host: 127.0.0.1, port: 9, interval: 60s, regions: [almaty] }`),
    );
    assert.equal(first.upserted, 3);
    assert.deepEqual(await list('astana'), ['portal/home/a@astana:30000']);
    assert.deepEqual(await list('almaty'), ['portal/home/a@almaty:30000', 'portal/home/b@almaty:60000']);

    const second = await scheduler.reconcile(
      cfg(`          - { id: a, type: tcp, host: 127.0.0.1, port: 9, interval: 45s, regions: [astana, almaty] }`),
    );
    assert.deepEqual(second.removed, ['portal/home/b@almaty']);
    assert.deepEqual(await list('astana'), ['portal/home/a@astana:45000']);
    assert.deepEqual(await list('almaty'), ['portal/home/a@almaty:45000']);

    // Unchanged config: nothing to do.
    const third = await scheduler.reconcile(
      cfg(`          - { id: a, type: tcp, host: 127.0.0.1, port: 9, interval: 45s, regions: [astana, almaty] }`),
    );
    assert.deepEqual(third, { upserted: 0, removed: [] });

    // A region dropped from the config loses its schedulers too.
    const fourth = await scheduler.reconcile(cfg(`          - { id: a, type: tcp, host: 127.0.0.1, port: 9, interval: 45s }`, '[astana]'));
    assert.deepEqual(fourth.removed, ['portal/home/a@almaty']);
    assert.deepEqual(await list('almaty'), []);
  });
});

describe('bucket schedulers', () => {
  const prefix = uniqueName('kzbucket');
  const conn = redisConnection(REDIS_URL);
  const scheduler = new CheckScheduler(conn, prefix);
  after(async () => {
    await scheduler.close();
    conn.disconnect();
    await dropRedisPrefix(prefix);
  });

  it('groups 500 checks into at most 64 schedulers per interval, each check in exactly one, and runs new checks at once', async () => {
    const checks = Array.from(
      { length: 500 },
      (_, i) => `          - { id: c${i}, type: tcp, host: 127.0.0.1, port: 9, interval: ${i % 2 ? '30s' : '60s'} }`,
    ).join('\n');
    const report = await scheduler.reconcile(cfg(checks, '[astana]'));
    assert.equal(report.upserted, 500);
    const current = await scheduler.current('astana');
    assert.ok(current.size <= 2 * BUCKETS && current.size > BUCKETS, `${current.size} schedulers`);
    const keys = [...current.values()].flatMap((s) => s.keys);
    assert.equal(keys.length, 500);
    assert.equal(new Set(keys).size, 500);
    for (const [id, s] of current) for (const k of s.keys) assert.equal(id, `bucket-${bucketOf(k)}-${s.every}@astana`);
    // New checks wait for no bucket's phase: one-off jobs carry them all now.
    const firstRuns = (await scheduler.queue('astana').getJobs(['waiting'])).filter((j) => j.name === 'first-run');
    assert.equal(firstRuns.flatMap((j) => j.data.keys).length, 500);
    // The bucket jobs are due at phases spread over the interval, not in one burst.
    const due = (await scheduler.queue('astana').getJobs(['delayed', 'waiting'])).filter((j) => j.name === 'checks');
    const spread = new Set(due.map((j) => Math.floor((j.timestamp + j.delay) / 5000)));
    assert.ok(spread.size >= 6, `due in ${spread.size} distinct 5-s slots`);
  });
});
