/**
 * Prometheus alert rules as code. Each rule reads catalogue names; one whose metric is not exported
 * yet is reported as pending. Severity `critical` pages (Slack, repeated hourly); `warning` posts once.
 */
import { stringify } from 'yaml';
import { MetricNames, MissingMetric, SCRAPE_UP } from './catalogue.ts';
import type { Expect } from './panels.ts';
import { WANTED_METRICS, type PendingItem, type WantedKey } from './pending.ts';
import { THRESHOLDS } from './thresholds.ts';

/** The job name Prometheus scrapes kuzet under (deploy/prometheus.yml and the tests use it). */
export const KUZET_SCRAPE_JOB = 'kuzet';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'critical' | 'warning' };
  annotations: { summary: string; description: string; dashboard?: string };
}
export interface RuleSpec {
  group: string;
  alert: string;
  /** What the bare expression returns on a freshly started demo with one failing target. */
  expect: Expect;
  build(m: MetricNames): Omit<AlertRule, 'alert'>;
}

export const RULES: RuleSpec[] = [
  {
    group: 'kuzet-availability',
    alert: 'KuzetTargetDown',
    expect: 'after-failure',
    build: (m) => ({
      expr: `max by (system, target) (${m.name('checkUp')}) == 0`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: {
        summary: '{{ $labels.system }}/{{ $labels.target }} is down in every region',
        description:
          'Every check of {{ $labels.system }}/{{ $labels.target }} has failed for 2 minutes. The failure rules may now require an incident (docs/rules.md §3).',
        dashboard: 'kuzet-checks',
      },
    }),
  },
  {
    group: 'kuzet-availability',
    alert: 'KuzetSystemDown',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (system) (${m.name('checkUp')}) == 0`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: '{{ $labels.system }} is down: no check of it passes',
        description: 'Every target of {{ $labels.system }} has failed in every region for a minute.',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-availability',
    alert: 'KuzetJourneyFailing',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (system, journey) (${m.name('journeyUp')}) == 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Browser journey {{ $labels.system }}/{{ $labels.journey }} is failing',
        description: 'The journey has failed in every region for 5 minutes; its failing step and screenshot are in the run.',
        dashboard: 'kuzet-journeys',
      },
    }),
  },
  {
    group: 'kuzet-sla',
    alert: 'KuzetSlaBreached',
    expect: 'maybe',
    build: (m) => ({
      expr: `sum by (timer) (increase(${m.name('slaBreaches')}[10m])) > 0`,
      for: '0m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'SLA timer {{ $labels.timer }} breached',
        description: 'An SLA clock passed its due time (docs/rules.md §4, timer {{ $labels.timer }}).',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-time',
    alert: 'KuzetNtpOffsetHigh',
    expect: 'maybe',
    build: (m) => ({
      expr: `abs(${m.name('ntpOffset')}) > ${THRESHOLDS.clockOffset.bad}`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: "kuzet's clock is off by {{ $value | humanizeDuration }} against {{ $labels.server }}",
        description: `|offset| above ${THRESHOLDS.clockOffset.bad} s for 5 minutes: timestamps of evidence and price offers are kept to the second (docs/rules.md §8).`,
        dashboard: 'kuzet-time-sync',
      },
    }),
  },
  {
    group: 'kuzet-etp',
    alert: 'KuzetEtpFailureStreak',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (etp) (${m.name('etpFailureStreak')}) >= ${THRESHOLDS.etpStreak.warn}`,
      for: '0m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'ETP {{ $labels.etp }} has failed {{ $value }} days in a row',
        description: `Warn the ETP owner and the operator from streak ${THRESHOLDS.etpStreak.warn}; at ${THRESHOLDS.etpStreak.bad} the threshold is reached and a decision is due in 5 working days (docs/rules.md §7).`,
        dashboard: 'kuzet-etps',
      },
    }),
  },
  {
    group: 'kuzet-etp',
    alert: 'KuzetEtpStreakThreshold',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (etp) (${m.name('etpFailureStreak')}) >= ${THRESHOLDS.etpStreak.bad}`,
      for: '0m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'ETP {{ $labels.etp }} reached the failure threshold ({{ $value }} days)',
        description: 'The decision on the ETP is due within 5 working days (docs/rules.md §7).',
        dashboard: 'kuzet-etps',
      },
    }),
  },
  {
    group: 'kuzet-etp',
    alert: 'KuzetEtpDisconnected',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (etp) (${m.name('etpConnected', ['etp', 'state'])}{state="disconnected"}) == 1`,
      for: '0m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'ETP {{ $labels.etp }} is disconnected from the e-shop',
        description: 'The ETP registry records the ETP as disconnected (docs/rules.md §7); its orders no longer reach it.',
        dashboard: 'kuzet-etps',
      },
    }),
  },
  {
    group: 'kuzet-calendar',
    alert: 'KuzetWorkingCalendarEnding',
    expect: 'maybe',
    build: (m) => ({
      expr: `min(${m.name('calendarDaysLeft')}) < ${THRESHOLDS.calendarDaysLeft * 86_400}`,
      for: '0m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The working calendar ends in {{ $value | humanizeDuration }}',
        description:
          'Past its last date, ETP decision deadlines (+5 working days), SLA clocks in working time and deadline extensions fail as "outside the working calendar" (docs/rules.md §2). Add the next year: incidents/rules/holidays/<year>.ts, listed in HOLIDAY_YEARS (README, "Working calendar").',
      },
    }),
  },
  {
    group: 'kuzet-notices',
    alert: 'KuzetNotificationDeadLetters',
    expect: 'maybe',
    build: (m) => ({
      expr: `sum by (channel) (${m.name('noticeDeadLetters')}) > 0`,
      for: '0m',
      labels: { severity: 'critical' },
      annotations: {
        summary: '{{ $value }} notifications to {{ $labels.channel }} are dead-lettered',
        description:
          'Deliveries were given up on after every retry and wait for an operator (GET /api/v1/deliveries); a regulated notice may miss its deadline (docs/rules.md §6).',
        dashboard: 'kuzet-notices',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetScrapeDown',
    expect: 'maybe',
    build: () => ({
      expr: `${SCRAPE_UP}{job="${KUZET_SCRAPE_JOB}"} == 0`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Prometheus cannot scrape kuzet at {{ $labels.instance }}',
        description: 'kuzet is down or unreachable: no check results, no alerts from them.',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetSilent',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (scope, id) (${m.name('silent')}{scope!="probe"}) == 1`,
      for: '0m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'kuzet.silent: {{ $labels.scope }} {{ $labels.id }} sends nothing',
        description:
          'kuzet itself raised kuzet.silent: no heartbeat or no result where one was due. This is "kuzet does not know", never downtime of the monitored system.',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetProbeError',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (id) (${m.name('silent')}{scope="probe"}) == 1`,
      for: '0m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'kuzet.probe-error: kuzet cannot run the checks of {{ $labels.id }}',
        description:
          'A check kuzet could not run (browser missing or crashed, a probe error) is unknown, not down: no incident, no downtime. Fix kuzet (the reason is in the alert and on the check: kuzet doctor).',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetNoFreshResults',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (region) (${m.name('newestResultAge')}) > ${THRESHOLDS.self.resultAge}`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'No result ingested from region {{ $labels.region }} for {{ $value | humanizeDuration }}',
        description: 'Workers of the region are down, or ingestion is stuck: nothing is being checked there.',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetWorkerHeartbeatStale',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (worker, region) (${m.name('heartbeatAge')}) > ${THRESHOLDS.self.heartbeatAge}`,
      for: '1m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Worker {{ $labels.worker }} ({{ $labels.region }}) has not sent a heartbeat for {{ $value | humanizeDuration }}',
        description: 'The worker process is gone or hung; its region runs on the remaining workers.',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetQueueLagging',
    expect: 'maybe',
    build: (m) => ({
      expr: `max by (queue) (${m.name('queueLag')}) > ${THRESHOLDS.self.queueLag}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Queue {{ $labels.queue }}: the oldest job has waited {{ $value | humanizeDuration }}',
        description: 'Jobs are added faster than workers take them (or no worker listens): checks, notices or events run late.',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetJobsFailing',
    expect: 'maybe',
    build: (m) => ({
      expr: `sum by (queue) (increase(${m.name('jobFailures')}[15m])) > 0`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Jobs of queue {{ $labels.queue }} keep failing',
        description: 'BullMQ jobs have failed for 15 minutes; see the log of the process running the queue.',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetOutboxBacklog',
    expect: 'maybe',
    build: (m) => ({
      expr: `${m.name('outboxBacklog')} > ${THRESHOLDS.self.outboxBacklog}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $value }} incident events are not published',
        description: 'The outbox publisher is behind or Redis is away: notices and notifications of incidents wait.',
        dashboard: 'kuzet-overview',
      },
    }),
  },
  {
    group: 'kuzet-self',
    alert: 'KuzetStorageErrors',
    expect: 'maybe',
    build: (m) => ({
      expr: `increase(${m.name('ingestErrors')}[10m]) > 0`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'kuzet cannot write results to its database',
        description: 'Storage batches keep failing; results wait in the Redis stream until the database answers.',
      },
    }),
  },
];

