/**
 * Metrics the dashboards and alert rules want but that may not be in {@link METRIC_CATALOGUE} yet.
 * Each is named by the catalogue key it is expected under and the labels the panels group by — never
 * by a hand-typed metric name. A panel or rule that needs one is left out of the generated output and
 * reported by `npm run dashboards` until the metric lands; then it appears by itself. If a metric lands
 * under another key, change the key here (one line).
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
  incidentsOpen: { labels: ['level'], type: 'gauge', what: 'open incidents by criticality level', owner: 'incidents' },
  slaOpen: { labels: ['timer'], type: 'gauge', what: 'SLA clocks running now, by timer id (REGULATIONS §4)', owner: 'incidents', note: 'exported as SLA_METRICS.open in incidents/events/sla-ticker.ts; add it to METRIC_CATALOGUE' },
  slaBreaches: { labels: ['timer'], type: 'counter', what: 'SLA clocks that passed their due time, by timer id', owner: 'incidents', note: 'exported as SLA_METRICS.breaches in incidents/events/sla-ticker.ts; add it to METRIC_CATALOGUE' },
  ntpOffset: { labels: ['server'], type: 'gauge', what: "kuzet's clock offset to an NTP server, seconds (§8)", owner: 'collector' },
  ntpDelay: { labels: ['server'], type: 'gauge', what: 'round-trip delay of the last SNTP exchange, seconds', owner: 'collector' },
  clockOffset: { labels: ['system', 'target'], type: 'gauge', what: "an ETP's clock offset seen from outside (HTTP Date), seconds", owner: 'collector' },
  etpFailureStreak: { labels: ['etp'], type: 'gauge', what: 'consecutive failure days of an ETP (§7)', owner: 'incidents' },
  freshnessAge: { labels: ['system', 'target'], type: 'gauge', what: 'age of the newest data an ETP transferred (prices, catalogue), seconds', owner: 'collector' },
  noticeDeadlines: { labels: ['outcome'], type: 'counter', what: 'notice deadlines by outcome (met, breached) (§6)', owner: 'notices' },
  noticeDeliveries: { labels: ['channel', 'outcome'], type: 'counter', what: 'notification deliveries by channel and outcome', owner: 'notices' },
  noticeDeadLetters: { labels: ['channel'], type: 'counter', what: 'notifications given up on after every retry (dead letters), by channel', owner: 'notices' },
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
  const lines = items.map((p) => `  ${p.kind} ${p.name}: needs METRIC_CATALOGUE.${p.key} (${p.what}) — ${p.reason}${p.note ? ` (${p.note})` : ''}`);
  return [`pending: ${items.length} panels/rules wait for metrics not in the catalogue yet`, ...lines].join('\n');
}
