/**
 * Status site benchmark (#19 goal 5).
 *
 * 1. Throughput: /status and /status.json of kuzet under 100 concurrent connections (autocannon, in
 *    its own process), beside a bare node:http server returning the same bytes in the same run; then
 *    the same with the database stalled (every query hangs). The two servers are measured in turns,
 *    twice each, and each side's better run counts: on a shared 2-core machine one run alone says
 *    more about the neighbours than about the server. The server's own CPU per request is printed
 *    beside it (the bench process hosts both servers; autocannon runs apart).
 *    Targets: ≥ 0.7 of the bare server, stalled or not.
 * 2. Revalidation: an hour of a live site in simulated time — 40 checks every 30 s, the site
 *    refreshing every 5 s, one module down for 3 minutes, uptime re-read every 5 minutes from the
 *    stored results — with clients that revalidate every 10 s (max-age=10) over real HTTP with the
 *    ETag and Last-Modified they hold. Target: ≥ 90 % of those answers are 304.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createApi } from '../api/server.ts';
import { Metrics } from '../collector/metrics.ts';
import { insertResults } from '../collector/results.repo.ts';
import { StatusBoard } from '../collector/status.ts';
import { parseConfig, type KuzetConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { NoticeRuntime } from '../notices/index.ts';
import { PROBES } from '../probes/index.ts';

const CLI = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const DURATION_S = Number(process.env.BENCH_STATUS_SECONDS ?? 5);
const MODULES = ['homepage', 'search', 'lots', 'auth', 'eshop'];
const CHECKS_PER_MODULE = 8;

interface Run {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU of the bench process (the server under test) per request, µs. */
  cpuUs: number;
}

function cannon(url: string): Promise<Run> {
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '-c', '100', '-d', String(DURATION_S), '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const cpu = process.cpuUsage(cpu0);
      try {
        const j = JSON.parse(out) as {
          requests: { average: number; total: number };
          latency: { p99: number };
          errors: number;
          non2xx: number;
        };
        resolve({
          rps: Math.round(j.requests.average),
          p99: j.latency.p99,
          errors: j.errors,
          non2xx: j.non2xx,
          cpuUs: Math.round(((cpu.user + cpu.system) / Math.max(1, j.requests.total)) * 10) / 10,
        });
      } catch (e) {
        reject(new Error(`autocannon printed no JSON: ${(e as Error).message}`));
      }
    });
  });
}

const listen = (s: Server) =>
  new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

