/** Notices (docs/rules.md §6): notice deadlines met and breached, deliveries and dead letters by channel. */
import type { BoardSpec } from '../panels.ts';

export const noticesBoard: BoardSpec = {
  uid: 'kuzet-notices',
  title: 'kuzet / Notices',
  description: 'Notice deadlines met and breached; deliveries by channel.',
  tags: ['notices'],
  variables: [],
  sections: [
    {
      title: 'Deadlines',
      panels: [
        {
          title: 'Notice deadlines met and breached',
          build: (m) => ({
            viz: 'stat',
            w: 12,
            h: 6,
            decimals: 0,
            description: 'Notices due within the selected range, by outcome (met, breached): lead times of §6.',
            queries: [
              {
                expr: `sum by (outcome) (increase(${m.name('noticeDeadlines')}[$__range]))`,
                legend: '{{outcome}}',
                instant: true,
                expect: 'maybe',
              },
            ],
          }),
        },
        {
          title: 'Dead letters by channel',
          build: (m) => ({
            viz: 'stat',
            w: 12,
            h: 6,
            decimals: 0,
            thresholds: [
              ['green', null],
              ['red', 1],
            ],
            description: 'Deliveries dead now: given up on after every retry, waiting for an operator.',
            queries: [{ expr: `sum by (channel) (${m.name('noticeDeadLetters')})`, legend: '{{channel}}', instant: true, expect: 'maybe' }],
          }),
        },
      ],
    },
    {
      title: 'Deliveries',
      panels: [
        {
          title: 'Deliveries by channel',
          build: (m) => ({
            viz: 'timeseries',
            w: 24,
            h: 8,
            unit: 'short',
            stack: true,
            description: 'Notification deliveries per interval, by channel and outcome.',
            queries: [
              {
                expr: `sum by (channel, outcome) (increase(${m.name('noticeDeliveries')}[$__rate_interval]))`,
                legend: '{{channel}} {{outcome}}',
                expect: 'maybe',
              },
            ],
          }),
        },
      ],
    },
  ],
};
