/**
 * Monitor-side errors are not portal failures (issue #16 item 9), against a real `kuzet start` on
 * PostgreSQL: a browser journey whose Chromium does not exist runs and fails with errorKind
 * `internal` every interval. Its check is `unknown` with the reason (not `down`), no incident of the
 * portal is opened, its time is no downtime in the availability report, and kuzet raises its own
 * alert (`kuzet.probe-error` to the on-call Slack, an open episode in /api/v1/meta/silent,
 * kuzet_silent{scope="probe"} 1).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { call, sleep, startBed, type Bed } from '../drills/harness.ts';
import { waitFor } from '../support.ts';
import { allIncidents } from './engines.ts';

describe('monitor-side errors', () => {
  let bed: Bed;
  let module = '';
  let moduleName = '';
  const key = 'portal/no-browser-journey/browser';

  before(async () => {
    bed = await startBed({ intervalSeconds: 5 });
    const doc = parse(readFileSync(bed.configPath, 'utf8')) as {
      systems: Record<string, { modules: string[]; moduleNames: Record<string, { kk: string; ru: string }>; targets: unknown[] }>;
    };
    const portal = doc.systems.portal!;
    module = portal.modules[0] as string;
    moduleName = portal.moduleNames[module]!.ru;
    portal.targets.push({
      id: 'no-browser-journey',
      module,
      checks: [
        {
          id: 'browser',
          type: 'browser',
          interval: '5s',
          timeout: '5s',
          executablePath: '/nonexistent/kuzet-test/chromium',
          steps: [{ action: 'goto', url: `${bed.sim.url}/`, name: 'open homepage' }],
        },
      ],
    });
    writeFileSync(bed.configPath, stringify(doc));
    bed.spawnKuzet('start');
    await bed.waitReady(90_000);
  });
  after(async () => {
    await bed?.close();
  });

  it('the check is unknown with its reason, kuzet raises kuzet.probe-error, and no incident of the portal opens', async () => {
    const region = await waitFor(
      async () => {
        const s = (await call(bed.url, 'GET', '/api/v1/status', { token: bed.viewer })).json as {
          systems: {
            targets: {
              checks: { key: string; status: string; regions: { status: string; errorKind: string | null; message: string }[] }[];
            }[];
          }[];
        };
        const ch = s.systems
          .flatMap((x) => x.targets)
          .flatMap((t) => t.checks)
          .find((c) => c.key === key);
        return ch?.regions[0]?.errorKind ? { check: ch.status, ...ch.regions[0] } : undefined;
      },
      { timeoutMs: 60_000, what: 'a result of the journey without a browser' },
    );
    assert.equal(region.check, 'unknown');
    assert.equal(region.status, 'unknown');
    assert.equal(region.errorKind, 'internal');
    assert.ok(region.message.length > 0);

    const alert = await waitFor(() => bed.slack.calls.find((c) => String(c.args.text ?? '').includes('kuzet.probe-error')), {
      timeoutMs: 60_000,
      what: 'kuzet.probe-error in Slack',
    });
    // The module by its configured name, its ids after it for the on-call engineer (#17 item 14).
    assert.ok(String(alert.args.text).includes(`«${moduleName}» (portal/${module})`), String(alert.args.text));
    const silent = (await call(bed.url, 'GET', '/api/v1/meta/silent', { token: bed.viewer })).json as {
      open: { group: string; scope: string }[];
    };
    assert.ok(
      silent.open.some((e) => e.scope === 'probe' && e.group === `probe/astana/portal/${module}`),
      JSON.stringify(silent.open),
    );
    const metrics = await (await fetch(`${bed.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`^kuzet_silent\\{scope="probe",id="probe/astana/portal/${module}"\\} 1$`, 'm'));
    assert.doesNotMatch(metrics, /^kuzet_check_up\{[^}]*target="no-browser-journey"[^}]*\} 0$/m);

    // Well past failuresToOpen (3) runs of the journey: still no incident, and no Slack post says the portal failed.
    await sleep(20_000);
    const runs = (await call(bed.url, 'GET', `/api/v1/checks/${encodeURIComponent(key)}/results?limit=100`, { token: bed.viewer }))
      .json as { items: { ok: boolean; errorKind: string }[] };
    assert.ok(runs.items.length >= 4, `${runs.items.length} runs`);
    assert.ok(runs.items.every((r) => !r.ok && r.errorKind === 'internal'));
    assert.deepEqual(await allIncidents(bed), []);
    assert.ok(!bed.slack.calls.some((c) => /monitoring error|INC-\d{4}-/.test(String(c.args.text ?? ''))), 'no incident alert');

    const day = new Date(Date.now() + 5 * 3_600_000).toISOString().slice(0, 10);
    const av = (await call(bed.url, 'GET', `/api/v1/availability?from=${day}&to=${day}`, { token: bed.viewer })).json as {
      modules: { system: string; module: string | null; total: { downMs: number; upMs: number } }[];
    };
    const m = av.modules.find((x) => x.system === 'portal' && x.module === module);
    assert.ok(m, JSON.stringify(av.modules.map((x) => x.module)));
    assert.equal(m.total.downMs, 0, 'the runs kuzet could not make are no downtime');
  });
});
