/**
 * What browser.int.test.ts does not reach on the demo portal: the declarative actions `press`,
 * `select`, `waitFor` and `expectUrl`; console errors and failed requests in the evidence; the
 * context's locale, time zone and cookie isolation; the Chromium flags of the issue; and the pool's
 * concurrency bound measured, not just survived. Pages come from a local server on port 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { browserProbe, type JourneyObservations } from '../browser.probe.ts';
import { runChecked } from '../observations.test-support.ts';
import { closedPort, startHttp, type Running } from '../test-servers.ts';
import { BrowserPool, browserPool, CHROMIUM_ARGS, closeBrowserPool, DEFAULT_CONCURRENCY } from './pool.ts';
import { chromiumDescendants, eventually } from './processes.test-support.ts';

const ids = { system: 'lab', target: 'pages', check: 'journey', region: 'astana' };
let http: Running & { url: string };
let deadPort: number;
let artifactsDir: string;

const PAGES: Record<string, () => string> = {
  '/form': () => `<!doctype html><html><body>
    <form action="/done" method="get">
      <select name="m"><option value="a">Аукцион</option><option value="c">Конкурс</option></select>
      <input name="q">
    </form>
    <div id="late" hidden>ready</div>
    <script>setTimeout(() => { document.getElementById('late').hidden = false; }, 300);</script>
  </body></html>`,
  '/done': () => '<!doctype html><html><body><p>search done</p></body></html>',
  '/env': () => `<!doctype html><html><body><p id="env"></p>
    <script>
      document.getElementById('env').textContent =
        'lang=' + navigator.language + ' tz=' + Intl.DateTimeFormat().resolvedOptions().timeZone + ' cookie=' + (document.cookie || 'none');
      document.cookie = 'seen=1; max-age=3600; path=/';
    </script></body></html>`,
  '/noisy': () => `<!doctype html><html><body><p>noisy</p>
    <img src="/missing.png" alt="">
    <script>console.error('boom from the page'); fetch('http://127.0.0.1:${deadPort}/api').catch(() => {});</script>
  </body></html>`,
};

function cfg(steps: unknown[], extra: Record<string, unknown> = {}) {
  return { baseUrl: http.url, artifactsDir, stepTimeout: 2, steps, ...extra };
}

async function run(config: Record<string, unknown>) {
  const r = await runChecked(browserProbe, config, ids, { timeoutMs: 20_000 });
  return { ...r, obs: r.observations as JourneyObservations | undefined };
}

before(async () => {
  deadPort = await closedPort();
  http = await startHttp((req, res) => {
    const page = PAGES[new URL(req.url ?? '/', 'http://x').pathname];
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
  });
  artifactsDir = mkdtempSync(join(tmpdir(), 'kuzet-artifacts-'));
});

after(async () => {
  await closeBrowserPool();
  await http.close();
  rmSync(artifactsDir, { recursive: true, force: true });
});

describe('declarative actions press, select, waitFor and expectUrl', () => {
  const formSteps = [
    { action: 'goto', url: '/form' },
    { action: 'waitFor', selector: '#late' },
    { action: 'select', selector: 'select[name=m]', value: 'Конкурс', name: 'choose method' },
    { action: 'fill', selector: 'input[name=q]', value: 'бумага' },
    { action: 'press', selector: 'input[name=q]', key: 'Enter', name: 'submit with Enter' },
    { action: 'expectUrl', contains: '/done?m=c' },
    { action: 'expectUrl', matches: '/done\\?m=c&q=' },
    { action: 'expectText', text: 'search done' },
  ];

  it('runs them in order, each named and timed', async () => {
    const r = await run(cfg(formSteps));
    assert.equal(r.ok, true, r.message);
    assert.deepEqual(
      r.obs!.steps.map((s) => s.name),
      [
        'goto /form',
        'wait for #late',
        'choose method',
        'fill input[name=q]',
        'submit with Enter',
        'expect URL /done?m=c',
        'expect URL //done\\?m=c&q=/',
        'expect text "search done"',
      ],
    );
  });

  it('names what was missing when they fail', async () => {
    const cases: Array<[unknown, string]> = [
      [{ action: 'waitFor', selector: '#never', timeout: 0.3 }, 'step "wait for #never": element "#never" not visible within 0.3 s'],
      [
        { action: 'waitFor', selector: '#late', state: 'detached', timeout: 0.3 },
        'step "wait for #late": element "#late" not detached within 0.3 s',
      ],
      [
        { action: 'expectUrl', contains: '/elsewhere', timeout: 0.3 },
        `step "expect URL /elsewhere": expected the URL to contain "/elsewhere", still "${http.url}/form" after 0.3 s`,
      ],
      [
        { action: 'press', selector: '#absent', key: 'Enter', timeout: 0.3 },
        'step "press Enter": element "#absent" not found within 0.3 s',
      ],
    ];
    for (const [step, message] of cases) {
      const r = await run(cfg([{ action: 'goto', url: '/form' }, step]));
      assert.deepEqual([r.ok, r.errorKind, r.message], [false, 'assertion', message]);
    }
    const noOption = await run(
      cfg([
        { action: 'goto', url: '/form' },
        { action: 'select', selector: 'select[name=m]', value: 'Лотерея', timeout: 0.5 },
      ]),
    );
    assert.deepEqual([noOption.ok, noOption.errorKind], [false, 'assertion']);
    assert.match(
      noOption.message,
      /^step "select select\[name=m\]": select "select\[name=m\]" (with option "Лотерея" not found within 0\.5 s|has no option "Лотерея")$/,
    );
  });
});

describe('evidence: console errors and failed requests', () => {
  it("records the page's console error, the 404 image and the refused fetch, even on a passing run", async () => {
    const r = await run(
      cfg([
        { action: 'goto', url: '/noisy' },
        { action: 'expectText', text: 'noisy' },
        { action: 'waitFor', selector: 'body' },
      ]),
    );
    assert.equal(r.ok, true, r.message);
    const obs = r.obs!;
    assert.ok(obs.consoleErrors.includes('boom from the page'), JSON.stringify(obs.consoleErrors));
    assert.ok(
      obs.failedRequests.some((f) => f.url === `${http.url}/missing.png` && f.method === 'GET' && f.status === 404),
      JSON.stringify(obs.failedRequests),
    );
    assert.ok(
      obs.failedRequests.some(
        (f) => f.url === `http://127.0.0.1:${deadPort}/api` && f.status === undefined && /ERR_CONNECTION_REFUSED/.test(f.error ?? ''),
      ),
      JSON.stringify(obs.failedRequests),
    );
  });
});

describe('the context: locale, time zone, cookies', () => {
  it('uses the configured locale and Asia/Almaty; cookies live within one run only', async () => {
    for (const locale of ['kk-KZ', 'ru-KZ']) {
      const steps = [
        { action: 'goto', url: '/env' },
        { action: 'expectText', text: `lang=${locale} tz=Asia/Almaty cookie=none`, name: 'fresh context' },
        { action: 'goto', url: '/env' },
        { action: 'expectText', text: 'cookie=seen=1', name: 'cookie kept within the run' },
      ];
      // Twice: the second run would see the first run's cookie if contexts were shared.
      for (const n of [1, 2]) {
        const r = await run(cfg(steps, { locale }));
        assert.equal(r.ok, true, `${locale} run ${n}: ${r.message}`);
      }
    }
  });
});

describe('shipped journeys read their selectors from params', () => {
  it('portal-homepage follows the params of kuzet.yaml; without them it fails at the named step', async () => {
    const journey = resolve('journeys/portal-homepage.journey.ts');
    const withParams = await run({
      journey,
      baseUrl: http.url,
      artifactsDir,
      stepTimeout: 1,
      params: { homePath: '/done', title: 'search done', notices: 'p' },
    });
    assert.equal(withParams.ok, true, withParams.message);
    assert.deepEqual(
      withParams.obs!.steps.map((s) => s.name),
      ['open homepage', 'homepage content', 'notices block'],
    );
    const defaults = await run({ journey, baseUrl: http.url, artifactsDir, stepTimeout: 1 });
    assert.deepEqual([defaults.ok, defaults.message], [false, 'step "open homepage": expected HTTP status 200, got 404']);
  });
});

describe('the browser pool', () => {
  it('launches Chromium with the flags of the issue', async () => {
    assert.equal((await run(cfg([{ action: 'goto', url: '/done' }]))).ok, true);
    const pid = browserPool().browserPid;
    assert.ok(pid, 'a browser runs');
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const flag of [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ]) {
      assert.ok(args.includes(flag), `${flag} in ${args.join(' ')}`);
    }
    assert.equal(CHROMIUM_ARGS.length, 7);
  });

  it('holds a third context back until one of the default two is released', async () => {
    assert.equal(DEFAULT_CONCURRENCY, 2);
    const pool = new BrowserPool();
    assert.equal(pool.concurrency, 2);
    const signal = new AbortController().signal;
    try {
      const a = await pool.lease('/usr/bin/chromium', {}, signal);
      const b = await pool.lease('/usr/bin/chromium', {}, signal);
      let third = false;
      const c = pool.lease('/usr/bin/chromium', {}, signal).then((l) => {
        third = true;
        return l;
      });
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(third, false, 'a third context opened while two were leased');
      await a.release();
      const leased = await c;
      assert.equal(third, true);
      await Promise.all([b.release(), leased.release()]);
    } finally {
      await pool.close();
    }
  });

  it('leaves no Chromium process behind once the pools are closed', async () => {
    await closeBrowserPool();
    await eventually(() => chromiumDescendants().length === 0, 3_000);
    assert.deepEqual(chromiumDescendants(), []);
  });
});
