/** Journeys: browser journeys' state, step timings, Web Vitals and the steps that fail. */
import { INFLUX_MEASUREMENTS } from '../catalogue.ts';
import { flux } from '../flux.ts';
import { selector, type BoardSpec, type PanelSpec } from '../panels.ts';
import { THRESHOLDS, rising } from '../thresholds.ts';

/** A journey label is `<target>/<check>`, so the target variable matches its first part. */
const sel = selector(['system', 'region'], 'journey=~"($target)/.*"');
const fluxJourney = String.raw`/^(${'${target:regex}'})\/.*$/`;
const journeyFlux = (m: (typeof INFLUX_MEASUREMENTS)['journey' | 'step']) =>
  flux(m).tagVariable('system').tagVariable('region').tagRegex('journey', fluxJourney);

const vital = (name: 'lcp' | 'cls' | 'ttfb', title: string, unit: string): PanelSpec => ({
  title,
  build: (m) => ({
    viz: 'stat',
    w: 8,
    h: 5,
    unit,
    thresholds: rising(THRESHOLDS[name]),
    decimals: name === 'cls' ? 3 : 2,
    description: `${title} of the last page of the latest run of each journey (web.dev thresholds).`,
    queries: [
      {
        expr: `${m.name('webVital')}${selector(['system', 'region'], `journey=~"($target)/.*", name="${name}"`)}`,
        legend: '{{journey}}',
        instant: true,
        expect: 'maybe',
      },
    ],
  }),
});

export const journeysBoard: BoardSpec = {
  uid: 'kuzet-journeys',
  title: 'kuzet / Journeys',
  description: 'Browser journeys: step timings, Web Vitals, failing steps.',
  tags: ['journeys'],
  variables: ['system', 'target', 'region'],
  sections: [
    {
      title: 'State',
      panels: [
        {
          title: 'Journeys up',
          build: (m) => ({
            viz: 'stat',
            w: 12,
            h: 5,
            mappings: { '0': { text: 'failing', color: 'red' }, '1': { text: 'passing', color: 'green' } },
            description: 'The latest run of each journey.',
            queries: [{ expr: `${m.name('journeyUp')}${sel}`, legend: '{{journey}} {{region}}', instant: true, expect: 'data' }],
          }),
        },
        {
          title: 'Journey duration p95',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 5,
            unit: 's',
            description: 'Whole-journey duration, 95th percentile.',
            queries: [
              {
                expr: `histogram_quantile(0.95, sum by (le, journey) (rate(${m.bucket('journeyDuration')}${sel}[$__rate_interval])))`,
                legend: '{{journey}}',
                expect: 'data',
              },
            ],
          }),
        },
      ],
    },
    {
      title: 'Steps',
      panels: [
        {
          title: 'Step timings p95',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 's',
            description: 'Duration of each step, 95th percentile.',
            queries: [
              {
                expr: `histogram_quantile(0.95, sum by (le, journey, step) (rate(${m.bucket('journeyStepDuration')}${sel}[$__rate_interval])))`,
                legend: '{{journey}} · {{step}}',
                expect: 'data',
              },
            ],
          }),
        },
        {
          title: 'Step timings history (InfluxDB)',
          build: () => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 'ms',
            description: 'Mean duration of each step, from the InfluxDB history.',
            queries: [{ flux: journeyFlux(INFLUX_MEASUREMENTS.step).fields('ms').groupBy('journey', 'step').window('mean') }],
          }),
        },
        {
          title: 'Failing steps (InfluxDB)',
          build: () => ({
            viz: 'bargauge',
            w: 24,
            h: 6,
            unit: 'short',
            decimals: 0,
            thresholds: [
              ['green', null],
              ['red', 1],
            ],
            description: 'How often each step failed within the selected range (the step that broke the journey).',
            queries: [
              { flux: journeyFlux(INFLUX_MEASUREMENTS.step).fields('ok').value('==', 0).groupBy('journey', 'step').reduce('count') },
            ],
          }),
        },
      ],
    },
    {
      title: 'Web Vitals',
      panels: [
        vital('lcp', 'Largest Contentful Paint', 's'),
        vital('cls', 'Cumulative Layout Shift', 'none'),
        vital('ttfb', 'Time to First Byte', 's'),
        {
          title: 'Web Vitals history (InfluxDB)',
          build: () => ({
            viz: 'timeseries',
            w: 24,
            h: 8,
            unit: 'ms',
            description: 'LCP and TTFB of each journey run, from the InfluxDB history.',
            queries: [
              { flux: journeyFlux(INFLUX_MEASUREMENTS.journey).fields('lcp_ms', 'ttfb_ms').groupBy('journey', '_field').window('mean') },
            ],
          }),
        },
      ],
    },
  ],
};
