/**
 * The generated queries and rules against a real Prometheus (Debian's `prometheus` 2.42) scraping a
 * running kuzet demo: every metric name is one kuzet really exports, every expression parses and runs,
 * the ones on always-present series return data, every variable finds values, Prometheus loads the
 * rule file and evaluates it (a downed target shows as a pending KuzetTargetDown), promtool accepts
 * the rules and the compose stack's prometheus.yml.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { silentLogger } from '../core/log.ts';
import { startDemo, type DemoHandle } from '../demo/run.ts';
import { dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { SCRAPE_UP } from './catalogue.ts';
import { buildAll, OUTPUT_PATHS } from './build.ts';
import type { Expect } from './panels.ts';
import { labelValuesParts, metricNamesIn, withGrafanaDefaults } from './promql.ts';
import { KUZET_SCRAPE_JOB } from './rules.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

type PromResponse<T> = { status: 'success' | 'error'; errorType?: string; error?: string; data: T };
type Vector = { resultType: string; result: { metric: Record<string, string> }[] };

/** Names a /metrics text exports: every `# TYPE` family (histograms with their series) and every sample. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(`${name}${s}`);
  }
  for (const [, name] of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)) names.add(name!);
  return names;
}

describe('dashboards and rules against a real Prometheus scraping kuzet', () => {
  const dir = tempDir('kuzet-prom-');
  const prefix = uniqueName('kzprom');
  const built = buildAll();
  let demo: DemoHandle;
  let prom: ChildProcess | undefined;
  let promUrl = '';
  let promLog = '';
  const rulesPath = join(dir.path, 'kuzet.rules.yml');

  const query = async <T = Vector>(q: string) => {
    const res = await fetch(`${promUrl}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: q }) });
    return (await res.json()) as PromResponse<T>;
  };
  const vector = async (q: string) => {
    const r = await query(q);
    return r.status === 'success' ? r.data.result : [];
  };

  before(async () => {
    demo = await startDemo({ port: 0, portalPort: 0, dataDir: join(dir.path, 'data'), redisPrefix: prefix, log: silentLogger, env: {} });
    await demo.kuzet.redisReady;
    // One ETP service down, so failure counters and the target-down rule have something to show.
    const fault = await fetch(`${demo.sim.url}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'etp-alpha.orders', fault: 'down' }),
    });
    assert.equal(fault.status, 200);

    writeFileSync(rulesPath, built.files.get(OUTPUT_PATHS.rules)!);
    const target = new URL(demo.kuzet.url).host;
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [rulesPath],
      scrape_configs: [{ job_name: KUZET_SCRAPE_JOB, static_configs: [{ targets: [target] }] }],
    };
    writeFileSync(join(dir.path, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir.path, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir.path, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prom.stderr!.on('data', (d: Buffer) => (promLog += d.toString()));
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, {
      what: `Prometheus ready (${promLog.slice(-300)})`,
      timeoutMs: 20_000,
    });
    // Enough scrapes for rate() over a minute, a failure, and a finished browser journey.
    await waitFor(async () => (await vector('rate(kuzet_check_runs_total[1m]) > 0')).length > 0, {
      what: 'two scrapes with runs',
      timeoutMs: 30_000,
    });
    // increase() sees a counter grow only between two scrapes of the series (its first sample counts nothing): wait for a failure after the first.
    await waitFor(async () => (await vector('increase(kuzet_check_failures_total[5m]) > 0')).length > 0, {
      what: 'a failure counted between two scrapes',
      timeoutMs: 60_000,
    });
    await waitFor(async () => (await vector('kuzet_journey_up')).length > 0, { what: 'a browser journey scraped', timeoutMs: 60_000 });
    await waitFor(async () => (await vector('rate(kuzet_journey_duration_seconds_count[1m])')).length > 0, {
      what: 'two scrapes of the journey',
      timeoutMs: 30_000,
    });
  });

  after(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    await demo?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  const allExprs = () => [
    ...built.boards.flatMap((b) =>
      b.promQueries.map((q) => ({ where: `${b.spec.title} / ${q.panel}`, expr: q.query.expr, expect: q.query.expect })),
    ),
    ...built.rules.rules.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr, expect: r.expect })),
  ];

  it('every metric name in dashboards, variables and rules is one kuzet exports on /metrics', async () => {
    const exported = exportedNames(await (await fetch(`${demo.kuzet.url}/metrics`)).text());
    exported.add(SCRAPE_UP); // Prometheus's own per-target series
    const exprs = [
      ...allExprs().map((e) => e.expr),
      ...built.boards.flatMap((b) => b.variableQueries.map((v) => labelValuesParts(v.query).selector)),
    ];
    const missing = exprs.flatMap((e) =>
      metricNamesIn(e)
        .filter((n) => !exported.has(n))
        .map((n) => `${n} in ${e}`),
    );
    assert.deepEqual(missing, []);
  });

  it('every expression parses in Prometheus and the ones on present series return data', async () => {
    const problems: string[] = [];
    const counts: Record<Expect, number> = { data: 0, 'after-failure': 0, maybe: 0 };
    for (const { where, expr, expect } of allExprs()) {
      const q = withGrafanaDefaults(expr);
      const r = await query(q);
      if (r.status !== 'success') {
        problems.push(`${where}: ${r.errorType}: ${r.error} in ${q}`);
        continue;
      }
      counts[expect]++;
      if (expect !== 'maybe' && r.data.result.length === 0) problems.push(`${where}: no data for ${q}`);
    }
    assert.deepEqual(problems, []);
    assert.ok(counts.data >= 12 && counts['after-failure'] >= 3, JSON.stringify(counts));
  });

  it('every dashboard variable finds values', async () => {
    for (const b of built.boards) {
      for (const v of b.variableQueries) {
        const { selector, label } = labelValuesParts(v.query);
        const res = await fetch(`${promUrl}/api/v1/series?${new URLSearchParams({ 'match[]': withGrafanaDefaults(selector) })}`);
        const body = (await res.json()) as PromResponse<Record<string, string>[]>;
        assert.equal(body.status, 'success', `${b.spec.uid} $${v.name}: ${body.error}`);
        const values = new Set(body.data.map((s) => s[label]).filter(Boolean));
        assert.ok(values.size > 0, `${b.spec.uid} $${v.name}: no values`);
        if (label === 'system') assert.deepEqual([...values].sort(), ['etp-alpha', 'etp-beta', 'portal']);
      }
    }
  });

  it('Prometheus loads and evaluates every generated rule; the downed ETP service is a pending KuzetTargetDown', async () => {
    type Rules = PromResponse<{
      groups: { name: string; rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[] }[];
    }>;
    const rules = await waitFor(
      async () => {
        const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as Rules;
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length === built.rules.rules.length && all.every((r) => !r.lastEvaluation.startsWith('0001')) ? all : undefined;
      },
      { what: 'every rule evaluated', timeoutMs: 15_000 },
    );
    assert.deepEqual(rules.map((r) => r.name).sort(), built.rules.rules.map((r) => r.alert).sort());
    for (const r of rules) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
    const alerts = await waitFor(
      async () => {
        const body = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as PromResponse<{
          alerts: { labels: Record<string, string>; state: string }[];
        }>;
        // The downed ETP service's alert: another demo target that missed one run on a loaded machine may have one too.
        return body.data.alerts.find((a) => a.labels.alertname === 'KuzetTargetDown' && a.labels.system === 'etp-alpha');
      },
      { what: 'KuzetTargetDown', timeoutMs: 10_000 },
    );
    assert.deepEqual(
      [alerts.labels.system, alerts.labels.target, alerts.labels.severity, alerts.state],
      ['etp-alpha', 'orders', 'critical', 'pending'],
    );
  });

  it('promtool accepts the generated rules and the compose stack prometheus.yml', () => {
    const rules = spawnSync(PROMTOOL, ['check', 'rules', rulesPath], { encoding: 'utf8' });
    assert.equal(rules.status, 0, rules.stdout + rules.stderr);
    assert.match(rules.stdout, new RegExp(`SUCCESS: ${built.rules.rules.length} rules found`));
    const config = spawnSync(PROMTOOL, ['check', 'config', new URL('../deploy/prometheus.yml', import.meta.url).pathname], {
      encoding: 'utf8',
    });
    assert.equal(config.status, 0, config.stdout + config.stderr);
  });
});
