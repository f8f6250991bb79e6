import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROBES } from '../probes/index.ts';
import { moduleNamesOf, parseConfig, resolveChecks } from './config.ts';
import { ConfigError } from './errors.ts';

const FIXTURES = new URL('../test/fixtures/config/', import.meta.url).pathname;

function errorsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, PROBES, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

describe('config', () => {
  it('incident detection thresholds: defaults, durations, and a named error', () => {
    const d = parseConfig('{}', PROBES, {});
    assert.deepEqual(d.incidents, {
      detector: { failuresToOpen: 3, regionsToOpen: 2, successesToResolve: 2, flapWindow: 600_000, maxScreenshots: 5 },
      slaTick: 15_000,
      appeals: { attach: true, attachWindow: 1_800_000, perIp: { max: 10, window: 600_000 }, perBinIin: { max: 5, window: 600_000 } },
    });
    const c = parseConfig('incidents:\n  detector: {failuresToOpen: 5, flapWindow: 2m}\n  slaTick: 5s\n', PROBES, {});
    assert.equal(c.incidents.detector.failuresToOpen, 5);
    assert.equal(c.incidents.detector.flapWindow, 120_000);
    assert.equal(c.incidents.detector.regionsToOpen, 2);
    assert.equal(c.incidents.slaTick, 5_000);
    assert.deepEqual(
      errorsOf('incidents:\n  detector: {failuresToOpen: 0}\n').map((e) => e.split(':')[0]),
      ['incidents.detector.failuresToOpen'],
    );
  });

  it('applies defaults and resolves checks', () => {
    const cfg = parseConfig(
      `
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
          - id: http
            type: http
            url: https://portal.example/
`,
      PROBES,
      {},
    );
    assert.deepEqual(cfg.regions, ['astana']);
    assert.equal(cfg.storage.retentionDays, 90);
    assert.equal(cfg.redis.url, 'redis://127.0.0.1:6379');
    const [c] = resolveChecks(cfg);
    assert.equal(c?.key, 'portal/homepage/http');
    assert.equal(c?.check.intervalMs, 60_000);
    assert.equal(c?.check.timeoutMs, 10_000);
    assert.deepEqual(c?.regions, ['astana']);
    assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.systems.portal));
  });

  it('parses durations in seconds and with units', () => {
    const cfg = parseConfig(
      `
systems:
  s:
    name: S
    kind: etp
    policy: etp-em
    targets:
      - id: t
        checks:
          - { id: a, type: tcp, host: 127.0.0.1, port: 1, interval: 90, timeout: 500ms }
          - { id: b, type: tcp, host: 127.0.0.1, port: 1, interval: 5m, timeout: 2s }
`,
      PROBES,
      {},
    );
    const [a, b] = resolveChecks(cfg);
    assert.equal(a?.check.intervalMs, 90_000);
    assert.equal(a?.check.timeoutMs, 500);
    assert.equal(b?.check.intervalMs, 300_000);
  });

  it('substitutes ${VAR} from the environment and never prints the value', () => {
    const text = `
notifications:
  channels:
    - { id: slack, type: slack, token: "\${SLACK_TOKEN}", channel: "#kuzet" }
`;
    const cfg = parseConfig(text, PROBES, { SLACK_TOKEN: 'xoxb-secret-value' });
    const ch = cfg.notifications.channels[0];
    assert.equal(ch?.type === 'slack' ? ch.token : '', 'xoxb-secret-value');
    const errs = errorsOf(text, {});
    assert.deepEqual(errs, [
      'notifications.channels[0].token: environment variable SLACK_TOKEN is not set',
      'notifications.channels[0].token: Too small: expected string to have >=1 characters',
    ]);
    assert.ok(!errs.join().includes('xoxb'));
  });

  it('reports a YAML syntax error with its line', () => {
    const errs = errorsOf('systems:\n  a: [1, 2\n');
    assert.equal(errs.length > 0, true);
    assert.match(errs[0]!, /^line \d+: /);
  });

  it('module names (kk/ru) are read per module; a module without them has none', () => {
    const cfg = parseConfig(
      'systems:\n  portal:\n    name: P\n    kind: portal\n    policy: portal-692\n    modules: [search, lots]\n    moduleNames:\n      search: { kk: " Хабарландыруларды іздеу ", ru: Поиск объявлений }\n',
      PROBES,
      {},
    );
    const sys = cfg.systems.portal;
    assert.deepEqual(moduleNamesOf(sys, 'search'), { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' });
    assert.equal(moduleNamesOf(sys, 'lots'), undefined);
    assert.equal(moduleNamesOf(sys, null), undefined);
  });

  it("a system's public names (kk/ru) are read when given; without them there are none", () => {
    const cfg = parseConfig(
      'systems:\n  portal:\n    name: P\n    names: { kk: " Мемлекеттік сатып алу веб-порталы ", ru: Веб-портал }\n    kind: portal\n    policy: portal-692\n  etp1:\n    name: E\n    kind: etp\n    policy: etp-em\n',
      PROBES,
      {},
    );
    assert.deepEqual(cfg.systems.portal?.names, { kk: 'Мемлекеттік сатып алу веб-порталы', ru: 'Веб-портал' });
    assert.equal(cfg.systems.etp1?.names, undefined);
  });

  it('the shipped kuzet.yaml names every module in Kazakh and Russian', () => {
    const cfg = parseConfig(readFileSync(new URL('../kuzet.yaml', import.meta.url), 'utf8'), PROBES, {
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    for (const [id, sys] of Object.entries(cfg.systems)) {
      for (const m of sys.modules) assert.ok(moduleNamesOf(sys, m), `${id}.${m}`);
      assert.ok(sys.names?.kk && sys.names.ru, `${id}: its public name in both languages`);
    }
  });

  // Each fixture `NAME.yaml` is paired with `NAME.errors`: the exact messages it must produce, one per line.
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
    it(`fixture ${file} gives exactly its expected errors`, () => {
      // `{KNOWN}` stands for the registered check kinds, which grow with every new probe.
      const expected = readFileSync(join(FIXTURES, file.replace(/\.yaml$/, '.errors')), 'utf8')
        .replaceAll('{KNOWN}', Object.keys(PROBES).join(', '))
        .trim()
        .split('\n');
      assert.deepEqual(errorsOf(readFileSync(join(FIXTURES, file), 'utf8')), expected);
    });
  }
});
