/** Checks: latency percentiles per target and region, failures by error kind, up/down per check. */
import { INFLUX_MEASUREMENTS } from '../catalogue.ts';
import { flux } from '../flux.ts';
import { selector, type BoardSpec, type PromQuery } from '../panels.ts';
import { THRESHOLDS, rising } from '../thresholds.ts';

const sel = selector(['system', 'target', 'region']);
/** Failures carry no region label (a failure is counted once, with its error kind). */
const failSel = selector(['system', 'target']);

export const checksBoard: BoardSpec = {
  uid: 'kuzet-checks',
  title: 'kuzet / Checks',
  description: 'Latency percentiles per target and region, failures by error kind.',
  tags: ['checks'],
  variables: ['system', 'target', 'region'],
  sections: [
    {
      title: 'Latency',
      panels: [
        {
          title: 'Latency p50 / p95 / p99 per target and region',
          build: (m) => ({
            viz: 'timeseries',
            w: 24,
            h: 9,
            unit: 's',
            thresholds: rising(THRESHOLDS.latency),
            showThresholds: true,
            description: 'Percentiles of check run durations from the histogram, per system, target and region.',
            queries: ([0.5, 0.95, 0.99] as const).map((q): PromQuery => ({
              expr: `histogram_quantile(${q}, sum by (le, system, target, region) (rate(${m.bucket('checkDuration')}${sel}[$__rate_interval])))`,
              legend: `p${Math.round(q * 100)} {{system}}/{{target}} {{region}}`,
              expect: 'data',
            })),
          }),
        },
        {
          title: 'Slowest targets (p95 over the range)',
          build: (m) => ({
            viz: 'bargauge',
            w: 12,
            h: 8,
            unit: 's',
            thresholds: rising(THRESHOLDS.latency),
            description: 'The ten targets with the highest 95th percentile duration over the selected range.',
            queries: [
              {
                expr: `topk(10, histogram_quantile(0.95, sum by (le, system, target) (rate(${m.bucket('checkDuration')}${sel}[$__range]))))`,
                legend: '{{system}}/{{target}}',
                instant: true,
                expect: 'data',
              },
            ],
          }),
        },
        {
          title: 'Latency history (InfluxDB)',
          build: () => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 'ms',
            description: 'Mean run latency per target from the InfluxDB history.',
            queries: [
              {
                flux: flux(INFLUX_MEASUREMENTS.check)
                  .fields('latency_ms')
                  .tagVariable('system')
                  .tagVariable('target')
                  .tagVariable('region')
                  .groupBy('system', 'target')
                  .window('mean'),
              },
            ],
          }),
        },
      ],
    },
    {
      title: 'Failures',
      panels: [
        {
          title: 'Failures by error kind',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 'short',
            stack: true,
            description: 'Failed runs per interval, stacked by classified error kind (connect, timeout, http-status, assertion, …).',
            queries: [
              {
                expr: `sum by (error_kind) (increase(${m.name('checkFailures')}${failSel}[$__rate_interval]))`,
                legend: '{{error_kind}}',
                expect: 'after-failure',
              },
            ],
          }),
        },
        {
          title: 'Failures by target and error kind (range)',
          build: (m) => ({
            viz: 'table',
            w: 12,
            h: 8,
            description: 'Failed runs within the selected range, per system, target and error kind.',
            queries: [
              {
                expr: `sum by (system, target, error_kind) (increase(${m.name('checkFailures')}${failSel}[$__range])) > 0`,
                instant: true,
                expect: 'after-failure',
              },
            ],
          }),
        },
        {
          title: 'Up / down per check',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            min: 0,
            max: 1,
            decimals: 0,
            description: 'The latest result of every check: 1 up, 0 down.',
            queries: [{ expr: `${m.name('checkUp')}${sel}`, legend: '{{system}}/{{target}}/{{check}} {{region}}', expect: 'data' }],
          }),
        },
        {
          title: 'Failure history by error kind (InfluxDB)',
          build: () => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 'short',
            stack: true,
            description: 'Failed runs per interval by error kind, from the InfluxDB history.',
            queries: [
              {
                flux: flux(INFLUX_MEASUREMENTS.check)
                  .fields('up')
                  .tagVariable('system')
                  .tagVariable('target')
                  .tagVariable('region')
                  .value('==', 0)
                  .groupBy('error_kind')
                  .window('count'),
              },
            ],
          }),
        },
      ],
    },
  ],
};
