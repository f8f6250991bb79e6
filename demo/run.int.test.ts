/**
 * `kuzet demo` end to end: the simulator and kuzet on PGlite and the real Redis. Injected faults show
 * in /api/v1/status and /metrics, and clearing them brings the targets back.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../core/auth.ts';
import { loadConfigFile, resolveChecks } from '../core/config.ts';
import { PROBES } from '../probes/index.ts';
import { silentLogger } from '../core/log.ts';
import { dropRedisPrefix, runCli, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { startDemo, type DemoHandle } from './run.ts';

type Status = {
  summary: { up: number; down: number };
  systems: { id: string; targets: { id: string; checks: { status: string; regions: { errorKind: string | null }[] }[] }[] }[];
};

async function targetStatus(url: string, system: string, target: string) {
  const s = (await (await fetch(`${url}/api/v1/status`)).json()) as Status;
  return s.systems.find((x) => x.id === system)?.targets.find((t) => t.id === target)?.checks[0];
}

const inject = (simUrl: string, target: string, fault: string) =>
  fetch(`${simUrl}/__fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target, fault }) });

describe('kuzet demo', () => {
  let demo: DemoHandle;
  const dir = tempDir();
  const prefix = uniqueName('kzdemo');

  before(async () => {
    demo = await startDemo({ port: 0, portalPort: 0, dataDir: join(dir.path, 'data'), redisPrefix: prefix, log: silentLogger, env: {} });
    await demo.kuzet.redisReady;
  });
  after(async () => {
    await demo?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('watches every simulated target and shows them up', async () => {
    const s = await waitFor(
      async () => {
        const st = (await (await fetch(`${demo.kuzet.url}/api/v1/status`)).json()) as Status;
        return st.summary.up === resolveChecks(demo.config).length ? st : undefined;
      },
      { what: 'all demo targets up', timeoutMs: 30_000 },
    );
    assert.equal(s.summary.down, 0);
    assert.deepEqual(s.systems.map((x) => x.id).sort(), ['etp-alpha', 'etp-beta', 'portal']);
  });

  it('a fault takes a target down in status and metrics, and clearing it brings it back', async () => {
    assert.equal((await inject(demo.sim.url, 'search', 'http-500')).status, 200);
    assert.equal((await inject(demo.sim.url, 'etp-alpha.orders', 'down')).status, 200);
    const search = await waitFor(
      async () => {
        const c = await targetStatus(demo.kuzet.url, 'portal', 'search');
        return c?.status === 'down' ? c : undefined;
      },
      { what: 'search down', timeoutMs: 15_000 },
    );
    assert.equal(search.regions[0]?.errorKind, 'http-status');
    const orders = await waitFor(
      async () => {
        const c = await targetStatus(demo.kuzet.url, 'etp-alpha', 'orders');
        return c?.status === 'down' ? c : undefined;
      },
      { what: 'orders down', timeoutMs: 15_000 },
    );
    assert.equal(orders.regions[0]?.errorKind, 'connect');
    const metrics = await (await fetch(`${demo.kuzet.url}/metrics`)).text();
    assert.match(metrics, /kuzet_check_up\{system="portal",target="search",check="http",region="astana"\} 0/);
    assert.match(metrics, /kuzet_check_up\{system="portal",target="homepage",check="http",region="astana"\} 1/);

    assert.equal((await inject(demo.sim.url, '*', 'none')).status, 200);
    await waitFor(async () => (await targetStatus(demo.kuzet.url, 'portal', 'search'))?.status === 'up', {
      what: 'search up',
      timeoutMs: 15_000,
    });
    await waitFor(async () => (await targetStatus(demo.kuzet.url, 'etp-alpha', 'orders'))?.status === 'up', {
      what: 'orders up',
      timeoutMs: 15_000,
    });
  });

  it('the browser journey turns red with a screenshot when search breaks, and green when fixed', async () => {
    await waitFor(async () => (await targetStatus(demo.kuzet.url, 'portal', 'search-journey'))?.status === 'up', {
      what: 'journey up',
      timeoutMs: 60_000,
    });
    await inject(demo.sim.url, 'search', 'wrong-content');
    const c = await waitFor(
      async () => {
        const x = await targetStatus(demo.kuzet.url, 'portal', 'search-journey');
        return x?.status === 'down' ? x : undefined;
      },
      { what: 'journey down', timeoutMs: 60_000 },
    );
    assert.equal(c.regions[0]?.errorKind, 'assertion');
    type Results = { items: { id: string; ok: boolean; message: string }[] };
    const failed = await waitFor(
      async () => {
        const r = (await (await fetch(`${demo.kuzet.url}/api/v1/checks/portal/search-journey/browser/results`)).json()) as Results;
        return r.items.find((i) => !i.ok);
      },
      { what: 'stored failed run' },
    );
    assert.match(failed.message, /^step "search announcements": expected text "Результаты поиска" not found within 5 s/);
    // Runs and their screenshots are for viewers (issue #16 item 6).
    const auth = { authorization: `Bearer ${(await createToken(demo.kuzet.db, { role: 'viewer', name: 'demo test' })).token}` };
    const run = (await (await fetch(`${demo.kuzet.url}/api/v1/runs/${failed.id}`, { headers: auth })).json()) as {
      artifacts: { name: string; url: string }[];
    };
    const shot = run.artifacts.find((a) => a.name.endsWith('.png'));
    assert.ok(shot, `artifacts: ${JSON.stringify(run.artifacts)}`);
    const png = Buffer.from(await (await fetch(new URL(shot.url, demo.kuzet.url), { headers: auth })).arrayBuffer());
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    await inject(demo.sim.url, 'search', 'none');
    await waitFor(async () => (await targetStatus(demo.kuzet.url, 'portal', 'search-journey'))?.status === 'up', {
      what: 'journey up again',
      timeoutMs: 60_000,
    });
  });

  it('wrong content is an assertion failure', async () => {
    await inject(demo.sim.url, 'homepage', 'wrong-content');
    const c = await waitFor(
      async () => {
        const x = await targetStatus(demo.kuzet.url, 'portal', 'homepage');
        return x?.status === 'down' ? x : undefined;
      },
      { what: 'homepage down', timeoutMs: 15_000 },
    );
    assert.equal(c.regions[0]?.errorKind, 'assertion');
    await inject(demo.sim.url, 'homepage', 'none');
  });
});

describe('kuzet demo: its config file for the CLI', () => {
  const dir = tempDir();
  const prefix = uniqueName('kzdemocfg');
  after(async () => {
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('is written beside the data directory and opens the demo store (by absolute path) once the demo is stopped', async () => {
    const dataDir = join(dir.path, 'data', 'demo');
    const demo = await startDemo({ port: 0, portalPort: 0, dataDir, redisPrefix: prefix, log: silentLogger, env: {}, etpReplay: false });
    let stored: { at: string };
    try {
      await demo.kuzet.redisReady;
      stored = await waitFor(
        async () =>
          (
            (await (await fetch(`${demo.kuzet.url}/api/v1/checks/portal/homepage/http/results?limit=1`)).json()) as {
              items: { at: string }[];
            }
          ).items[0],
        { what: 'a stored homepage result', timeoutMs: 30_000 },
      );
    } finally {
      await demo.close();
    }
    assert.equal(demo.configFile, join(dir.path, 'data', 'kuzet-demo.yaml'));
    const cfg = loadConfigFile(demo.configFile, PROBES);
    assert.equal(cfg.storage.dataDir, dataDir);
    assert.deepEqual(
      resolveChecks(cfg).map((c) => c.key),
      resolveChecks(demo.config).map((c) => c.key),
    );
    // The Astana day of the stored result (`at` is +05:00), not of the clock now: past midnight the
    // demo's results would be yesterday's.
    const today = stored.at.slice(0, 10);
    const r = await runCli(['availability', '--from', today, '--to', today, '-c', demo.configFile], {
      env: { DATABASE_URL: '', DATABASE_SCHEMA: '' },
    });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { systems: { system: string; total: { upMs: number } }[] };
    assert.ok((report.systems.find((s) => s.system === 'portal')?.total.upMs ?? 0) > 0, r.stdout.slice(0, 300));
  });
});

describe('kuzet CLI', () => {
  const cli = (args: string[]) => runCli(args);

  it('check-config prints ok for the shipped kuzet.yaml', async () => {
    const r = await cli(['check-config', '--config', new URL('../kuzet.yaml', import.meta.url).pathname]);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'ok\n');
    assert.equal(r.code, 0);
  });

  it('check-config exits 2 with every error by path', async () => {
    const r = await cli(['check-config', '--config', new URL('../test/fixtures/config/bad-target.yaml', import.meta.url).pathname]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^systems\.portal\.targets\[2\]\.checks\[0\]\.url: /m);
    assert.match(r.stderr, /^systems\.portal\.targets\[2\]\.checks\[3\]\.port: /m);
  });

  it('a missing config file is named', async () => {
    const r = await cli(['check-config', '--config', '/nonexistent/kuzet.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\/nonexistent\/kuzet\.yaml: cannot read the config file/);
  });
});
