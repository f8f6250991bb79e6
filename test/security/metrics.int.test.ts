/**
 * Metrics from the first scrape (issue #16 item 10), against a real `kuzet start` on PostgreSQL: the
 * labelled counters kuzet_check_failures_total, kuzet_job_failures_total, kuzet_notice_deadlines_total,
 * kuzet_sla_breaches_total and the kuzet_silent gauge are there at 0 for their known label sets right
 * after start, and `promtool check metrics` finds nothing to say about kuzet's own metrics.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startBed, type Bed } from '../drills/harness.ts';

/** prom-client's default Node.js gauges (`collectDefaultMetrics`) carry `_total` though they are gauges: not kuzet's to rename. */
const PROM_CLIENT_DEFAULTS = [
  'kuzet_nodejs_active_handles_total',
  'kuzet_nodejs_active_requests_total',
  'kuzet_nodejs_active_resources_total',
];

const promtool = spawnSync('promtool', ['--version']).status === 0;

describe('metrics from the first scrape', () => {
  let bed: Bed;
  let text = '';

  before(async () => {
    bed = await startBed({});
    bed.spawnKuzet('start');
    await bed.waitReady(90_000);
    text = await (await fetch(`${bed.url}/metrics`)).text();
  });
  after(async () => {
    await bed?.close();
  });

  it('every labelled counter is exported at 0 for its known label sets', () => {
    const series = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));
    const zero = (name: string, labels: RegExp) => {
      const line = series(name).find((l) => labels.test(l));
      assert.ok(line, `${name} with ${labels} in the first scrape:\n${series(name).slice(0, 5).join('\n')}`);
      assert.match(line, / 0$/);
    };
    zero('kuzet_check_failures_total', /system="portal",target="[^"]+",check="[^"]+",error_kind="timeout"/);
    zero('kuzet_check_failures_total', /error_kind="http-status"/);
    zero('kuzet_job_failures_total', /queue="[^"]*astana[^"]*"/);
    zero('kuzet_job_failures_total', /queue="[^"]*deliver[^"]*"/);
    zero('kuzet_notice_deadlines_total', /outcome="met"/);
    zero('kuzet_notice_deadlines_total', /outcome="breached"/);
    zero('kuzet_sla_breaches_total', /timer="SLA-P-ID"/);
    zero('kuzet_sla_breaches_total', /timer="SLA-P-REGISTER"/);
    zero('kuzet_silent', /scope="region",id="region\/astana"/);
    zero('kuzet_silent', /scope="checks",id="checks\/astana\/portal\/[^"]+"/);
    // Every check of the config has its failure series: 7 error kinds each.
    const checks = new Set(series('kuzet_check_failures_total').map((l) => /system="[^"]+",target="[^"]+",check="[^"]+"/.exec(l)?.[0]));
    assert.ok(checks.size >= 10, `${checks.size} checks`);
  });

  it(
    'promtool check metrics passes clean for kuzet’s own metrics',
    { skip: promtool ? false : 'promtool is not installed (apt-get install prometheus)' },
    () => {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const problems = `${r.stdout}${r.stderr}`
        .split('\n')
        .filter((l) => l.trim() !== '' && !PROM_CLIENT_DEFAULTS.some((n) => l.startsWith(`${n} `)));
      assert.deepEqual(problems, []);
      assert.ok(text.includes('kuzet_calendar_left_seconds'), 'the calendar gauge in its base unit');
    },
  );
});
