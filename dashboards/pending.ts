/**
 * Metrics the dashboards and alert rules read beyond the check metrics, by the catalogue key, the
 * labels the panels group by and the type the queries assume (a counter is read with increase(), a
 * gauge as it is). The catalogue (core/metric-catalogue.ts) is the truth: build.test.ts checks that
 * each entry here matches it (labels declared, `_total` exactly for counters). A panel or rule whose
 * key is missing from the catalogue, or lacks a label, is left out of the output and reported by
 * `npm run dashboards`; then it appears by itself once the entry lands.
 */

export interface WantedMetric {
  /** The labels the panels and rules use; the catalogue entry must declare all of them. */
  labels: readonly string[];
  type: 'gauge' | 'counter' | 'histogram';
  /** What it measures, for the person who adds it. */
  what: string;
  /** The folder expected to export it. */
  owner: 'incidents' | 'notices' | 'collector' | 'probes';
  /** Where the metric lives today, if outside the catalogue. */
  note?: string;
}

export const WANTED_METRICS = {
  // Incidents and SLA clocks (docs/rules.md §3–§4).
  incidentsOpen: {
    labels: ['system', 'level', 'state'],
    type: 'gauge',
    what: 'incidents not yet resolved, by system, level (unclassified: none) and state',
    owner: 'incidents',
  },
  slaOpen: { labels: ['timer'], type: 'gauge', what: 'SLA clocks running now, by timer id (docs/rules.md §4)', owner: 'incidents' },
  slaBreaches: { labels: ['timer'], type: 'counter', what: 'SLA clocks that passed their due time unmet, by timer id', owner: 'incidents' },
  // Time (§8) and ETPs (§7).
  ntpOffset: {
    labels: ['server'],
    type: 'gauge',
    what: "an NTP server's clock minus kuzet's host clock, seconds (§8)",
    owner: 'collector',
  },
  ntpDelay: { labels: ['server'], type: 'gauge', what: 'round-trip delay of the last SNTP exchange, seconds', owner: 'collector' },
  clockOffset: {
    labels: ['system', 'target'],
    type: 'gauge',
    what: "a target's clock (HTTP Date) minus kuzet's corrected clock, seconds",
    owner: 'collector',
  },
  freshnessAge: {
    labels: ['system', 'target'],
    type: 'gauge',
    what: 'age of the newest data an ETP transferred (prices, catalogue), seconds',
    owner: 'collector',
  },
  etpFailureStreak: {
    labels: ['etp'],
    type: 'gauge',
    what: "current run of consecutive failure days of an ETP's orders service (§7)",
    owner: 'incidents',
  },
  etpConnected: {
    labels: ['etp', 'state'],
    type: 'gauge',
    what: '1 for the connection state an ETP is in (test, productive, disconnected), else 0',
    owner: 'incidents',
  },
  // The working calendar (§2).
  calendarDaysLeft: {
    labels: [],
    type: 'gauge',
    what: 'time from today (Astana) to the last date the working calendar covers, seconds (whole days)',
    owner: 'collector',
  },
  // Notices (§6).
  noticeDeadlines: {
    labels: ['outcome'],
    type: 'counter',
    what: "notices' own SLA clocks by outcome (met, breached) (§6)",
    owner: 'notices',
  },
  noticeDeliveries: {
    labels: ['channel', 'outcome'],
    type: 'counter',
    what: 'notification deliveries finished, by channel and outcome (sent, dead)',
    owner: 'notices',
  },
  noticeDeadLetters: {
    labels: ['channel'],
    type: 'gauge',
    what: 'notification deliveries dead now (given up, waiting for an operator), by channel',
    owner: 'notices',
  },
  // kuzet itself (self-monitoring).
  queueDepth: { labels: ['queue', 'state'], type: 'gauge', what: 'jobs waiting or delayed in a BullMQ queue', owner: 'collector' },
  queueLag: { labels: ['queue'], type: 'gauge', what: 'age of the oldest waiting job of a queue, seconds', owner: 'collector' },
  jobFailures: { labels: ['queue'], type: 'counter', what: 'BullMQ jobs that failed, by queue', owner: 'collector' },
  outboxBacklog: { labels: [], type: 'gauge', what: 'incident events written but not yet published', owner: 'incidents' },
  newestResultAge: { labels: ['region'], type: 'gauge', what: 'age of the newest ingested result per region, seconds', owner: 'collector' },
  heartbeatAge: { labels: ['worker', 'region'], type: 'gauge', what: 'seconds since the last heartbeat of a worker', owner: 'collector' },
  silent: {
    labels: ['scope', 'id'],
    type: 'gauge',
    what: '1 while a region, worker or check is silent (the kuzet.silent alert)',
    owner: 'collector',
  },
} as const satisfies Record<string, WantedMetric>;

export type WantedKey = keyof typeof WANTED_METRICS;

/** One panel or rule left out of the output, and why. */
export interface PendingItem {
  kind: 'panel' | 'rule';
  /** `<dashboard> / <panel title>` or the alert name. */
  name: string;
  /** The catalogue key it needs. */
  key: string;
  /** Missing entry, or the labels the entry lacks. */
  reason: string;
  what: string;
  note?: string;
}

/** The report `npm run dashboards` prints. */
export function formatPending(items: readonly PendingItem[]): string {
  if (items.length === 0) return 'pending: none — every panel and rule is generated';
  const lines = items.map(
    (p) => `  ${p.kind} ${p.name}: needs METRIC_CATALOGUE.${p.key} (${p.what}) — ${p.reason}${p.note ? ` (${p.note})` : ''}`,
  );
  return [`pending: ${items.length} panels/rules wait for metrics not in the catalogue yet`, ...lines].join('\n');
}
