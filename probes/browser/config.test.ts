/**
 * Bad browser check configs, each paired with the exact error `kuzet check-config` prints; and
 * journey modules that do not load, named by their path in the config. No browser is started here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { browserProbe } from '../browser.probe.ts';
import { PROBES } from '../registry.ts';
import { sweepArtifacts } from './artifacts.ts';
import { assertJourneyFiles, validateJourneyFiles } from './journey-loader.ts';

const probes = { ...PROBES, browser: browserProbe };

function yamlWith(check: string): string {
  return `systems:
  demo:
    name: Demo
    kind: portal
    policy: portal-692
    targets:
      - id: portal
        checks:
${check
  .trim()
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}
`;
}

function issues(text: string) {
  try {
    parseConfig(text, probes, {});
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

const CHECK = 'systems.demo.targets[0].checks[0]';

describe('browser check config', () => {
  const cases: Array<[string, string, { field: string; message: string }[]]> = [
    [
      'unknown step action',
      `- id: j
  type: browser
  baseUrl: https://goszakup.gov.kz/
  steps:
    - action: goto
      url: /
    - action: tap
      selector: '#x'`,
      [
        {
          field: `${CHECK}.steps[1].action`,
          message:
            'unknown action "tap"; known: goto, click, fill, press, select, waitFor, expectText, expectVisible, expectUrl, expectStatus',
        },
      ],
    ],
    [
      'both journey and steps',
      `- id: j
  type: browser
  journey: ./j.journey.ts
  steps: [{ action: goto, url: 'https://goszakup.gov.kz/' }]`,
      [{ field: `${CHECK}.journey`, message: 'give either journey (a module) or steps, not both' }],
    ],
    [
      'neither journey nor steps',
      `- id: j\n  type: browser`,
      [{ field: `${CHECK}.steps`, message: 'give either journey (a module) or steps, not both' }],
    ],
    [
      'relative URL without baseUrl',
      `- id: j\n  type: browser\n  steps: [{ action: goto, url: /ru/search/announce }]`,
      [{ field: `${CHECK}.steps[0].url`, message: 'a relative URL needs baseUrl' }],
    ],
    [
      'unknown key in a step',
      `- id: j\n  type: browser\n  steps: [{ action: click, selector: '#a', text: x }]`,
      [{ field: `${CHECK}.steps[0]`, message: 'Unrecognized key: "text"' }],
    ],
    [
      'bad locale and step timeout',
      `- id: j\n  type: browser\n  locale: en-US\n  stepTimeout: soon\n  steps: [{ action: goto, url: 'https://goszakup.gov.kz/' }]`,
      [
        { field: `${CHECK}.locale`, message: 'Invalid option: expected one of "ru-KZ"|"kk-KZ"' },
        { field: `${CHECK}.stepTimeout`, message: 'not a duration: use seconds or a string like "10s", "500ms"' },
      ],
    ],
  ];
  for (const [name, check, expected] of cases) {
    it(`refuses ${name}`, () => assert.deepEqual(issues(yamlWith(check)), expected));
  }

  it('accepts steps with defaults applied', () => {
    const cfg = parseConfig(
      yamlWith(
        `- id: j\n  type: browser\n  baseUrl: https://goszakup.gov.kz/\n  steps: [{ action: goto, url: / }, { action: expectText, text: Объявления }]`,
      ),
      probes,
      {},
    );
    const check = cfg.systems.demo!.targets[0]!.checks[0]!;
    const settings = check.settings;
    assert.deepEqual(
      {
        timeoutMs: check.timeoutMs,
        locale: settings.locale,
        executablePath: settings.executablePath,
        stepTimeout: settings.stepTimeout,
        artifactsDir: settings.artifactsDir,
        artifactsRetentionDays: settings.artifactsRetentionDays,
      },
      {
        timeoutMs: 60_000,
        locale: 'ru-KZ',
        executablePath: undefined,
        stepTimeout: 10,
        artifactsDir: './artifacts',
        artifactsRetentionDays: 14,
      },
    );
  });
});

describe('journey modules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kuzet-journeys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const journeyImport = resolve('probes/browser/journey.ts');
  writeFileSync(
    join(dir, 'good.journey.mts'),
    `import { defineJourney } from '${journeyImport}';\nexport default defineJourney(async ({ step }) => { await step('noop', async () => {}); });\n`,
  );
  writeFileSync(
    join(dir, 'broken.journey.mts'),
    `import { defineJourney } from '${journeyImport}';\nexport default defineJourney(async ({ step }) => { await step('x', async () => { ) });\n`,
  );
  writeFileSync(join(dir, 'plain.journey.mts'), `export default async function () {}\n`);
  const configPath = join(dir, 'kuzet.yaml');
  const config = (journeys: string[]) => ({
    systems: { demo: { targets: [{ checks: journeys.map((journey) => ({ type: 'browser', settings: { journey } })) }] } },
  });

  it('loads a good module relative to the config file, and names each bad one by its path', async () => {
    const found = await validateJourneyFiles(
      config(['./good.journey.mts', 'broken.journey.mts', 'plain.journey.mts', 'missing.journey.ts']),
      configPath,
    );
    assert.deepEqual(
      found.map((i) => i.field),
      [1, 2, 3].map((n) => `systems.demo.targets[0].checks[${n}].journey`),
    );
    assert.match(found[0]!.message, new RegExp(`^journey file ${join(dir, 'broken.journey.mts')} does not compile or load: `));
    assert.equal(found[1]!.message, `journey file ${join(dir, 'plain.journey.mts')} has no default export made with defineJourney(…)`);
    assert.equal(found[2]!.message, `journey file ${join(dir, 'missing.journey.ts')} does not exist`);
  });

  it('assertJourneyFiles throws a ConfigError with every problem', async () => {
    await assert.rejects(
      assertJourneyFiles(config(['broken.journey.mts']), configPath),
      (e: unknown) => e instanceof ConfigError && e.issues.length === 1,
    );
    await assertJourneyFiles(config(['good.journey.mts']), configPath);
  });

  it('picks up a changed module (by mtime) on the next load', async () => {
    const p = join(dir, 'changing.journey.mts');
    writeFileSync(p, `export default 1;\n`);
    assert.equal((await validateJourneyFiles(config([p]))).length, 1);
    writeFileSync(p, `import { defineJourney } from '${journeyImport}';\nexport default defineJourney(async () => {});\n`);
    utimesSync(p, new Date(), new Date(Date.now() + 5_000));
    assert.deepEqual(await validateJourneyFiles(config([p])), []);
  });
});

describe('journeys/portal.example.yaml', () => {
  it('is a valid systems block whose journey modules load, as its header says (pasted under systems: in ./kuzet.yaml)', async () => {
    const fragment = readFileSync(resolve('journeys/portal.example.yaml'), 'utf8');
    const text = `systems:\n${fragment
      .split('\n')
      .map((l) => (l.trim() === '' || l.startsWith('#') ? l : `  ${l}`))
      .join('\n')}`;
    const cfg = parseConfig(text, probes, {});
    const journeys = Object.values(cfg.systems)
      .flatMap((s) => s.targets.flatMap((t) => t.checks))
      .filter((c) => c.type === 'browser');
    const modules = journeys.filter((c) => typeof c.settings.journey === 'string');
    assert.deepEqual(
      modules.map((c) => c.settings.journey),
      ['portal-homepage', 'portal-search', 'portal-lot-card', 'portal-login', 'etp-catalogue'].map((j) => `./journeys/${j}.journey.ts`),
    );
    assert.ok(
      modules.every((c) => c.settings.params !== undefined),
      'every journey module keeps its selectors in params',
    );
    assert.ok(
      journeys.some((c) => Array.isArray(c.settings.steps)),
      'and one check shows the same as declarative steps',
    );
    assert.deepEqual(await validateJourneyFiles(cfg, resolve('kuzet.yaml')), []);
  });
});

describe('artifact retention', () => {
  it('removes date folders older than the retention, and nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kuzet-artifacts-'));
    try {
      for (const d of ['2026-11-01', '2026-11-08', '2026-11-09', '2026-11-23', 'notes'])
        mkdirSync(join(root, d, 'run'), { recursive: true });
      // 2026-11-23 10:00 Astana; 14 days keep 2026-11-09 onwards.
      const removed = await sweepArtifacts(root, new Date('2026-11-23T05:00:00Z'), 14);
      assert.deepEqual(removed.sort(), ['2026-11-01', '2026-11-08']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