/** The portal with 40 HTTP checks every 30 s over five modules, and an ETP with two services. */
export function benchConfig(): KuzetConfig {
  return parseConfig(
    JSON.stringify({
      systems: {
        portal: {
          name: 'Веб-портал государственных закупок',
          names: { kk: 'Мемлекеттік сатып алу веб-порталы', ru: 'Веб-портал государственных закупок' },
          kind: 'portal',
          policy: 'portal-692',
          modules: MODULES,
          targets: MODULES.flatMap((m) =>
            Array.from({ length: CHECKS_PER_MODULE }, (_, i) => ({
              id: `${m}-${i}`,
              module: m,
              checks: [{ id: 'http', type: 'http', url: `http://127.0.0.1:9/${m}/${i}`, interval: '30s' }],
            })),
          ),
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
}

/** A site over a PGlite database whose queries hang while `stall.value` is set, with five published notices. */
export async function benchSite(cfg: KuzetConfig, now: () => Date, board: StatusBoard) {
  const real = await openDb({ dataDir: 'memory://' });
  await migrate(real);
  const stall = { value: false };
  const db = {
    ...real,
    query: (sql: string, params?: unknown[]) => (stall.value ? new Promise(() => undefined) : real.query(sql, params)),
  } as Db;
  const rt = new NoticeRuntime({
    db: () => db,
    config: () => cfg,
    log: silentLogger,
    now,
    board: () => board.snapshot(cfg, now()),
    // The simulated hour drives refreshes itself; the throughput runs keep the real 5 s loop.
    site: { dbTimeoutMs: 300 },
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
  const server = createApi({
    config: () => cfg,
    db: () => db,
    metrics: new Metrics(),
    status: board,
    readiness: async () => [],
    log: silentLogger,
    notices: { db: () => db, notices: () => rt },
  }).listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const close = async () => {
    stall.value = false;
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await rt.close();
    await real.close();
  };
  return { rt, db: real, stall, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

export function pushAll(board: StatusBoard, cfg: KuzetConfig, at: Date, down: ReadonlySet<string> = new Set()) {
  const results = [];
  for (const [system, sys] of Object.entries(cfg.systems))
    for (const t of sys.targets)
      for (const c of t.checks) {
        const ok = !down.has(t.id);
        const r = {
          key: `${system}/${t.id}/${c.id}`,
          system,
          target: t.id,
          check: c.id,
          region: cfg.regions[0]!,
          ok,
          latencyMs: 80 + Math.round(Math.random() * 120),
          errorKind: ok ? null : ('http-status' as const),
          message: ok ? 'ok' : 'expected status 200, got 503',
          at,
        };
        board.push(r);
        results.push(r);
      }
  return results;
}

export async function benchStatus(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  Object.assign(out, await benchThroughput());
  Object.assign(out, await benchRevalidation());
  return out;
}

async function benchThroughput(): Promise<Record<string, string | number>> {
  const cfg = benchConfig();
  const board = new StatusBoard();
  pushAll(board, cfg, new Date());
  const site = await benchSite(cfg, () => new Date(), board);
  await site.rt.start();
  const k = site.url;
  // Results keep coming while the servers are measured, as they would.
  const feeding = setInterval(() => pushAll(board, cfg, new Date()), 1_000);

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

  const out: Record<string, string | number> = { '/status bytes': bodies.get('/status')!.body.length };
  const best = (runs: Run[]) => runs.reduce((a, r) => (r.rps > a.rps ? r : a));
  const record = (name: string, r: Run) => {
    out[`${name} req/s`] = r.rps;
    out[`${name} p99 ms`] = r.p99;
    out[`${name} CPU µs/request`] = r.cpuUs;
    if (r.errors + r.non2xx > 0) out[`${name} errors/non-2xx`] = `${r.errors}/${r.non2xx}`;
  };
  const ratio = (a: number, z: number) => Math.round((a / z) * 100) / 100;
  try {
    const bareRuns = new Map<string, Run>();
    for (const path of ['/status', '/status.json']) {
      const bareR: Run[] = [];
      const kuzetR: Run[] = [];
      for (let i = 0; i < 2; i++) {
        bareR.push(await cannon(`${b}${path}`));
        kuzetR.push(await cannon(`${k}${path}`));
      }
      const [bareRun, kuzetRun] = [best(bareR), best(kuzetR)];
      bareRuns.set(path, bareRun);
      record(`bare ${path}`, bareRun);
      record(`kuzet ${path}`, kuzetRun);
      out[`kuzet/bare ${path}`] = ratio(kuzetRun.rps, bareRun.rps);
    }
    site.stall.value = true;
    site.rt.site.invalidate();
    await site.rt.site.refresh();
    out['stalled: snapshot marked stale'] = String(site.rt.site.current()?.stale);
    for (const path of ['/status', '/status.json']) {
      const r = best([await cannon(`${k}${path}`), await cannon(`${k}${path}`)]);
      record(`kuzet ${path} (database stalled)`, r);
      out[`kuzet/bare ${path} (database stalled)`] = ratio(r.rps, bareRuns.get(path)!.rps);
    }
  } finally {
    clearInterval(feeding);
    await new Promise<void>((r) => bare.close(() => r()));
    bare.closeAllConnections();
    await site.close();
  }
  return out;
}

/** Seconds of simulated time and what the clients got: an hour of a live site, each client revalidating every 10 s. */
export async function benchRevalidation(): Promise<Record<string, string | number>> {
  const HOUR_S = 3_600;
  const STEP_S = 5;
  const CLIENTS = 24;
  const PATHS = ['/status', '/status?lang=ru', '/status.json'];
  const cfg = benchConfig();
  const board = new StatusBoard();
  let clock = Date.parse('2026-12-03T09:00:00+05:00');
  const now = () => new Date(clock);
  const site = await benchSite(cfg, now, board);
  const stored = pushAll(board, cfg, now());
  await site.rt.site.refresh();
  const clients = Array.from({ length: CLIENTS }, (_, i) => ({ path: PATHS[i % PATHS.length]!, etag: '', lastModified: '' }));
  let revalidations = 0;
  let notModified = 0;
  let changes = 0;
  let lastTag = site.rt.site.get('html-kk')?.etag;
  const t0 = performance.now();
  try {
    for (let s = 0; s <= HOUR_S; s += STEP_S) {
      clock = Date.parse('2026-12-03T09:00:00+05:00') + s * 1000;
      if (s % 30 === 0) {
        // One module's checks fail from minute 20 to minute 23.
        const down =
          s >= 1_200 && s < 1_380 ? new Set(Array.from({ length: CHECKS_PER_MODULE }, (_, i) => `search-${i}`)) : new Set<string>();
        stored.push(...pushAll(board, cfg, now(), down));
      }
      if (s % 60 === 0) await insertResults(site.db, stored.splice(0));
      await site.rt.site.refresh();
      const tag = site.rt.site.get('html-kk')?.etag;
      if (tag !== lastTag) changes++;
      lastTag = tag;
      // Every client revalidates every 10 s, half of them in each 5 s step.
      for (const [i, c] of clients.entries()) {
        if ((s / STEP_S + i) % 2 !== 0) continue;
        const headers: Record<string, string> = c.etag ? { 'if-none-match': c.etag, 'if-modified-since': c.lastModified } : {};
        const res = await fetch(`${site.url}${c.path}`, { headers });
        await res.arrayBuffer();
        if (c.etag) {
          revalidations++;
          if (res.status === 304) notModified++;
        }
        if (res.status === 200) {
          c.etag = res.headers.get('etag') ?? '';
          c.lastModified = res.headers.get('last-modified') ?? '';
        }
      }
    }
  } finally {
    await site.close();
  }
  return {
    'revalidation: simulated time, clients × paths': `1 h, ${CLIENTS} clients over ${PATHS.join(' ')}`,
    'revalidation: /status (kk) changes in the hour': changes,
    'revalidation: requests every 10 s per client': revalidations,
    'revalidation: share of 304 answers, %': Math.round((notModified / Math.max(1, revalidations)) * 1000) / 10,
    'revalidation: wall time, s': Math.round((performance.now() - t0) / 100) / 10,
  };
}
