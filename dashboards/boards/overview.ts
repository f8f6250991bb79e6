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
            viz: 'stat',
            w: 8,
            h: 6,
            unit: 'percentunit',
            min: 0,
            max: 1,
            decimals: 1,
            thresholds: falling(THRESHOLDS.availability),
            description: 'Share of checks whose latest run succeeded, per system (all targets and regions).',
            queries: [{ expr: `avg by (system) (${m.name('checkUp')}${sel})`, legend: '{{system}}', instant: true, expect: 'data' }],
          }),
        },
        {
          title: 'Availability, last 30 days',
          build: (m) => ({
            viz: 'stat',
            w: 8,
            h: 6,
            unit: 'percentunit',
            min: 0,
            max: 1,
            decimals: 2,
            thresholds: falling(THRESHOLDS.availability),
            description:
              'Mean of the up/down samples of every check over 30 days, per system (Prometheus retention permitting; the InfluxDB panel below keeps longer history).',
            queries: [
              {
                expr: `avg by (system) (avg_over_time(${m.name('checkUp')}${sel}[30d]))`,
                legend: '{{system}}',
                instant: true,
                expect: 'data',
              },
            ],
          }),
        },
        {
          title: 'Checks down now',
          build: (m) => ({
            viz: 'table',
            w: 8,
            h: 6,
            description: 'Every check whose latest run failed, with its region.',
            queries: [{ expr: `${m.name('checkUp')}${sel} == 0`, instant: true, expect: 'after-failure' }],
          }),
        },
        {
          title: 'Availability over 30 days (InfluxDB)',
          build: () => ({
            viz: 'timeseries',
            w: 24,
            h: 8,
            unit: 'percentunit',
            min: 0,
            max: 1,
            timeFrom: '30d',
            thresholds: falling(THRESHOLDS.availability),
            description: 'Hourly share of successful check runs per system, from the InfluxDB history.',
            queries: [
              {
                flux: flux(INFLUX_MEASUREMENTS.check)
                  .fields('up')
                  .tagVariable('system')
                  .tagVariable('region')
                  .groupBy('system')
                  .window('mean', '1h'),
              },
            ],
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
            viz: 'stat',
            w: 8,
            h: 6,
            decimals: 0,
            thresholds: [
              ['green', null],
              ['red', 1],
            ],
            description: 'Incidents not yet resolved, by criticality level (none: not classified yet), for the selected systems.',
            queries: [
              {
                expr: `sum by (level) (${m.name('incidentsOpen')}${selector(['system'])})`,
                legend: '{{level}}',
                instant: true,
                expect: 'maybe',
              },
            ],
          }),
        },
        {
          title: 'SLA clocks running',
          build: (m) => ({
            viz: 'stat',
            w: 8,
            h: 6,
            decimals: 0,
            thresholds: [
              ['green', null],
              ['yellow', 1],
            ],
            description: 'SLA timers started and not yet stopped, by timer id (docs/rules.md §4).',
            queries: [{ expr: `sum by (timer) (${m.name('slaOpen')})`, legend: '{{timer}}', instant: true, expect: 'maybe' }],
          }),
        },
        {
          title: 'SLA clocks breached',
          build: (m) => ({
            viz: 'stat',
            w: 8,
            h: 6,
            decimals: 0,
            thresholds: [
              ['green', null],
              ['red', 1],
            ],
            description: 'SLA timers that passed their due time within the selected range, by timer id.',
            queries: [
              {
                expr: `sum by (timer) (increase(${m.name('slaBreaches')}[$__range]))`,
                legend: '{{timer}}',
                instant: true,
                expect: 'maybe',
              },
            ],
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
            viz: 'timeseries',
            w: 12,
            h: 7,
            unit: 'short',
            description: 'Results ingested per minute, per system.',
            queries: [
              { expr: `sum by (system) (rate(${m.name('checkRuns')}${sel}[$__rate_interval])) * 60`, legend: '{{system}}', expect: 'data' },
            ],
          }),
        },
        {
          title: 'Storage batch errors',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 7,
            unit: 'short',
            decimals: 0,
            description: 'Storage batches that failed and were retried (results wait in Redis meanwhile).',
            queries: [{ expr: `increase(${m.name('ingestErrors')}[$__rate_interval])`, legend: 'failed batches', expect: 'data' }],
          }),
        },
      ],
    },
    {
      title: 'kuzet itself',
      panels: [
        {
          title: 'Silent now (kuzet.silent)',
          build: (m) => ({
            viz: 'table',
            w: 8,
            h: 7,
            description:
              'Regions, workers and checks kuzet hears nothing from: "kuzet does not know", never downtime of the monitored system.',
            queries: [{ expr: `${m.name('silent')} == 1`, instant: true, expect: 'maybe' }],
          }),
        },
        {
          title: 'Newest result age per region',
          build: (m) => ({
            viz: 'timeseries',
            w: 8,
            h: 7,
            unit: 's',
            thresholds: [
              ['green', null],
              ['red', THRESHOLDS.self.resultAge],
            ],
            showThresholds: true,
            description: 'Seconds since the newest result of each region was ingested.',
            queries: [
              { expr: `max by (region) (${m.name('newestResultAge')}${selector(['region'])})`, legend: '{{region}}', expect: 'data' },
            ],
          }),
        },
        {
          title: 'Worker heartbeat age',
          build: (m) => ({
            viz: 'timeseries',
            w: 8,
            h: 7,
            unit: 's',
            thresholds: [
              ['green', null],
              ['red', THRESHOLDS.self.heartbeatAge],
            ],
            showThresholds: true,
            description: 'Seconds since each worker last reported.',
            queries: [
              {
                expr: `max by (worker, region) (${m.name('heartbeatAge')}${selector(['region'])})`,
                legend: '{{worker}} {{region}}',
                expect: 'data',
              },
            ],
          }),
        },
        {
          title: 'Queue depth',
          build: (m) => ({
            viz: 'timeseries',
            w: 8,
            h: 7,
            unit: 'short',
            decimals: 0,
            description: 'Jobs waiting or delayed, per BullMQ queue and state.',
            queries: [{ expr: `sum by (queue, state) (${m.name('queueDepth')})`, legend: '{{queue}} {{state}}', expect: 'data' }],
          }),
        },
        {
          title: 'Queue lag and failed jobs',
          build: (m) => ({
            viz: 'timeseries',
            w: 8,
            h: 7,
            unit: 's',
            description: 'Age of the oldest waiting job per queue (A); jobs failed per interval (B, a count).',
            queries: [
              { expr: `max by (queue) (${m.name('queueLag')})`, legend: 'lag {{queue}}', expect: 'maybe' },
              {
                expr: `sum by (queue) (increase(${m.name('jobFailures')}[$__rate_interval]))`,
                legend: 'failed {{queue}}',
                expect: 'maybe',
              },
            ],
          }),
        },
        {
          title: 'Outbox backlog',
          build: (m) => ({
            viz: 'stat',
            w: 8,
            h: 7,
            decimals: 0,
            thresholds: [
              ['green', null],
              ['yellow', 1],
              ['red', THRESHOLDS.self.outboxBacklog],
            ],
            description: 'Incident events written and not yet published to the notifications.',
            queries: [{ expr: m.name('outboxBacklog'), instant: true, expect: 'data' }],
          }),
        },
      ],
    },
  ],
};
