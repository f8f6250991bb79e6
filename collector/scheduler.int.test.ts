/** Reconciling job schedulers with the config, against the real Redis. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { redisConnection } from '../core/redis.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, REDIS_URL, uniqueName } from '../test/support.ts';
import { CheckScheduler } from './scheduler.ts';

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
  const prefix = uniqueName('kzsched');
  const conn = redisConnection(REDIS_URL);
  const scheduler = new CheckScheduler(conn, prefix);
  after(async () => {
    await scheduler.close();
    conn.disconnect();
    await dropRedisPrefix(prefix);
  });

  const list = async (region: string) =>
    (await scheduler.queue(region).getJobSchedulers(0, -1)).map((s) => `${s.id ?? s.key}:${s.every}`).sort();

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
