/** Overview: is everything up, how available was it over 30 days, what is open and which SLA clocks run. */
import { INFLUX_MEASUREMENTS } from '../catalogue.ts';
import { flux } from '../flux.ts';
import { selector, type BoardSpec } from '../panels.ts';
import { THRESHOLDS, falling } from '../thresholds.ts';

const sel = selector(['system', 'region']);

export const overviewBoard: BoardSpec = {
  uid: 'kuzet-overview',
  title: 'kuzet / Overview',
  description: 'Availability per system now and over 30 days, open incidents, SLA clocks.',
  tags: ['overview'],
  variables: ['system', 'region'],
  sections: [
    {
      title: 'Availability',
      panels: [
        {
          title: 'Availability now',
          build: (m) => ({
            viz: 'stat', w: 8, h: 6, unit: 'percentunit', min: 0, max: 1, decimals: 1, thresholds: falling(THRESHOLDS.availability),
            description: 'Share of checks whose latest run succeeded, per system (all targets and regions).',
            queries: [{ expr: `avg by (system) (${m.name('checkUp')}${sel})`, legend: '{{system}}', instant: true, expect: 'data' }],
          }),
        },
        {
          title: 'Availability, last 30 days',
          build: (m) => ({
            viz: 'stat', w: 8, h: 6, unit: 'percentunit', min: 0, max: 1, decimals: 2, thresholds: falling(THRESHOLDS.availability),
            description: 'Mean of the up/down samples of every check over 30 days, per system (Prometheus retention permitting; the InfluxDB panel below keeps longer history).',
            queries: [{ expr: `avg by (system) (avg_over_time(${m.name('checkUp')}${sel}[30d]))`, legend: '{{system}}', instant: true, expect: 'data' }],
          }),
        },
        {
          title: 'Checks down now',
          build: (m) => ({
            viz: 'table', w: 8, h: 6,
            description: 'Every check whose latest run failed, with its region.',
            queries: [{ expr: `${m.name('checkUp')}${sel} == 0`, instant: true, expect: 'after-failure' }],
          }),
        },
        {
          title: 'Availability over 30 days (InfluxDB)',
          build: () => ({
            viz: 'timeseries', w: 24, h: 8, unit: 'percentunit', min: 0, max: 1, timeFrom: '30d', thresholds: falling(THRESHOLDS.availability),
            description: 'Hourly share of successful check runs per system, from the InfluxDB history.',
            queries: [{ flux: flux(INFLUX_MEASUREMENTS.check).fields('up').tagVariable('system').tagVariable('region').groupBy('system').window('mean', '1h') }],
          }),
        },
      ],
    },
    {
      title: 'Incidents and SLA clocks',
      panels: [
        {
          title: 'Open incidents by level',
          build: (m) => ({
            viz: 'stat', w: 8, h: 6, decimals: 0, thresholds: [['green', null], ['red', 1]],
            description: 'Incidents not yet closed, by criticality level.',
            queries: [{ expr: `sum by (level) (${m.name('incidentsOpen')})`, legend: '{{level}}', instant: true, expect: 'maybe' }],
          }),
        },
        {
          title: 'SLA clocks running',
          build: (m) => ({
            viz: 'stat', w: 8, h: 6, decimals: 0, thresholds: [['green', null], ['yellow', 1]],
            description: 'SLA timers started and not yet stopped, by timer id (REGULATIONS §4).',
            queries: [{ expr: `sum by (timer) (${m.name('slaOpen')})`, legend: '{{timer}}', instant: true, expect: 'maybe' }],
          }),
        },
        {
          title: 'SLA clocks breached',
          build: (m) => ({
            viz: 'stat', w: 8, h: 6, decimals: 0, thresholds: [['green', null], ['red', 1]],
            description: 'SLA timers that passed their due time within the selected range, by timer id.',
            queries: [{ expr: `sum by (timer) (increase(${m.name('slaBreaches')}[$__range]))`, legend: '{{timer}}', instant: true, expect: 'maybe' }],
          }),
        },
      ],
    },
    {
      title: 'Throughput',
      panels: [
        {
          title: 'Check runs per minute',
          build: (m) => ({
            viz: 'timeseries', w: 12, h: 7, unit: 'short',
            description: 'Results ingested per minute, per system.',
            queries: [{ expr: `sum by (system) (rate(${m.name('checkRuns')}${sel}[$__rate_interval])) * 60`, legend: '{{system}}', expect: 'data' }],
          }),
        },
        {
          title: 'Storage batch errors',
          build: (m) => ({
            viz: 'timeseries', w: 12, h: 7, unit: 'short', decimals: 0,
            description: 'Storage batches that failed and were retried (results wait in Redis meanwhile).',
            queries: [{ expr: `increase(${m.name('ingestErrors')}[$__rate_interval])`, legend: 'failed batches', expect: 'data' }],
          }),
        },
      ],
    },
  ],
};
