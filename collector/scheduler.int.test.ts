/** Reconciling job schedulers with the config, against the real Redis. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { redisConnection } from '../core/redis.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, REDIS_URL, uniqueName } from '../test/support.ts';
import { CheckScheduler } from './scheduler.ts';
import { bucketOf, bucketsFor, MAX_BUCKETS } from './queues.ts';

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

  it('sizes buckets by the checks of an interval: a power of two, about 64 checks a batch, a batch every 4 s or less, at most 64', () => {
    // By count (an interval of 4 s asks for one batch per interval).
    assert.deepEqual(
      [0, 1, 64, 65, 128, 129, 1000, 4096, 4097, 10_000].map((n) => bucketsFor(n, 4000)),
      [1, 1, 1, 2, 2, 4, 16, 64, 64, 64],
    );
    // By time: a small config is spread over its interval, never into more buckets than checks.
    assert.deepEqual(
      [
        [50, 30_000],
        [1000, 20_000],
        [3, 60_000],
        [1, 60_000],
        [100, 3_600_000],
      ].map(([n, every]) => bucketsFor(n!, every!)),
      [8, 16, 4, 1, 64],
    );
    // A key's bucket among fewer buckets is its bucket among 64, folded: growing the count splits buckets.
    for (const k of ['portal/home/a', 'etp/x/y', 'c1', 'c2']) assert.equal(bucketOf(k, 8), bucketOf(k, MAX_BUCKETS) % 8);
  });

  it('groups 500 checks by interval into their buckets, each check in exactly one, and runs new checks at once', async () => {
    const checks = Array.from(
      { length: 500 },
      (_, i) => `          - { id: c${i}, type: tcp, host: 127.0.0.1, port: 9, interval: ${i % 2 ? '30s' : '60s'} }`,
    ).join('\n');
    const report = await scheduler.reconcile(cfg(checks, '[astana]'));
    assert.equal(report.upserted, 500);
    const current = await scheduler.current('astana');
    // 250 checks an interval: a batch every 4 s or less, 8 buckets for 30 s and 16 for 60 s.
    assert.equal(current.size, 24, `${current.size} schedulers`);
    const keys = [...current.values()].flatMap((s) => s.keys);
    assert.equal(keys.length, 500);
    assert.equal(new Set(keys).size, 500);
    for (const [id, s] of current) {
      const n = s.every === 30_000 ? 8 : 16;
      for (const k of s.keys) assert.equal(id, `bucket-${bucketOf(k, n)}of${n}-${s.every}@astana`);
    }
    // New checks wait for no bucket's phase: one-off jobs carry them all now.
    const firstRuns = (await scheduler.queue('astana').getJobs(['waiting'])).filter((j) => j.name === 'first-run');
    assert.equal(firstRuns.flatMap((j) => j.data.keys).length, 500);
    // The bucket jobs are due at phases spread over the interval, not in one burst.
    const due = (await scheduler.queue('astana').getJobs(['delayed', 'waiting'])).filter((j) => j.name === 'checks');
    const spread = new Set(due.map((j) => Math.floor((j.timestamp + j.delay) / 5000)));
    assert.ok(spread.size >= 4, `due in ${spread.size} distinct 5-s slots`);
  });

  it('moves checks to more buckets as their number grows, and runs the moved ones at once', async () => {
    const p = uniqueName('kzbucketgrow');
    const s = new CheckScheduler(conn, p);
    try {
      const many = (n: number) =>
        cfg(
          Array.from(
            { length: n },
            (_, i) => `          - { id: c${i}, type: tcp, host: 127.0.0.1, port: 9, interval: 5s, timeout: 2s }`,
          ).join('\n'),
          '[astana]',
        );
      await s.reconcile(many(128));
      assert.deepEqual([...(await s.current('astana')).keys()].sort(), ['bucket-0of2-5000@astana', 'bucket-1of2-5000@astana']);
      await s.queue('astana').drain();
      const report = await s.reconcile(many(129));
      assert.equal(report.upserted, 1, 'one check is new');
      const current = await s.current('astana');
      assert.deepEqual(
        [...current.keys()].sort(),
        [0, 1, 2, 3].map((b) => `bucket-${b}of4-5000@astana`),
      );
      const firstRuns = (await s.queue('astana').getJobs(['waiting'])).filter((j) => j.name === 'first-run');
      const ran = firstRuns.flatMap((j) => j.data.keys);
      // Every check left its bucket of two: all run now, the new one among them, none twice.
      assert.equal(ran.length, 129);
      assert.equal(new Set(ran).size, 129);
    } finally {
      await s.close();
      await dropRedisPrefix(p);
    }
  });
});
