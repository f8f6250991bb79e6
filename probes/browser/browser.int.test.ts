/**
 * Browser journeys in the real Chromium (/usr/bin/chromium) against the simulated portal on port 0.
 * One pool for the whole file (the probe's process pool), closed at the end, then no Chromium may be
 * left among this process's descendants.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPortalSim, type PortalSim } from '../../demo/portal-sim.ts';
import { browserProbe, type JourneyObservations } from '../browser.probe.ts';
import { runChecked } from '../observations.test-support.ts';
import { browserPool, closeBrowserPool, configureBrowserPool } from './pool.ts';
import { chromiumDescendants, crashHandlers, eventually } from './processes.test-support.ts';

const ids = { system: 'demo', target: 'portal', check: 'journey', region: 'astana' };
let sim: PortalSim;
let artifactsDir: string;

const searchSteps = [
  { action: 'goto', url: '/', name: 'open homepage' },
  { action: 'expectText', text: 'Объявления', selector: '[data-testid=announcements]', name: 'homepage announcements' },
  { action: 'click', selector: '[data-testid=link-search]', name: 'go to search' },
  { action: 'fill', selector: 'input[name=q]', value: '' },
  { action: 'click', selector: '[data-testid=search-submit]' },
  { action: 'expectText', text: 'Результаты поиска', name: 'search announcements' },
  { action: 'expectStatus', status: 200 },
  { action: 'expectVisible', selector: '[data-testid=results] [data-testid=result-row]', name: 'results listed' },
];

const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

function cfg(extra: Record<string, unknown> = {}) {
  return { baseUrl: sim.url, artifactsDir, stepTimeout: 1, steps: searchSteps, ...extra };
}

async function run(config: Record<string, unknown>, timeoutMs = 20_000) {
  const r = await runChecked(browserProbe, config, ids, { timeoutMs });
  return { ...r, obs: r.observations as JourneyObservations | undefined };
}

let crashHandlersBefore: Set<number>;

before(async () => {
  crashHandlersBefore = new Set(crashHandlers());
  sim = await startPortalSim({ port: 0, slowMs: 30_000 });
  artifactsDir = mkdtempSync(join(tmpdir(), 'kuzet-artifacts-'));
});

after(async () => {
  await closeBrowserPool();
  await sim.close();
  rmSync(artifactsDir, { recursive: true, force: true });
});

describe('browser journeys against the demo portal', () => {
  it('passes a declarative journey, with named and timed steps, vitals and no artifacts', async () => {
    const r = await run(cfg());
    assert.equal(r.ok, true, r.message);
    assert.match(r.message, /^journey "steps": 8 steps in \d+ ms$/);
    const obs = r.obs!;
    assert.deepEqual(
      obs.steps.map((s) => s.name),
      [
        'open homepage',
        'homepage announcements',
        'go to search',
        'fill input[name=q]',
        'click [data-testid=search-submit]',
        'search announcements',
        'expect status 200',
        'results listed',
      ],
    );
    assert.ok(obs.steps.every((s) => s.ok && s.ms >= 0));
    assert.ok(obs.totalMs >= obs.steps.reduce((a, s) => a + s.ms, 0) - 1);
    assert.equal(typeof obs.vitals.ttfb, 'number');
    assert.equal(typeof obs.vitals.lcp, 'number');
    assert.equal(obs.vitals.cls, 0);
    assert.deepEqual([obs.consoleErrors, obs.failedRequests, obs.artifacts], [[], [], []]);
  });

  it('passes the shipped TypeScript journeys on the demo portal and ETP', async () => {
    for (const [journey, baseUrl] of [
      ['portal-homepage', sim.url],
      ['portal-search', sim.url],
      ['portal-lot-card', sim.url],
      ['portal-login', sim.url],
      ['etp-catalogue', `${sim.etpUrls['etp-alpha']}/`],
    ] as const) {
      const r = await run({ journey: resolve(`journeys/${journey}.journey.ts`), baseUrl, artifactsDir, stepTimeout: 2 });
      assert.equal(r.ok, true, `${journey}: ${r.message}`);
      assert.equal(r.obs?.journey, journey);
      assert.ok((r.obs?.steps.length ?? 0) >= 2);
    }
  });

  it('fails a broken search at the named step, with a screenshot and a trace; green again once fixed', async () => {
    sim.setFault('search', 'wrong-content');
    try {
      const r = await run(
        cfg({ steps: [searchSteps[0], { action: 'goto', url: '/ru/search/announce?q=', name: 'open search' }, searchSteps[5]] }),
      );
      assert.equal(r.ok, false);
      assert.equal(r.errorKind, 'assertion');
      assert.equal(r.message, 'step "search announcements": expected text "Результаты поиска" not found within 1 s');
      const obs = r.obs!;
      assert.deepEqual(
        obs.steps.map((s) => [s.name, s.ok]),
        [
          ['open homepage', true],
          ['open search', true],
          ['search announcements', false],
        ],
      );
      assert.equal(obs.steps[2]?.error, 'expected text "Результаты поиска" not found within 1 s');
      assert.deepEqual(
        obs.artifacts.map((a) => a.name),
        ['screenshot.png', 'trace.zip'],
      );
      for (const a of obs.artifacts) {
        assert.ok(a.path.startsWith(join(artifactsDir, '2')), a.path);
        assert.ok(a.path.includes(obs.runId));
        assert.equal(statSync(a.path).size, a.bytes);
      }
      assert.deepEqual([...readFileSync(obs.artifacts[0]!.path).subarray(1, 4)], [...Buffer.from('PNG')]);
      assert.equal(readFileSync(obs.artifacts[1]!.path).subarray(0, 2).toString(), 'PK');
      sim.setFault('search', 'none');
      const fixed = await run(
        cfg({ steps: [searchSteps[0], { action: 'goto', url: '/ru/search/announce?q=', name: 'open search' }, searchSteps[5]] }),
      );
      assert.deepEqual([fixed.ok, fixed.obs?.artifacts], [true, []], fixed.message);
    } finally {
      sim.setFault('search', 'none');
    }
  });

  it('names the step and the status on an HTTP 500 page', async () => {
    sim.setFault('lots', 'http-500');
    try {
      const r = await run(
        cfg({
          steps: [
            { action: 'goto', url: '/ru/announce/index/x', name: 'open lot' },
            { action: 'expectStatus', status: 200, name: 'lot status' },
          ],
        }),
      );
      assert.deepEqual([r.ok, r.errorKind, r.message], [false, 'http-status', 'step "lot status": expected HTTP status 200, got 500']);
    } finally {
      sim.setFault('lots', 'none');
    }
  });

  it('ends a journey at its timeout, naming the running step, still with a screenshot', async () => {
    sim.setFault('search', 'slow');
    try {
      const started = performance.now();
      const r = await run(cfg({ stepTimeout: 30, steps: [{ action: 'goto', url: '/ru/search/announce', name: 'open search' }] }), 6_000);
      assert.ok(performance.now() - started < 6_000);
      assert.deepEqual([r.ok, r.errorKind], [false, 'timeout']);
      assert.equal(r.message, 'step "open search": journey timed out after 4.5 s');
      assert.ok(r.obs!.artifacts.some((a) => a.name === 'screenshot.png'));
    } finally {
      sim.setFault('search', 'none');
    }
  });

  it('relaunches a browser killed mid-run; the next run succeeds', async () => {
    // A page that never answers and tells when the browser asked for it: the kill lands inside the
    // step, however long the context and page took to open (a fixed sleep raced them on a loaded machine).
    let asked = 0;
    const hanging = createServer(() => void asked++);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const launches = browserPool().launchCount;
    const pid = browserPool().browserPid;
    assert.ok(pid, 'a browser runs');
    let r: Awaited<ReturnType<typeof run>>;
    try {
      const running = run(
        cfg({
          baseUrl: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
          stepTimeout: 10,
          steps: [{ action: 'goto', url: '/ru/search/announce', name: 'open search' }],
        }),
      );
      assert.ok(await eventually(() => asked > 0, 15_000), 'the browser asked for the page');
      process.kill(-pid, 'SIGKILL');
      r = await running;
    } finally {
      hanging.closeAllConnections();
      await new Promise((res) => hanging.close(res));
    }
    assert.deepEqual(
      [r.ok, r.errorKind, r.message],
      [false, 'internal', 'step "open search": the browser closed or crashed during the step'],
    );
    const next = await run(cfg());
    assert.equal(next.ok, true, next.message);
    assert.equal(browserPool().launchCount, launches + 1);
    assert.notEqual(browserPool().browserPid, pid);
  });

  it('runs at most `concurrency` journeys at once; the rest wait their turn', async () => {
    const pool = browserPool();
    assert.equal(pool.concurrency, 2);
    // Generous step time: the third journey waits for a slot, and the machine may be busy.
    const results = await Promise.all([1, 2, 3].map(() => run(cfg({ stepTimeout: 10, steps: searchSteps.slice(0, 2) }))));
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true],
      results.map((r) => r.message).join(' | '),
    );
  });

  it('fails every run with `internal` and the install hint when Chromium is missing', async () => {
    const r = await run(cfg({ executablePath: '/nonexistent/chromium' }));
    assert.deepEqual([r.ok, r.errorKind], [false, 'internal']);
    assert.equal(
      r.message,
      'Chromium not found at /nonexistent/chromium: install it with "apt-get install -y chromium" (Debian), or set executablePath to a Chromium binary',
    );
  });

  it('kills and relaunches a hung browser', async () => {
    await configureBrowserPool({ hangMs: 1_500 });
    assert.equal((await run(cfg({ steps: searchSteps.slice(0, 1) }))).ok, true);
    const pid = browserPool().browserPid!;
    process.kill(-pid, 'SIGSTOP');
    const r = await run(cfg({ steps: searchSteps.slice(0, 1) }));
    assert.deepEqual([r.ok, r.errorKind], [false, 'internal']);
    assert.match(r.message, /did not open a context within 1\.5 s/);
    const next = await run(cfg({ steps: searchSteps.slice(0, 1) }));
    assert.equal(next.ok, true, next.message);
    assert.notEqual(browserPool().browserPid, pid);
  });

  it(
    "runs in Debian's chromium-headless-shell as well, switching the pool's browser",
    { skip: existsSync(HEADLESS_SHELL) ? false : `${HEADLESS_SHELL} is not installed (.ci/run installs it)` },
    async () => {
      const full = browserPool().browserPid;
      const r = await run(cfg({ executablePath: HEADLESS_SHELL }));
      assert.equal(r.ok, true, r.message);
      assert.equal(r.obs?.steps.length, 8);
      const pid = browserPool().browserPid;
      assert.ok(pid !== undefined && pid !== full, 'a second browser was launched');
      // Debian's /usr/bin/chromium-headless-shell is a script that runs the binary without exec: the group leader is its shell.
      assert.ok(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(HEADLESS_SHELL), 'the pool runs the headless shell');
      if (full !== undefined)
        assert.ok(await eventually(() => !chromiumDescendants().includes(full), 3_000), 'the full browser was closed');
    },
  );

  it('leaves no Chromium process behind after closeBrowserPool()', async () => {
    assert.ok(chromiumDescendants().length > 0, 'the browser runs before closing');
    await closeBrowserPool();
    assert.ok(await eventually(() => chromiumDescendants().length === 0, 3_000), `left: ${chromiumDescendants().join(', ')}`);
    const ours = () => crashHandlers().filter((pid) => !crashHandlersBefore.has(pid));
    assert.ok(await eventually(() => ours().length === 0, 5_000), `crash handlers left: ${ours().join(', ')}`);
  });
});
