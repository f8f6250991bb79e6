/**
 * The metric catalogue: every metric kuzet exports, by name, help and labels. Dashboards and alert
 * rules read it; nobody types a metric name by hand elsewhere. Lives in core so every part (collector,
 * incidents, notices) can register its series on the shared prom-client registry from here.
 */
export const METRIC_CATALOGUE = {
  checkUp: {
    name: 'kuzet_check_up',
    help: '1 when the latest run of the check succeeded, else 0',
    labels: ['system', 'target', 'check', 'region'],
  },
  checkDuration: { name: 'kuzet_check_duration_seconds', help: 'Duration of check runs', labels: ['system', 'target', 'check', 'region'] },
  checkFailures: {
    name: 'kuzet_check_failures_total',
    help: 'Failed check runs by error kind',
    labels: ['system', 'target', 'check', 'error_kind'],
  },
  checkRuns: { name: 'kuzet_check_runs_total', help: 'Check runs ingested', labels: ['system', 'target', 'check', 'region'] },
  ingestBatch: { name: 'kuzet_ingest_batch_size', help: 'Results written per storage batch', labels: [] },
  ingestErrors: { name: 'kuzet_ingest_errors_total', help: 'Storage batches that failed and were retried', labels: [] },
  // Browser journeys (check type `browser`): `journey` is `<target>/<check>`, unique within a system.
  journeyUp: {
    name: 'kuzet_journey_up',
    help: '1 when the latest run of the browser journey succeeded, else 0',
    labels: ['system', 'journey', 'region'],
  },
  journeyDuration: {
    name: 'kuzet_journey_duration_seconds',
    help: 'Total duration of browser journey runs',
    labels: ['system', 'journey', 'region'],
  },
  journeyStepDuration: {
    name: 'kuzet_journey_step_duration_seconds',
    help: 'Duration of each step of browser journeys',
    labels: ['system', 'journey', 'region', 'step'],
  },
  webVital: {
    name: 'kuzet_web_vital',
    help: 'Web Vitals of the last page of the latest journey run: lcp and ttfb in seconds, cls unitless',
    labels: ['system', 'journey', 'region', 'name'],
  },
  // Time (docs/rules.md §7, §8), from the observations of the `ntp`, `http-date` and `freshness` check kinds.
  ntpOffset: { name: 'kuzet_ntp_offset_seconds', help: "NTP server clock minus kuzet's host clock (SNTP)", labels: ['server'] },
  ntpDelay: { name: 'kuzet_ntp_delay_seconds', help: 'Round-trip delay of the latest SNTP exchange', labels: ['server'] },
  clockOffset: {
    name: 'kuzet_clock_offset_seconds',
    help: "A target's clock (HTTP Date) minus kuzet's corrected clock",
    labels: ['system', 'target'],
  },
  freshnessAge: {
    name: 'kuzet_freshness_age_seconds',
    help: 'Age of the newest timestamp a freshness check read from an API',
    labels: ['system', 'target'],
  },
  // Incidents and SLA clocks (docs/rules.md §4–§5): incidents/events/sla-ticker.ts and notices/incident-notices.ts.
  slaBreaches: { name: 'kuzet_sla_breaches_total', help: 'SLA clocks that passed their due time unmet', labels: ['timer'] },
  slaOpen: { name: 'kuzet_sla_open', help: 'SLA clocks running (not met, not breached) now', labels: ['timer'] },
  incidentsOpen: {
    name: 'kuzet_incidents_open',
    help: 'Incidents not yet resolved, by system, level (unclassified: none) and state',
    labels: ['system', 'level', 'state'],
  },
  // Notices and notifications (docs/rules.md §6).
  noticeDeliveries: {
    name: 'kuzet_notice_deliveries_total',
    help: 'Notification deliveries finished, by channel and outcome (sent, dead)',
    labels: ['channel', 'outcome'],
  },
  noticeDeadlines: {
    name: 'kuzet_notice_deadlines_total',
    help: "Notices' own SLA clocks (SLA-P-*-HOME, …) by outcome (met, breached)",
    labels: ['outcome'],
  },
  noticeDeadLetters: {
    name: 'kuzet_notice_dead_letters',
    help: 'Notification deliveries that gave up and wait for an operator',
    labels: ['channel'],
  },
  // ETPs (docs/rules.md §7).
  etpFailureStreak: {
    name: 'kuzet_etp_failure_streak',
    help: "Current run of consecutive failure days of the ETP's orders service (a count of days, not a duration)",
    labels: ['etp'],
  },
  etpConnected: {
    name: 'kuzet_etp_connection_state',
    help: '1 for the connection state the ETP is in (test, productive, disconnected), else 0',
    labels: ['etp', 'state'],
  },
  // The working calendar (docs/rules.md §2, incidents/rules/holidays): past its last date deadlines and SLA clocks fail.
  calendarDaysLeft: {
    name: 'kuzet_calendar_left_seconds',
    help: 'Time from the start of today (Astana) to the end of the last date the working calendar covers minus one day, in seconds (whole days × 86400); negative once past it',
    labels: [],
  },
  calendarProvisionalDays: {
    name: 'kuzet_calendar_provisional_seconds',
    help: 'Time, in seconds (whole days × 86400), from today (Astana) to the end of the working calendar that lie in provisional years (derived from the rules, no official calendar yet)',
    labels: [],
  },
  // kuzet itself (issue #11): queues, outbox, silence.
  queueDepth: { name: 'kuzet_queue_depth', help: 'Jobs waiting or delayed in a BullMQ queue', labels: ['queue', 'state'] },
  queueLag: { name: 'kuzet_queue_lag_seconds', help: 'Age of the oldest waiting job of a queue', labels: ['queue'] },
  jobFailures: { name: 'kuzet_job_failures_total', help: 'BullMQ jobs that failed', labels: ['queue'] },
  outboxBacklog: { name: 'kuzet_outbox_backlog', help: 'Incident events written but not yet published', labels: [] },
  newestResultAge: { name: 'kuzet_newest_result_age_seconds', help: 'Age of the newest ingested result per region', labels: ['region'] },
  heartbeatAge: {
    name: 'kuzet_worker_heartbeat_age_seconds',
    help: 'Seconds since the last heartbeat of a worker',
    labels: ['worker', 'region'],
  },
  silent: {
    name: 'kuzet_silent',
    help: '1 while a region, worker or check is silent (kuzet.silent alert raised), or checks kuzet cannot run (scope probe, kuzet.probe-error)',
    labels: ['scope', 'id'],
  },
} as const;
