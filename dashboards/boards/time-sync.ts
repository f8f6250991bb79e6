/** Time sync (docs/rules.md §8): kuzet's NTP offset and delay over time, and the ETPs' clock offsets. */
import { INFLUX_MEASUREMENTS } from '../catalogue.ts';
import { flux } from '../flux.ts';
import { selector, type BoardSpec } from '../panels.ts';
import { THRESHOLDS, rising, symmetric } from '../thresholds.ts';

export const timeSyncBoard: BoardSpec = {
  uid: 'kuzet-time-sync',
  title: 'kuzet / Time sync',
  description: 'NTP offset and delay over time with thresholds; ETP clock offsets.',
  tags: ['ntp', 'time'],
  variables: ['system', 'target', 'region'],
  sections: [
    {
      title: 'NTP (ntp.nic.kz)',
      panels: [
        {
          title: 'NTP offset',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 's',
            thresholds: symmetric(THRESHOLDS.clockOffset),
            showThresholds: true,
            description: `kuzet's clock offset to each NTP server (SNTP, RFC 4330). Warning beyond ±${THRESHOLDS.clockOffset.warn} s, failure beyond ±${THRESHOLDS.clockOffset.bad} s.`,
            queries: [{ expr: m.name('ntpOffset'), legend: '{{server}}', expect: 'maybe' }],
          }),
        },
        {
          title: 'NTP round-trip delay',
          build: (m) => ({
            viz: 'timeseries',
            w: 12,
            h: 8,
            unit: 's',
            thresholds: rising(THRESHOLDS.ntpDelay),
            showThresholds: true,
            description: 'Round-trip delay of the SNTP exchange; the offset is uncertain by up to half of it.',
            queries: [{ expr: m.name('ntpDelay'), legend: '{{server}}', expect: 'maybe' }],
          }),
        },
        {
          title: 'NTP offset and delay history (InfluxDB)',
          build: () => ({
            viz: 'timeseries',
            w: 24,
            h: 8,
            unit: 'ms',
            thresholds: symmetric({ warn: THRESHOLDS.clockOffset.warn * 1000, bad: THRESHOLDS.clockOffset.bad * 1000 }),
            showThresholds: true,
            description: 'Offset and delay of every ntp check run, from the InfluxDB history.',
            queries: [
              {
                flux: flux(INFLUX_MEASUREMENTS.ntp)
                  .fields('offset_ms', 'delay_ms')
                  .tagVariable('region')
                  .groupBy('server', '_field')
                  .window('mean'),
              },
            ],
          }),
        },
      ],
    },
    {
      title: 'ETP clocks',
      panels: [
        {
          title: 'ETP clock offsets',
          build: (m) => ({
            viz: 'timeseries',
            w: 24,
            h: 8,
            unit: 's',
            thresholds: symmetric(THRESHOLDS.clockOffset),
            showThresholds: true,
            description: 'Each ETP clock against the corrected clock; price offers are timestamped to the second (000 App.3 §4.10).',
            queries: [
              { expr: `${m.name('clockOffset')}${selector(['system', 'target'])}`, legend: '{{system}} {{target}}', expect: 'maybe' },
            ],
          }),
        },
      ],
    },
  ],
};
