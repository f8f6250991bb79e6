/**
 * GET /api/v1/runs/:id and its artifact downloads, on PGlite in memory and files in a temp folder;
 * plus the journey metrics and InfluxDB points made from the same stored observations.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Router from '@koa/router';
import Koa from 'koa';
import { createToken } from '../core/auth.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { errorMiddleware } from './http-util.ts';
import { journeyPoints } from '../collector/influx.sink.ts';
import { Metrics } from '../collector/metrics.ts';
import { insertResults, type KeyedResult } from '../collector/results.repo.ts';
import { registerRunRoutes } from './runs.routes.ts';

let db: Db;
let server: Server;
let base: string;
let viewer: string;
let clock = new Date('2026-11-23T12:00:00+05:00');
/** A viewer's GET (runs hold page contents: issue #16 item 6). */
const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
const root = mkdtempSync(join(tmpdir(), 'kuzet-runs-'));
const outside = mkdtempSync(join(tmpdir(), 'kuzet-outside-'));
const runDir = join(root, '2026-11-23', 'run-1');

const journeyResult = (extra: Partial<KeyedResult> = {}): KeyedResult => ({
  key: 'demo/portal/search-journey',
  system: 'demo',
  target: 'portal',
  check: 'search-journey',
  region: 'astana',
  ok: false,
  latencyMs: 1830.5,
  errorKind: 'assertion',
  message: 'step "search announcements": expected text "Результаты поиска" not found within 10 s',
  at: new Date('2026-11-23T10:00:00+05:00'),
  observations: {
    journey: 'portal-search',
    runId: 'run-1',
    steps: [
      { name: 'open search page', ms: 120.5, ok: true },
      { name: 'search announcements', ms: 1700, ok: false, error: 'expected text "Результаты поиска" not found within 10 s' },
    ],
    totalMs: 1830.5,
    vitals: { lcp: 212, cls: 0, ttfb: 18.5 },
    consoleErrors: [],
    failedRequests: [],
    artifacts: [
      { name: 'screenshot.png', path: join(runDir, 'screenshot.png'), bytes: 4 },
      { name: 'trace.zip', path: join(runDir, 'trace.zip'), bytes: 2 },
      { name: 'evil.txt', path: join(outside, 'secret.txt'), bytes: 6 },
      { name: 'link.txt', path: join(runDir, 'link.txt'), bytes: 6 },
    ],
  },
  ...extra,
});

before(async () => {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'screenshot.png'), 'PNG!');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  symlinkSync(join(outside, 'secret.txt'), join(runDir, 'link.txt'));
  db = await openDb({ dataDir: 'memory://' });
  await migrate(db);
  await insertResults(db, [journeyResult()]);
  viewer = (await createToken(db, { role: 'viewer', name: 'v' })).token;
  const app = new Koa();
  const router = new Router();
  app.use(errorMiddleware(silentLogger));
  registerRunRoutes(router, { db: () => db, artifactsDir: root, now: () => clock });
  app.use(router.routes());
  server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((r) => server.close(r));
  await db.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function runId(): Promise<string> {
  const rows = await db.query<{ id: string | number }>('SELECT id FROM check_results ORDER BY id LIMIT 1');
  return String(rows[0]!.id);
}

