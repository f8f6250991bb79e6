/**
 * The InfluxDB sink's points read back from a real InfluxDB: Debian's influxd 1.6.7, started here
 * on loopback. 1.6 has only the v1 write API, so the v2 path (@influxdata/influxdb-client's WriteApi,
 * what a compose stack's InfluxDB 2 receives) goes through a small bridge that forwards
 * `/api/v2/write?bucket=B` to `/write?db=B` unchanged; the v1 path writes to influxd through the same
 * bridge, which can refuse a batch to show the retry. Reads are InfluxQL (1.6 runs no Flux), so the
 * dashboards' Flux text is not executed: its measurement, field and tag names are checked against
 * what the real database holds after the writes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../core/log.ts';
import { InfluxSink, type InfluxSettings } from '../collector/influx.sink.ts';
import type { KeyedResult } from '../collector/results.repo.ts';
import { tempDir, waitFor } from '../test/support.ts';
import { buildAll } from './build.ts';

const INFLUXD = '/usr/bin/influxd';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

type Series = { name: string; columns: string[]; values: unknown[][]; tags?: Record<string, string> };
type QueryBody = { results: { series?: Series[]; error?: string }[]; error?: string };

const at = new Date('2026-03-26T04:00:00.000Z');
const result = (over: Partial<KeyedResult>): KeyedResult => ({
  key: 'k',
  system: 'portal',
  target: 'homepage',
  check: 'http',
  region: 'astana',
  ok: true,
  latencyMs: 42.5,
  errorKind: null,
  message: 'ok',
  at,
  ...over,
});
const RESULTS: KeyedResult[] = [
  result({}),
  result({ system: 'etp-alpha', target: 'orders', ok: false, errorKind: 'connect', latencyMs: 3, at: new Date(at.getTime() + 1000) }),
  result({
    target: 'search-journey',
    check: 'browser',
    at: new Date(at.getTime() + 2000),
    observations: {
      journey: 'portal',
      totalMs: 1234,
      steps: [
        { name: 'open homepage', ms: 600, ok: true },
        { name: 'open search', ms: 634, ok: false },
      ],
      vitals: { lcp: 820, cls: 0.02, ttfb: 110 },
    },
  }),
  result({
    system: 'kuzet',
    target: 'ntp',
    check: 'ntp',
    at: new Date(at.getTime() + 3000),
    observations: { server: 'ntp.nic.kz', stratum: 2, offsetMs: -12.25, delayMs: 31.5 },
  }),
  result({
    system: 'etp-alpha',
    target: 'prices',
    check: 'clock',
    at: new Date(at.getTime() + 4000),
    observations: { offsetMs: 740, uncertaintyMs: 25 },
  }),
  result({
    system: 'etp-alpha',
    target: 'catalogue',
    check: 'fresh',
    at: new Date(at.getTime() + 5000),
    observations: { path: '$.updatedAt', ageSeconds: 3600.5, maxAgeSeconds: 86400 },
  }),
];

describe('InfluxDB sink against a real influxd 1.6', () => {
  const dir = tempDir('kuzet-influx-');
  let influxd: ChildProcess | undefined;
  let influxUrl = '';
  let bridge: Server;
  let bridgeUrl = '';
  let log = '';
  /** Writes the bridge refuses before forwarding again (the retry test). */
  let refuseNext = 0;
  const seen: string[] = [];

  const influxql = async (db: string, q: string) => {
    const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`, { method: 'POST' });
    const body = (await res.json()) as QueryBody;
    const err = body.error ?? body.results[0]?.error;
    if (err) throw new Error(`${q}: ${err}`);
    return body.results[0]?.series ?? [];
  };
  const rows = async (db: string, measurement: string) => {
    const [s] = await influxql(db, `SELECT * FROM "${measurement}"`);
    return (s?.values ?? []).map((v) => Object.fromEntries(s!.columns.map((c, i) => [c, v[i]])));
  };
  const sink = (db: string, v1: boolean) => {
    const s: InfluxSettings = {
      url: bridgeUrl,
      token: 'test-token',
      org: 'kuzet',
      bucket: db,
      flushIntervalMs: 100,
      batchSize: 1000,
      ...(v1 ? { v1Database: db } : {}),
    };
    return new InfluxSink(s, silentLogger);
  };

  before(async () => {
    const port = await freePort();
    const rpcPort = await freePort();
    for (const d of ['meta', 'data', 'wal']) mkdirSync(join(dir.path, d));
    writeFileSync(
      join(dir.path, 'influxdb.conf'),
      [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${rpcPort}"`,
        '[meta]',
        `  dir = "${join(dir.path, 'meta')}"`,
        '[data]',
        `  dir = "${join(dir.path, 'data')}"`,
        `  wal-dir = "${join(dir.path, 'wal')}"`,
        '  query-log-enabled = false',
        '[monitor]',
        '  store-enabled = false',
        '[http]',
        `  bind-address = "127.0.0.1:${port}"`,
        '  log-enabled = false',
        '',
      ].join('\n'),
    );
    influxUrl = `http://127.0.0.1:${port}`;
    influxd = spawn(INFLUXD, ['-config', join(dir.path, 'influxdb.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    influxd.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    influxd.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(async () => (await fetch(`${influxUrl}/ping`)).status === 204, {
      what: `influxd ping (${log.slice(-300)})`,
      timeoutMs: 20_000,
    });
    for (const db of ['v2path', 'v1path']) await influxql(db, `CREATE DATABASE "${db}"`);

    bridge = createServer((req, res) => {
      const url = new URL(req.url!, 'http://bridge');
      seen.push(`${req.method} ${url.pathname}`);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (refuseNext > 0) {
          refuseNext--;
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"unavailable","message":"refused by the test"}');
          return;
        }
        const db = url.pathname === '/api/v2/write' ? url.searchParams.get('bucket') : url.searchParams.get('db');
        if (!db || (url.pathname !== '/api/v2/write' && url.pathname !== '/write')) {
          res.writeHead(404).end();
          return;
        }
        const target = new URL('/write', influxUrl);
        target.searchParams.set('db', db);
        target.searchParams.set('precision', url.searchParams.get('precision') ?? 'ns');
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        if (req.headers['content-encoding']) headers['content-encoding'] = String(req.headers['content-encoding']);
        const up = httpRequest(target, { method: 'POST', headers }, (r) => {
          const body: Buffer[] = [];
          r.on('data', (c: Buffer) => body.push(c));
          r.on('end', () => res.writeHead(r.statusCode ?? 502, { 'content-type': 'application/json' }).end(Buffer.concat(body)));
        });
        up.on('error', (e) => res.writeHead(502).end(e.message));
        up.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => bridge.listen(0, '127.0.0.1', r));
    bridgeUrl = `http://127.0.0.1:${(bridge.address() as { port: number }).port}`;
  });

  after(async () => {
    await new Promise((r) => bridge?.close(r));
    if (influxd && influxd.exitCode === null) {
      const exited = new Promise((r) => influxd!.once('exit', r));
      influxd.kill('SIGTERM');
      await exited;
    }
    dir.remove();
  });

  it('v2 write path (WriteApi, bridged to /write): every measurement reads back with its tags and fields', async () => {
    const s = sink('v2path', false);
    for (const r of RESULTS) s.push(r);
    s.pushIncident({
      system: 'portal',
      incident: 'INC-2026-0001',
      level: 'high',
      state: 'confirmed',
      open: true,
      at: new Date(at.getTime() + 6000),
    });
    s.pushEtp({ etp: 'etp-alpha', streakDays: 6, state: 'productive', at: new Date(at.getTime() + 7000) });
    await s.close();
    assert.ok(seen.includes('POST /api/v2/write'), seen.join(', '));

    const checks = await rows('v2path', 'check_result');
    assert.deepEqual(
      checks.map((c) => [c.time, c.system, c.target, c.check, c.region, c.error_kind, c.up, c.latency_ms]),
      [
        [at.getTime(), 'portal', 'homepage', 'http', 'astana', 'none', 1, 42.5],
        [at.getTime() + 1000, 'etp-alpha', 'orders', 'http', 'astana', 'connect', 0, 3],
        [at.getTime() + 2000, 'portal', 'search-journey', 'browser', 'astana', 'none', 1, 42.5],
        [at.getTime() + 3000, 'kuzet', 'ntp', 'ntp', 'astana', 'none', 1, 42.5],
        [at.getTime() + 4000, 'etp-alpha', 'prices', 'clock', 'astana', 'none', 1, 42.5],
        [at.getTime() + 5000, 'etp-alpha', 'catalogue', 'fresh', 'astana', 'none', 1, 42.5],
      ],
    );
    const [journey] = await rows('v2path', 'journey');
    assert.deepEqual(
      [journey!.journey, journey!.up, journey!.total_ms, journey!.lcp_ms, journey!.cls, journey!.ttfb_ms],
      ['search-journey/browser', 1, 1234, 820, 0.02, 110],
    );
    const steps = await rows('v2path', 'journey_step');
    assert.deepEqual(steps.map((x) => [x.step, x.ms, x.ok]).sort(), [
      ['open homepage', 600, 1],
      ['open search', 634, 0],
    ]);
    const [ntp] = await rows('v2path', 'ntp');
    assert.deepEqual(
      [ntp!.time, ntp!.server, ntp!.offset_ms, ntp!.delay_ms, ntp!.stratum],
      [at.getTime() + 3000, 'ntp.nic.kz', -12.25, 31.5, 2],
    );
    const [clock] = await rows('v2path', 'clock_offset');
    assert.deepEqual([clock!.target, clock!.offset_ms, clock!.uncertainty_ms], ['prices', 740, 25]);
    const [fresh] = await rows('v2path', 'freshness');
    assert.deepEqual([fresh!.target, fresh!.age_s], ['catalogue', 3600.5]);
    const [incident] = await rows('v2path', 'incident_state');
    assert.deepEqual([incident!.incident, incident!.level, incident!.state, incident!.open], ['INC-2026-0001', 'high', 'confirmed', 1]);
    const [etp] = await rows('v2path', 'etp_streak');
    assert.deepEqual([etp!.time, etp!.etp, etp!.streak_days, etp!.state], [at.getTime() + 7000, 'etp-alpha', 6, 'productive']);
  });

  it('every Flux query of the dashboards names a measurement, fields and tags the database now holds', async () => {
    const queries = buildAll().boards.flatMap((b) => b.fluxQueries.map((q) => ({ where: `${b.spec.title} / ${q.panel}`, flux: q.flux })));
    for (const { where, flux } of queries) {
      const measurement = /r\._measurement == "([^"]+)"/.exec(flux)![1]!;
      const fieldKeys = new Set(
        (await influxql('v2path', `SHOW FIELD KEYS FROM "${measurement}"`)).flatMap((s) => s.values.map((v) => v[0] as string)),
      );
      const tagKeys = new Set(
        (await influxql('v2path', `SHOW TAG KEYS FROM "${measurement}"`)).flatMap((s) => s.values.map((v) => v[0] as string)),
      );
      assert.ok(fieldKeys.size > 0, `${where}: measurement ${measurement} holds nothing`);
      for (const [, f] of flux.matchAll(/r\._field == "([^"]+)"/g))
        assert.ok(fieldKeys.has(f!), `${where}: field ${f} not in ${[...fieldKeys].join(', ')}`);
      for (const [, t] of flux.matchAll(/\br\.([a-z][a-z_]*)\b/g))
        assert.ok(tagKeys.has(t!), `${where}: tag ${t} not in ${[...tagKeys].join(', ')}`);
    }
  });

  it('v1 write path: a refused batch is kept and written by the next flush', async () => {
    const s = sink('v1path', true);
    refuseNext = 1;
    s.push(RESULTS[1]!);
    await s.flush();
    assert.equal(refuseNext, 0, 'the bridge refused the first batch');
    assert.deepEqual(await rows('v1path', 'check_result'), []);
    await s.flush();
    const [row] = await rows('v1path', 'check_result');
    assert.deepEqual(
      [row!.time, row!.system, row!.target, row!.error_kind, row!.up],
      [at.getTime() + 1000, 'etp-alpha', 'orders', 'connect', 0],
    );
    await s.close();
    assert.equal(s.dropped, 0);
  });
});
