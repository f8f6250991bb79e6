/** ETPs: reachability of each ETP service, failure streaks (§7), data freshness, clock offsets (§8). */
import { INFLUX_MEASUREMENTS } from '../catalogue.ts';
import { flux } from '../flux.ts';
import { selector, type BoardSpec } from '../panels.ts';
import { THRESHOLDS, rising, symmetric } from '../thresholds.ts';

const sel = selector(['system', 'target', 'region']);
const sysTarget = selector(['system', 'target']);

export const etpsBoard: BoardSpec = {
  uid: 'kuzet-etps',
  title: 'kuzet / ETPs',
  description: 'ETP connection state, failure streaks, freshness ages and clock offsets.',
  tags: ['etp'],
  variables: ['system', 'target', 'region'],
  sections: [
    {
      title: 'Connection state',
      panels: [
        {
          title: 'Services reachable now',
          build: (m) => ({
            viz: 'stat',
            w: 12,
            h: 6,
            mappings: { '0': { text: 'unreachable', color: 'red' }, '1': { text: 'connected', color: 'green' } },
            description: 'Each ETP service (orders, prices, catalogue): connected when its checks pass in at least one region.',
            queries: [
              {
                expr: `max by (system, target) (${m.name('checkUp')}${sel})`,
                legend: '{{system}} {{target}}',
                instant: true,
                expect: 'data',
              },
            ],
          }),
        },
        {
          title: 'Connection state over time',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 6,
            min: 0,
            max: 1,
            decimals: 0,
            description: '1 connected, 0 unreachable, per ETP service.',
            queries: [{ expr: `max by (system, target) (${m.name('checkUp')}${sel})`, legend: '{{system}} {{target}}', expect: 'data' }],
          }),
        },
        {
          title: 'Connection state (ETP registry)',
          build: (m) => ({
            viz: 'table',
            w: 24,
            h: 5,
            description: 'The state each ETP is in by the registry: test, productive or disconnected (docs/rules.md §7).',
            queries: [{ expr: `${m.name('etpConnected')} == 1`, instant: true, expect: 'data' }],
          }),
        },
      ],
    },
    {
      title: 'Failure streaks (docs/rules.md §7)',
      panels: [
        {
          title: 'Failure streak (days)',
          build: (m) => ({
            viz: 'stat',
            w: 8,
            h: 6,
            unit: 'd',
            decimals: 0,
            thresholds: rising(THRESHOLDS.etpStreak),
            description: `Consecutive failure days of order acceptance: owner warned from ${THRESHOLDS.etpStreak.warn}, threshold reached at ${THRESHOLDS.etpStreak.bad}.`,
            queries: [{ expr: `max by (etp) (${m.name('etpFailureStreak')})`, legend: '{{etp}}', instant: true, expect: 'maybe' }],
          }),
        },
        {
          title: 'Failure streak over time',
          build: (m) => ({
            viz: 'timeseries',
            w: 16,
            h: 6,
            unit: 'd',
            decimals: 0,
            thresholds: rising(THRESHOLDS.etpStreak),
            showThresholds: true,
            description: 'The streak of each ETP, with the warning and threshold lines.',
            queries: [{ expr: `max by (etp) (${m.name('etpFailureStreak')})`, legend: '{{etp}}', expect: 'maybe' }],
          }),
        },
        {
          title: 'Failure streak history (InfluxDB)',
          build: () => ({
            viz: 'timeseries',
            w: 24,
            h: 6,
            unit: 'd',
            decimals: 0,
            thresholds: rising(THRESHOLDS.etpStreak),
            showThresholds: true,
            description: 'The longest streak of each ETP per interval, from the InfluxDB history (kept beyond Prometheus retention).',
            queries: [{ flux: flux(INFLUX_MEASUREMENTS.etp).fields('streak_days').groupBy('etp').window('max') }],
          }),
        },
      ],
    },
    {
      title: 'Freshness and clocks',
      panels: [
        {
          title: 'Data freshness age',
          build: (m) => ({
            viz: 'bargauge',
            w: 12,
            h: 8,
            unit: 's',
            description:
              'Age of the newest data each ETP transferred: prices at least weekly (000 §35), catalogue lists every 3 h, catalogue updates every 24 h.',
            queries: [
              {
                expr: `max by (system, target) (${m.name('freshnessAge')}${sysTarget})`,
                legend: '{{system}} {{target}}',
                instant: true,
                expect: 'maybe',
              },
            ],
          }),
        },
        {
          title: 'ETP clock offset',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 's',
            thresholds: symmetric(THRESHOLDS.clockOffset),
            showThresholds: true,
            description: "Each ETP's clock against kuzet's NTP-corrected clock (HTTP Date header, §8).",
            queries: [{ expr: `${m.name('clockOffset')}${sysTarget}`, legend: '{{system}} {{target}}', expect: 'maybe' }],
          }),
        },
      ],
    },
  ],
};
