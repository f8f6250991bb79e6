/**
 * Watching the watcher against the real Redis and PostgreSQL: a worker that dies raises one
 * `kuzet.silent` alert for its region within 3 check intervals (to the on-call Slack channel through
 * the notices outbox, and over the API), resolved in the same thread when a worker is back; a quick
 * worker restart raises nothing; self-metrics are on /metrics.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { redisConnection } from '../core/redis.ts';
import { createToken } from '../core/auth.ts';
import { parseConfig, resolveChecks } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { CheckWorkers } from '../collector/worker.ts';
import { startSlack } from '../notices/test-support.ts';
import { dropPgSchema, dropRedisPrefix, PG_URL, REDIS_URL, uniqueName, waitFor } from './support.ts';

const INTERVAL_S = 5;

describe('kuzet.silent', () => {
  const prefix = uniqueName('kz-meta');
  const schema = uniqueName('kuzet_meta');
  let k: KuzetHandle;
  let target: Server;
  let slack: Awaited<ReturnType<typeof startSlack>>;
  // The daily digest (09:00 Astana on working days, once per fresh store) also posts to the channel: not an alert.
  const alerts = () => slack.calls.filter((c) => !/сводка сбоев за/.test(String(c.args.text)));
  let redis: Redis;
  let viewer: string;
  let workers: CheckWorkers | undefined;
  let yaml: string;

  const newWorkers = () => {
    const config = parseConfig(yaml, PROBES, {});
    const w = new CheckWorkers({
      connection: redis,
      prefix,
      regions: ['astana'],
      concurrency: 5,
      checks: () => new Map(resolveChecks(config).map((c) => [c.key, c])),
      log: silentLogger,
      heartbeatMs: 1000,
    });
    w.start();
    return w;
  };
  const silent = async () => {
    const res = await fetch(`${k.url}/api/v1/meta/silent`, { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(res.status, 200);
    return (await res.json()) as {
      live: { group: string; checks: unknown[] }[];
      open: { id: string; group: string }[];
      recent: { id: string; group: string; endedAt: string }[];
      countsAsDowntime: boolean;
    };
  };

  before(async () => {
    target = createServer((_q, res) => res.end('<h1>Объявления</h1>'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    slack = await startSlack();
    const checks = ['a', 'b', 'c']
      .map(
        (id) => `          - { id: ${id}, type: http, url: "${url}", interval: ${INTERVAL_S}s, timeout: 2s, bodyContains: "Объявления" }`,
      )
      .join('\n');
    yaml = `
regions: [astana]
redis: { url: "${REDIS_URL}", prefix: ${prefix} }
notifications:
  channels:
    - { id: oncall, type: slack, token: xoxb-meta-test-token, channel: "#kuzet-oncall", apiUrl: "${slack.url}" }
systems:
  portal:
    name: Portal
    kind: portal
    policy: portal-692
    modules: [search, lots]
    targets:
      - id: search
        module: search
        checks:
${checks}
      - id: lots
        module: lots
        checks:
${checks}
`;
    redis = redisConnection(REDIS_URL);
    k = await startKuzet({
      config: parseConfig(yaml, PROBES, {}),
      log: silentLogger,
      port: 0,
      workers: false,
      env: { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema },
    });
    assert.equal(await k.redisReady, true);
    viewer = (await createToken(k.db, { role: 'viewer', name: 'meta test' })).token;
    workers = newWorkers();
  });
  after(async () => {
    await workers?.close();
    await k?.close();
    redis?.disconnect();
    await slack?.close();
    await new Promise((r) => target.close(r));
    await dropRedisPrefix(prefix);
    await dropPgSchema(schema);
  });

  it('a worker restarted within the interval raises nothing, and self-metrics are exported', async () => {
    await waitFor(
      async () => ((await fetch(`${k.url}/api/v1/status`).then((r) => r.json())) as { summary: { up: number } }).summary.up === 6,
      { what: 'all checks up' },
    );
    await workers!.stopHeartbeat();
    await workers!.close();
    workers = newWorkers();
    // Past the start-up grace period and more than 3 intervals after the restart: still nothing.
    await new Promise((r) => setTimeout(r, (3 * INTERVAL_S + 3) * 1000));
    const s = await silent();
    assert.deepEqual(s.live, []);
    assert.deepEqual(s.open, []);
    assert.equal(s.countsAsDowntime, false);
    assert.equal(alerts().length, 0);
    const metrics = await (await fetch(`${k.url}/metrics`)).text();
    for (const name of [
      'kuzet_queue_depth{queue="checks-astana",state="delayed"}',
      'kuzet_queue_lag_seconds{queue="checks-astana"}',
      'kuzet_outbox_backlog',
      'kuzet_newest_result_age_seconds{region="astana"}',
      'kuzet_worker_heartbeat_age_seconds{worker=',
    ]) {
      assert.ok(metrics.includes(name), `${name} on /metrics`);
    }
  });

  it('a dead worker raises one kuzet.silent for its region within 3 intervals, resolved in the same thread when a worker is back', async () => {
    await workers!.stopHeartbeat(); // as a SIGKILLed process: no goodbye
    await workers!.close();
    workers = undefined;
    const died = Date.now();
    const raised = await waitFor(
      async () => {
        const s = await silent();
        return s.open.length > 0 ? s : undefined;
      },
      { what: 'kuzet.silent', timeoutMs: (3 * INTERVAL_S + 15) * 1000, intervalMs: 500 },
    );
    const took = (Date.now() - died) / 1000;
    // Silence is 3 intervals without a beat; then one evaluation (every interval/3) and slack for a loaded machine.
    assert.ok(took <= 3 * INTERVAL_S + 10, `raised after ${took} s`);
    assert.deepEqual(
      raised.open.map((o) => o.group),
      ['region/astana'],
      'one alert for the region, covering its six checks',
    );
    await waitFor(() => alerts().length >= 1, { what: 'the Slack alert' });
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_S * 1000));
    assert.equal(alerts().length, 1, 'no storm: one message while silent');
    const first = alerts()[0]!;
    assert.equal(first.args.channel, '#kuzet-oncall');
    assert.match(String(first.args.text), /kuzet\.silent/);
    assert.match(String(first.args.text), /не инцидент наблюдаемой системы/);
    const metrics = await (await fetch(`${k.url}/metrics`)).text();
    assert.match(metrics, /kuzet_silent\{scope="region",id="region\/astana"\} 1/);
    // kuzet's silence is not the portal's downtime: no incident.
    const incidents = await k.db.query<{ n: string }>('SELECT count(*) AS n FROM incidents');
    assert.equal(Number(incidents[0]?.n), 0);

    workers = newWorkers();
    const resolved = await waitFor(
      async () => {
        const s = await silent();
        return s.open.length === 0 && s.recent.length === 1 ? s : undefined;
      },
      { what: 'resolution', timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(resolved.recent[0]?.id, raised.open[0]?.id);
    await waitFor(() => alerts().length >= 2, { what: 'the resolution message' });
    assert.equal(alerts()[1]?.args.thread_ts, first.ts, 'the resolution replies in the alert thread');
    const rows = await k.db.query<{ key: string; state: string }>(
      "SELECT key, state FROM notice_deliveries WHERE event LIKE 'kuzet.silent%'",
    );
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.state === 'sent'));
  });
});

describe("dead-man's switch", () => {
  it('GETs the configured URL as soon as kuzet is ready', async () => {
    const hits: string[] = [];
    const outside = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((r) => outside.listen(0, '127.0.0.1', r));
    const prefix = uniqueName('kz-dms');
    const url = `http://127.0.0.1:${(outside.address() as AddressInfo).port}/ping/secret-check-id`;
    const config = parseConfig(
      `redis: { url: "${REDIS_URL}", prefix: ${prefix} }\nstorage: { dataDir: "memory://" }\nmeta: { deadMansSwitch: { url: "${url}", everySeconds: 10 } }\n`,
      PROBES,
      {},
    );
    const k = await startKuzet({ config, log: silentLogger, port: 0, workers: false, env: {} });
    try {
      assert.equal(await k.redisReady, true);
      await waitFor(() => hits.length >= 1, { what: 'the first ping', timeoutMs: 10_000 });
      assert.equal(hits[0], '/ping/secret-check-id');
    } finally {
      await k.close();
      await new Promise((r) => outside.close(r));
      await dropRedisPrefix(prefix);
    }
  });
});
