/**
 * The whole pipeline against the real Redis and PostgreSQL/PGlite: scheduler → worker → probe →
 * results stream → ingestor → storage, status and metrics; reload; several workers; Redis away.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { dropPgSchema, dropRedisPrefix, PG_URL, REDIS_URL, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { startKuzet, startWorker, type KuzetHandle } from '../app/start.ts';
import { browserPool } from '../probes/browser/pool.ts';

interface Target {
  url: string;
  healthy: boolean;
  hits: number;
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const t = { healthy: true, hits: 0 } as Target;
  const server: Server = createServer((_req, res) => {
    t.hits++;
    if (t.healthy) res.end('<h1>Объявления</h1>');
    else res.writeHead(503).end('down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.close = () => new Promise((r) => server.close(() => r()));
  return t;
}

function yamlFor(o: { targetUrl: string; prefix: string; dataDir: string; checks?: string[]; interval?: string; regions?: string[] }) {
  const checks = (o.checks ?? ['home']).map(
    (id) =>
      `          - { id: ${id}, type: http, url: "${o.targetUrl}/", interval: ${o.interval ?? '5s'}, timeout: 2s, bodyContains: "Объявления"${o.regions ? `, regions: [${o.regions.join(', ')}]` : ''} }`,
  );
  return `
regions: [${(o.regions ?? ['astana']).join(', ')}]
storage: { dataDir: "${o.dataDir}" }
redis: { url: "${REDIS_URL}", prefix: ${o.prefix} }
systems:
  portal:
    name: Portal
    kind: portal
    policy: portal-692
    modules: [homepage]
    targets:
      - id: homepage
        module: homepage
        checks:
${checks.join('\n')}
`;
}

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

type Status = {
  summary: { up: number; down: number; unknown: number };
  systems: { targets: { checks: { id: string; status: string; regions: { region: string; errorKind: string | null }[] }[] }[] }[];
};
const checkStatus = async (k: KuzetHandle, id: string) => {
  const s = (await getJson(`${k.url}/api/v1/status`)).body as unknown as Status;
  return s.systems[0]?.targets[0]?.checks.find((c) => c.id === id);
};

describe('pipeline on PostgreSQL', () => {
  let target: Target;
  let k: KuzetHandle;
  const prefix = uniqueName('kz');
  const schema = uniqueName('kuzet_pipe');
  const dir = tempDir();
  const configPath = join(dir.path, 'kuzet.yaml');

  before(async () => {
    target = await startTarget();
    writeFileSync(configPath, yamlFor({ targetUrl: target.url, prefix, dataDir: dir.path }));
    const config = parseConfig(yamlFor({ targetUrl: target.url, prefix, dataDir: dir.path }), PROBES, {});
    k = await startKuzet({ config, configPath, log: silentLogger, port: 0, env: { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } });
    assert.equal(await k.redisReady, true);
  });
  after(async () => {
    await k?.close();
    await target?.close();
    await dropRedisPrefix(prefix);
    await dropPgSchema(schema);
    dir.remove();
  });

  it('is healthy and ready', async () => {
    assert.deepEqual((await getJson(`${k.url}/healthz`)).body, { status: 'ok' });
    const ready = await getJson(`${k.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(k.db.engine, 'postgres');
  });

  it('runs the check, stores it, and shows it in status and metrics', async () => {
    const check = await waitFor(
      async () => {
        const c = await checkStatus(k, 'home');
        return c?.status === 'up' ? c : undefined;
      },
      { what: 'check up' },
    );
    assert.equal(check.regions[0]?.region, 'astana');
    const metrics = await (await fetch(`${k.url}/metrics`)).text();
    assert.match(metrics, /kuzet_check_up\{system="portal",target="homepage",check="home",region="astana"\} 1/);
    assert.match(
      metrics,
      /kuzet_check_duration_seconds_bucket\{le="[^"]+",system="portal",target="homepage",check="home",region="astana"\}/,
    );
    assert.match(metrics, /process_resident_memory_bytes|kuzet_process_resident_memory_bytes/);
    const results = await waitFor(
      async () => {
        const r = await getJson(`${k.url}/api/v1/checks/portal/homepage/home/results`);
        return (r.body.items as unknown[]).length > 0 ? r : undefined;
      },
      { what: 'stored results' },
    );
    const item = (results.body.items as Record<string, unknown>[])[0]!;
    assert.equal(item.ok, true);
    assert.match(String(item.at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:00$/);
  });

  it('goes down when the target fails, with the failure counted by kind', async () => {
    target.healthy = false;
    const c = await waitFor(
      async () => {
        const s = await checkStatus(k, 'home');
        return s?.status === 'down' ? s : undefined;
      },
      { what: 'check down', timeoutMs: 15_000 },
    );
    assert.equal(c.regions[0]?.errorKind, 'http-status');
    const metrics = await (await fetch(`${k.url}/metrics`)).text();
    assert.match(metrics, /kuzet_check_failures_total\{system="portal",target="homepage",check="home",error_kind="http-status"\} [1-9]/);
    assert.match(metrics, /kuzet_check_up\{system="portal",target="homepage",check="home",region="astana"\} 0/);
    target.healthy = true;
    await waitFor(async () => (await checkStatus(k, 'home'))?.status === 'up', { what: 'check up again', timeoutMs: 15_000 });
  });

  it('reload adds and removes schedulers', async () => {
    writeFileSync(configPath, yamlFor({ targetUrl: target.url, prefix, dataDir: dir.path, checks: ['second'] }));
    await k.reload();
    assert.deepEqual(
      k.config().systems.portal?.targets[0]?.checks.map((c) => c.id),
      ['second'],
    );
    await waitFor(async () => (await checkStatus(k, 'second'))?.status === 'up', { what: 'new check up' });
    // An invalid file is refused and the running config stays.
    writeFileSync(configPath, 'systems: { portal: { kind: nope } }');
    await k.reload();
    assert.deepEqual(
      k.config().systems.portal?.targets[0]?.checks.map((c) => c.id),
      ['second'],
    );
  });

  it('answers bad requests with field-named JSON errors', async () => {
    const bad = await getJson(`${k.url}/api/v1/checks/portal/homepage/second/results?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      error: {
        code: 'invalid_input',
        message: 'from: not an ISO 8601 date-time with an offset (e.g. 2026-03-26T09:00:00+05:00)',
        field: 'from',
      },
    });
    const missing = await getJson(`${k.url}/api/v1/checks/portal/nope/x/results`);
    assert.equal(missing.status, 404);
    assert.equal((missing.body.error as { code: string }).code, 'not_found');
    const unknownRoute = await getJson(`${k.url}/api/v1/nothing`);
    assert.equal(unknownRoute.status, 404);
  });
});

describe('pipeline on PGlite with separate workers', () => {
  const prefix = uniqueName('kz');
  const dir = tempDir();
  let target: Target;

  before(async () => {
    target = await startTarget();
  });
  after(async () => {
    await target.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('two worker processes share one Redis and each due run executes once', async () => {
    const yaml = yamlFor({ targetUrl: target.url, prefix, dataDir: join(dir.path, 'data'), checks: ['a', 'b', 'c', 'd'] });
    const config = parseConfig(yaml, PROBES, {});
    const k = await startKuzet({ config, log: silentLogger, port: 0, workers: false, env: {} });
    const w1 = await startWorker({ config, regions: ['astana'], log: silentLogger, env: {} });
    const w2 = await startWorker({ config, regions: ['astana'], log: silentLogger, env: {} });
    try {
      assert.equal(k.db.engine, 'pglite');
      await k.redisReady;
      // Schedulers fire immediately, then every 5 s: wait for the second round of all four checks.
      await waitFor(
        async () => {
          const rows = await k.db.query<{ n: string }>('SELECT count(*) AS n FROM check_results');
          return Number(rows[0]?.n) >= 8;
        },
        { what: '8 results', timeoutMs: 20_000 },
      );
      const perRun = await k.db.query<{ check_id: string; n: string }>(
        'SELECT check_id, count(*) AS n FROM check_results GROUP BY check_id',
      );
      assert.equal(perRun.length, 4);
      // Every run is stored once: the target saw exactly as many requests as results were stored (± runs in flight).
      const stored = perRun.reduce((s, r) => s + Number(r.n), 0);
      assert.ok(target.hits >= stored && target.hits <= stored + 4, `hits ${target.hits}, stored ${stored}`);
      for (const r of perRun) assert.ok(Number(r.n) <= 3, `${r.check_id} ran ${r.n} times in ~5-10 s at a 5 s interval`);
    } finally {
      await w1.close();
      await w2.close();
      await k.close();
    }
  });
});

describe('browser concurrency per worker', () => {
  it('comes from workers.browserConcurrency (default 2), and --browser-concurrency overrides it', async () => {
    const prefix = uniqueName('kzbc');
    const dir = tempDir();
    const base = yamlFor({ targetUrl: 'http://127.0.0.1:9/', prefix, dataDir: join(dir.path, 'data'), checks: ['a'] });
    try {
      assert.equal(parseConfig(base, PROBES, {}).workers.browserConcurrency, 2);
      const config = parseConfig(`${base}\nworkers: { browserConcurrency: 3 }`, PROBES, {});
      const w = await startWorker({ config, regions: ['astana'], log: silentLogger, env: {} });
      assert.equal(browserPool().concurrency, 3);
      await w.close();
      const flagged = await startWorker({ config, regions: ['astana'], log: silentLogger, env: {}, browserConcurrency: 1 });
      assert.equal(browserPool().concurrency, 1);
      await flagged.close();
      assert.throws(() => parseConfig(`${base}\nworkers: { browserConcurrency: 0 }`, PROBES, {}), /workers\.browserConcurrency/);
    } finally {
      await dropRedisPrefix(prefix);
      dir.remove();
    }
  });
});

describe('Redis unreachable at start', () => {
  it('serves /readyz 503 naming REDIS_URL instead of crashing', async () => {
    const dir = tempDir();
    const config = parseConfig(`storage: { dataDir: "${join(dir.path, 'd')}" }\nredis: { url: "redis://127.0.0.1:1" }`, PROBES, {});
    const k = await startKuzet({ config, log: silentLogger, port: 0, env: {} });
    try {
      const r = await getJson(`${k.url}/readyz`);
      assert.equal(r.status, 503);
      assert.match(JSON.stringify(r.body.missing), /redis: .*REDIS_URL=redis:\/\/127\.0\.0\.1:1/);
      assert.equal((await getJson(`${k.url}/healthz`)).status, 200);
    } finally {
      await k.close();
      dir.remove();
    }
  });
});
