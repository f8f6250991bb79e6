/**
 * The demo's ETP time travel at any moment of a day: the episodes it posts, taken as the ledger
 * takes them (clamped to now, a day counted from one minute), always reach the threshold, also
 * just after Astana midnight when today has less than a minute behind it. And the demo's e-shop
 * services: one check per service and environment, and one injected fault turns exactly that one red.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { moduleNamesOf, parseConfig, resolveChecks } from '../core/config.ts';
import { astanaEpochDay, formatAstana, formatEpochDay, parseDateTimeMs } from '../core/time.ts';
import { failureDays, streakStatus, type FailureEpisode } from '../etp/index.ts';
import { ESHOP_SERVICE_IDS } from '../core/eshop-services.ts';
import { renderHtml } from '../notices/site/render.ts';
import { buildSnapshot } from '../notices/site/snapshot.ts';
import { getProbe, PROBES, runCheck } from '../probes/index.ts';
import { demoConfigYaml } from './run.ts';
import { StatusBoard } from '../collector/status.ts';
import { ESHOP_DEMO_INTERVAL_SECONDS, eshopServiceTargets, replayEtpFailures } from './etp-demo.ts';
import { startPortalSim } from './portal-sim.ts';

describe('replayEtpFailures', () => {
  let server: Server;
  let url = '';
  let nowMs = 0;
  let posted: FailureEpisode[] = [];

  before(async () => {
    // A stand-in for the episodes API: answers with the streak the ledger would compute at `nowMs`.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const e = JSON.parse(body) as { service: string; start: string; end: string };
        posted.push({ service: e.service, startMs: parseDateTimeMs(e.start), endMs: parseDateTimeMs(e.end) });
        const today = astanaEpochDay(nowMs);
        const clamped = posted.map((p) => ({ ...p, endMs: Math.min(p.endMs, nowMs) })).filter((p) => p.endMs > p.startMs);
        const s = streakStatus(failureDays(clamped, today, 1), today);
        const streak = {
          currentStreak: s.currentStreak,
          thresholdReachedOn: s.thresholdReachedOn === null ? null : formatEpochDay(s.thresholdReachedOn),
          decisionDueBy: null,
        };
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ etp: { streak } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  for (const [at, lastDay] of [
    ['2026-11-30T00:00:00+05:00', '2026-11-29'], // midnight itself: nothing of today yet
    ['2026-11-30T00:00:30+05:00', '2026-11-29'], // the moment the replay fell a day short (streak 7)
    ['2026-11-30T00:01:59+05:00', '2026-11-29'],
    ['2026-11-30T00:02:00+05:00', '2026-11-30'],
    ['2026-11-30T09:59:00+05:00', '2026-11-30'],
    ['2026-11-30T15:00:00+05:00', '2026-11-30'],
    ['2026-11-30T23:59:59+05:00', '2026-11-30'],
    ['2027-01-01T00:00:40+05:00', '2026-12-31'], // a year boundary
  ] as const) {
    it(`at ${at}: 8 days ending ${lastDay}, all in the past, the threshold reached`, async () => {
      nowMs = parseDateTimeMs(at);
      posted = [];
      const r = await replayEtpFailures(url, 'token', { etp: 'etp-alpha', days: 8, now: new Date(nowMs) });
      assert.deepEqual([r.currentStreak, r.thresholdReachedOn], [8, lastDay]);
      assert.equal(posted.length, 8);
      for (const e of posted) assert.ok(Math.min(e.endMs, nowMs) - e.startMs >= 60_000, 'each episode has a counted minute behind now');
    });
  }
});

describe("the demo's e-shop services (000 App.7 §3, Appendix 1)", () => {
  it('one target per service and environment, module eshop, checked every 30 s at the 5 s demo interval', () => {
    const targets = eshopServiceTargets('http://127.0.0.1:1', { interval: '5s', timeout: '3s' });
    assert.equal(targets.length, 34);
    assert.deepEqual(new Set(targets.map((t) => `${t.environment}/${t.service}`)).size, 34);
    assert.deepEqual([...new Set(targets.map((t) => t.service))], [...ESHOP_SERVICE_IDS]);
    assert.ok(
      targets.every((t) => t.module === 'eshop' && t.checks.length === 1 && t.checks[0]?.interval === `${ESHOP_DEMO_INTERVAL_SECONDS}s`),
    );
    assert.equal(eshopServiceTargets('http://127.0.0.1:1', { interval: '60s', timeout: '3s' })[0]?.checks[0]?.interval, '60s');
  });

  it('the demo config names every module of every system in Kazakh and Russian (notices never show module ids)', () => {
    const cfg = parseConfig(
      demoConfigYaml('http://127.0.0.1:9', {
        dataDir: '/nonexistent',
        artifactsDir: '/nonexistent',
        intervalSeconds: 5,
        redisPrefix: 'kuzet-test',
        port: 0,
      }),
      PROBES,
      {},
    );
    for (const [id, sys] of Object.entries(cfg.systems))
      for (const m of sys.modules) assert.ok(moduleNamesOf(sys, m)?.kk && moduleNamesOf(sys, m)?.ru, `${id}.${m}`);
    assert.deepEqual(moduleNamesOf(cfg.systems.portal, 'search'), { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' });
  });

  it('one injected service fault makes exactly that service red on the status site; the other 33 stay green', async () => {
    const sim = await startPortalSim({ port: 0, slowMs: 150 });
    try {
      sim.setFault('eshop.test.orders-in', 'http-500');
      const cfg = parseConfig(
        demoConfigYaml(sim.url, {
          dataDir: '/nonexistent',
          artifactsDir: '/nonexistent',
          intervalSeconds: 5,
          redisPrefix: 'kuzet-test',
          port: 0,
        }),
        PROBES,
        {},
      );
      // The demo's e-shop checks, run once each as a worker runs them, into the board /status reads.
      const board = new StatusBoard();
      const checks = resolveChecks(cfg).filter((c) => c.module === 'eshop' && c.target.startsWith('eshop-'));
      assert.equal(checks.length, 34);
      await Promise.all(
        checks.map(async (c) => {
          const r = await runCheck(
            getProbe(c.check.type)!,
            c.check.settings,
            { system: c.system, target: c.target, check: c.check.id, region: c.regions[0]! },
            { timeoutMs: c.check.timeoutMs },
          );
          board.push({ ...r, key: c.key });
        }),
      );
      const now = new Date();
      const snap = buildSnapshot({
        board: board.snapshot(cfg, now),
        notices: [],
        maintenance: [],
        uptime: [],
        now,
        stale: false,
        generatedAt: formatAstana(now),
      });
      const cells = snap.eshop.flatMap((g) =>
        g.services.flatMap((x) => [
          [`test/${x.id}`, x.test.status],
          [`productive/${x.id}`, x.productive.status],
        ]),
      );
      assert.equal(cells.length, 34);
      assert.deepEqual(
        cells.filter(([, st]) => st !== 'up'),
        [['test/orders-in', 'down']],
      );
      const html = renderHtml(snap, 'ru');
      assert.equal(html.match(/data-status="up"/g)?.length, 33);
      assert.match(
        html,
        /<tr data-service="orders-in">[\s\S]*?<td data-env="test" data-status="down">[^]*?<td data-env="productive" data-status="up">/,
      );
      // The fault shows on the portal's eshop module too, which holds every service.
      assert.equal(snap.systems.find((x) => x.id === 'portal')?.modules.find((m) => m.id === 'eshop')?.status, 'down');
    } finally {
      await sim.close();
    }
  });
});
