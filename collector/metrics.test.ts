/** Every series of the metric catalogue, set from the results that carry it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult } from '../probes/index.ts';
import { CHECK_METRIC_KEYS, METRIC_CATALOGUE, Metrics } from './metrics.ts';

const base: CheckResult = {
  system: 'etp-alpha',
  target: 'orders',
  check: 'c',
  region: 'astana',
  ok: true,
  latencyMs: 42,
  errorKind: null,
  message: 'ok',
  at: new Date('2026-03-20T05:00:00Z'),
};

describe('Metrics', () => {
  it('exports check, journey and time series under the catalogue names', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.observe(base);
    m.observe({ ...base, ok: false, errorKind: 'timeout', message: 'timeout after 10 ms' });
    m.observe({
      ...base,
      target: 'ntp',
      check: 'ntp',
      observations: { server: 'ntp.nic.kz:123', stratum: 2, offsetMs: -12.5, delayMs: 4 },
    });
    m.observe({ ...base, target: 'clock', check: 'date', observations: { offsetMs: 2300, uncertaintyMs: 15 } });
    m.observe({ ...base, target: 'prices', check: 'fresh', observations: { ageSeconds: 3600 } });
    m.observe({
      ...base,
      system: 'portal',
      target: 'search-journey',
      check: 'browser',
      observations: {
        journey: 'steps',
        steps: [{ name: 'open homepage', ms: 120, ok: true }],
        totalMs: 450,
        vitals: { lcp: 300, cls: 0.01, ttfb: 20 },
      },
    });
    const text = await m.text();
    assert.match(text, /kuzet_check_up\{system="etp-alpha",target="orders",check="c",region="astana"\} 0/);
    assert.match(text, /kuzet_check_failures_total\{system="etp-alpha",target="orders",check="c",error_kind="timeout"\} 1/);
    assert.match(text, /kuzet_check_duration_seconds_count\{system="etp-alpha",target="orders",check="c",region="astana"\} 2/);
    assert.match(text, /kuzet_ntp_offset_seconds\{server="ntp\.nic\.kz:123"\} -0\.0125/);
    assert.match(text, /kuzet_ntp_delay_seconds\{server="ntp\.nic\.kz:123"\} 0\.004/);
    assert.match(text, /kuzet_clock_offset_seconds\{system="etp-alpha",target="clock"\} 2\.3/);
    assert.match(text, /kuzet_freshness_age_seconds\{system="etp-alpha",target="prices"\} 3600/);
    assert.match(text, /kuzet_journey_up\{system="portal",journey="search-journey\/browser",region="astana"\} 1/);
    assert.match(
      text,
      /kuzet_journey_step_duration_seconds_count\{system="portal",journey="search-journey\/browser",region="astana",step="open homepage"\} 1/,
    );
    // Every catalogue entry this class owns is registered under its name.
    for (const entry of CHECK_METRIC_KEYS.map((k) => METRIC_CATALOGUE[k]))
      assert.match(text, new RegExp(`# HELP ${entry.name} `), entry.name);
  });
});