describe('GET /api/v1/runs/:id', () => {
  it('returns the stored result with its observations and artifact URLs (no disk paths)', async () => {
    const id = await runId();
    const res = await get(`/api/v1/runs/${id}`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(!text.includes(root) && !text.includes(outside), 'no path on the server’s disk');
    const body = JSON.parse(text) as Record<string, unknown>;
    assert.equal(body.message, 'step "search announcements": expected text "Результаты поиска" not found within 10 s');
    assert.equal(body.at, '2026-11-23T10:00:00+05:00');
    assert.equal((body.observations as { journey: string }).journey, 'portal-search');
    assert.deepEqual(
      (body.artifacts as { name: string; bytes: number; url: string }[]).slice(0, 2).map(({ name, bytes, url }) => ({ name, bytes, url })),
      [
        { name: 'screenshot.png', bytes: 4, url: `/api/v1/runs/${id}/artifacts/screenshot.png` },
        { name: 'trace.zip', bytes: 2, url: `/api/v1/runs/${id}/artifacts/trace.zip` },
      ],
    );
  });

  it('needs a viewer token for the run and its files; a shared link opens one file until it expires', async () => {
    const id = await runId();
    assert.equal((await fetch(`${base}/api/v1/runs/${id}`)).status, 401);
    assert.equal((await fetch(`${base}/api/v1/runs/${id}/artifacts/screenshot.png`)).status, 401);
    const body = (await (await get(`/api/v1/runs/${id}`)).json()) as {
      artifacts: { name: string; shareUrl: string; shareExpiresAt: string }[];
    };
    const shot = body.artifacts.find((a) => a.name === 'screenshot.png')!;
    assert.equal(shot.shareExpiresAt, '2026-11-24T12:00:00+05:00');
    const shared = await fetch(`${base}${shot.shareUrl}`);
    assert.equal(shared.status, 200);
    assert.equal(await shared.text(), 'PNG!');
    // The signature names one file: it opens no other, and a changed one opens nothing.
    assert.equal((await fetch(`${base}${shot.shareUrl.replace('screenshot.png', 'trace.zip')}`)).status, 403);
    const changed = shot.shareUrl.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    assert.equal((await fetch(`${base}${changed}`)).status, 403);
    assert.equal((await fetch(`${base}/api/v1/runs/${id}?${shot.shareUrl.split('?')[1]}`)).status, 401, 'not the run itself');
    clock = new Date(clock.getTime() + 24 * 3_600_000 + 1000);
    const expired = await fetch(`${base}${shot.shareUrl}`);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /expired/);
    clock = new Date('2026-11-23T12:00:00+05:00');
  });

  it('404 for an unknown run, 400 for a malformed id', async () => {
    assert.equal((await get(`/api/v1/runs/999999`)).status, 404);
    const bad = await get(`/api/v1/runs/abc`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { field: string } }).error.field, 'id');
  });

  it('streams a listed artifact', async () => {
    const res = await get(`/api/v1/runs/${await runId()}/artifacts/screenshot.png`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(await res.text(), 'PNG!');
  });

  it('404 when the file is gone, outside the artifacts folder (also through a symlink), or not listed', async () => {
    const id = await runId();
    for (const name of ['trace.zip', 'evil.txt', 'link.txt', 'other.png']) {
      const res = await get(`/api/v1/runs/${id}/artifacts/${name}`);
      assert.equal(res.status, 404, name);
    }
  });

  it('refuses traversal in the name', async () => {
    const id = await runId();
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '.hidden', '%2E%2E%2Fsecret.txt', 'a%5C..%5Cb']) {
      const res = await get(`/api/v1/runs/${id}/artifacts/${name}`);
      assert.equal(res.status, 400, name);
      assert.doesNotMatch(await res.text(), /root:/);
    }
  });
});

describe('journey metrics and InfluxDB points', () => {
  it('observes journey, step and vital series from observations; plain results add none', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.observe(journeyResult());
    m.observe({ ...journeyResult(), check: 'http', observations: { status: 200 } });
    const text = await m.text();
    const labels = 'system="demo",journey="portal/search-journey",region="astana"';
    assert.match(text, new RegExp(`kuzet_journey_up\\{${labels}\\} 0`));
    assert.match(text, new RegExp(`kuzet_journey_duration_seconds_sum\\{${labels}\\} 1\\.8305`));
    assert.match(text, new RegExp(`kuzet_journey_step_duration_seconds_count\\{${labels},step="search announcements"\\} 1`));
    assert.match(text, new RegExp(`kuzet_web_vital\\{${labels},name="lcp"\\} 0\\.212`));
    assert.match(text, new RegExp(`kuzet_web_vital\\{${labels},name="cls"\\} 0`));
    assert.doesNotMatch(text, /journey="portal\/http"/);
  });

  it('makes one journey point and one point per step', () => {
    const lines = journeyPoints(journeyResult()).map((p) => p.toLineProtocol());
    assert.deepEqual(lines, [
      'journey,journey=portal/search-journey,region=astana,system=demo cls=0,lcp_ms=212,total_ms=1830.5,ttfb_ms=18.5,up=0i 1795410000000000000',
      'journey_step,journey=portal/search-journey,region=astana,step=open\\ search\\ page,system=demo ms=120.5,ok=1i 1795410000000000000',
      'journey_step,journey=portal/search-journey,region=astana,step=search\\ announcements,system=demo ms=1700,ok=0i 1795410000000000000',
    ]);
    assert.deepEqual(journeyPoints({ ...journeyResult(), observations: { status: 200 } }), []);
  });
});
