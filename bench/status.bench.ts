/**
 * Status site benchmark: /status and /status.json of kuzet under 100 concurrent connections
 * (autocannon, in its own process), beside a bare node:http server returning the same bytes in the
 * same run; then the same with the database stalled (every query hangs).
 * Targets: ≥ 5,000 req/s, ≥ 0.5 of the bare server, p99 < 50 ms, stalled or not.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createApi } from '../api/server.ts';
import { Metrics } from '../collector/metrics.ts';
import { StatusBoard } from '../collector/status.ts';
import { parseConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { NoticeRuntime } from '../notices/index.ts';
import { PROBES } from '../probes/index.ts';

const CLI = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const DURATION_S = Number(process.env.BENCH_STATUS_SECONDS ?? 8);

interface Run {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function cannon(url: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '-c', '100', '-d', String(DURATION_S), '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const j = JSON.parse(out) as { requests: { average: number }; latency: { p99: number }; errors: number; non2xx: number };
        resolve({ rps: Math.round(j.requests.average), p99: j.latency.p99, errors: j.errors, non2xx: j.non2xx });
      } catch (e) {
        reject(new Error(`autocannon printed no JSON: ${(e as Error).message}`));
      }
    });
  });
}

const listen = (s: Server) =>
  new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

export async function benchStatus(): Promise<Record<string, string | number>> {
  const cfg = parseConfig(
    JSON.stringify({
      systems: {
        portal: {
          name: 'Веб-портал государственных закупок',
          kind: 'portal',
          policy: 'portal-692',
          modules: ['homepage', 'search', 'lots', 'auth', 'eshop'],
        },
        etp1: {
          name: 'ЭТП 1',
          kind: 'etp',
          policy: 'etp-em',
          modules: ['orders', 'prices'],
          targets: [
            { id: 'orders', module: 'orders', service: 'orders' },
            { id: 'prices', module: 'prices', service: 'prices' },
          ],
        },
      },
    }),
    PROBES,
    {},
  );
  const real = await openDb({ dataDir: 'memory://' });
  await migrate(real);
  const stall = { value: false };
  const db = {
    ...real,
    query: (sql: string, params?: unknown[]) => (stall.value ? new Promise(() => undefined) : real.query(sql, params)),
  } as Db;
  const status = new StatusBoard();
  const rt = new NoticeRuntime({
    db: () => db,
    config: () => cfg,
    log: silentLogger,
    board: () => status.snapshot(cfg, new Date()),
    site: { dbTimeoutMs: 300, refreshMs: 1_000 },
  });
  for (let i = 0; i < 5; i++) {
    const { notice } = await rt.service.upsert(
      {
        kind: 'incident',
        id: `INC-BENCH-${i}`,
        system: 'portal',
        modules: ['search'],
        policy: 'portal-692',
        level: 'medium',
        phase: 'opened',
        description: { ru: `Сбой поиска номер ${i}`, kk: `Іздеу іркілісі ${i}` },
        affected: [{ announcement: `1000${i}`, lot: '1' }],
      },
      { id: 'bench' },
    );
    await rt.service.publish(notice.id, { id: 'bench' });
  }
  await rt.start();
  await rt.site.refresh();
  const kuzet = createApi({
    config: () => cfg,
    db: () => db,
    metrics: new Metrics(),
    status,
    readiness: async () => [],
    log: silentLogger,
    notices: { db: () => db, notices: () => rt },
  }).listen(0, '127.0.0.1');
  await new Promise<void>((r) => kuzet.once('listening', () => r()));
  const k = `http://127.0.0.1:${(kuzet.address() as AddressInfo).port}`;

  // The bare server returns the bytes kuzet serves, with a content type.
  const bodies = new Map<string, { type: string; body: Buffer }>();
  for (const path of ['/status', '/status.json']) {
    const res = await fetch(`${k}${path}`);
    bodies.set(path, { type: res.headers.get('content-type') ?? 'text/plain', body: Buffer.from(await res.arrayBuffer()) });
  }
  const bare = createServer((req, res) => {
    const b = bodies.get(req.url ?? '') ?? bodies.get('/status');
    res.writeHead(200, { 'content-type': b!.type, 'content-length': b!.body.length });
    res.end(b!.body);
  });
  const b = await listen(bare);

  const out: Record<string, string | number> = {};
  const record = (name: string, r: Run) => {
    out[`${name} req/s`] = r.rps;
    out[`${name} p99 ms`] = r.p99;
    if (r.errors + r.non2xx > 0) out[`${name} errors/non-2xx`] = `${r.errors}/${r.non2xx}`;
  };
  try {
    for (const path of ['/status', '/status.json']) {
      const bareRun = await cannon(`${b}${path}`);
      const kuzetRun = await cannon(`${k}${path}`);
      record(`bare ${path}`, bareRun);
      record(`kuzet ${path}`, kuzetRun);
      out[`kuzet/bare ${path}`] = Math.round((kuzetRun.rps / bareRun.rps) * 100) / 100;
    }
    stall.value = true;
    rt.site.invalidate();
    await rt.site.refresh();
    out['stalled: snapshot marked stale'] = String(rt.site.current()?.stale);
    for (const path of ['/status', '/status.json']) {
      const r = await cannon(`${k}${path}`);
      record(`kuzet ${path} (database stalled)`, r);
      out[`kuzet/bare ${path} (database stalled)`] = Math.round((r.rps / (out[`bare ${path} req/s`] as number)) * 100) / 100;
    }
  } finally {
    stall.value = false;
    await new Promise<void>((r) => kuzet.close(() => r()));
    kuzet.closeAllConnections();
    await new Promise<void>((r) => bare.close(() => r()));
    bare.closeAllConnections();
    await rt.close();
    await real.close();
  }
  return out;
}