export interface RenderedRules {
  rules: (AlertRule & { group: string; expect: Expect })[];
  pending: PendingItem[];
  /** The Prometheus rule file. */
  yaml: string;
}

export function renderRules(m: MetricNames = new MetricNames(), opts: { grafanaUrl?: string } = {}): RenderedRules {
  const out: RenderedRules = { rules: [], pending: [], yaml: '' };
  for (const spec of RULES) {
    try {
      const r = spec.build(m);
      const dashboard =
        r.annotations.dashboard && opts.grafanaUrl
          ? `${opts.grafanaUrl.replace(/\/$/, '')}/d/${r.annotations.dashboard}`
          : r.annotations.dashboard;
      out.rules.push({
        group: spec.group,
        expect: spec.expect,
        alert: spec.alert,
        ...r,
        annotations: { ...r.annotations, ...(dashboard ? { dashboard } : {}) },
      });
    } catch (e) {
      if (!(e instanceof MissingMetric)) throw e;
      const wanted = WANTED_METRICS[e.key as WantedKey] as { what: string; note?: string } | undefined;
      out.pending.push({
        kind: 'rule',
        name: spec.alert,
        key: e.key,
        reason: e.reason,
        what: wanted?.what ?? 'a metric the catalogue lacks',
        ...(wanted?.note ? { note: wanted.note } : {}),
      });
    }
  }
  const groups = [...new Set(out.rules.map((r) => r.group))].map((name) => ({
    name,
    rules: out.rules
      .filter((r) => r.group === name)
      .map(({ alert, expr, for: f, labels, annotations }) => ({ alert, expr, for: f, labels, annotations })),
  }));
  out.yaml = `# Generated by \`npm run dashboards\` from dashboards/rules.ts — do not edit.\n${stringify({ groups }, { lineWidth: 0 })}`;
  return out;
}
