/**
 * Issue #9's list of what each dashboard shows, checked against the generated JSON: for every item,
 * a panel whose title says it and whose query reads the metric (or InfluxDB measurement) that carries
 * it. The structural tests (build.test.ts) would pass with any panels; this one fails when a board
 * loses one of the things on-call engineers were promised.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INFLUX_JOURNEY_MEASUREMENTS, INFLUX_MEASUREMENT, INFLUX_TIME_MEASUREMENTS } from '../collector/influx.sink.ts';
import { buildAll } from './build.ts';
import { KUZET_CATALOGUE as C } from './catalogue.ts';

type Panel = {
  type: string;
  title?: string;
  panels?: Panel[];
  datasource?: { type?: string };
  targets?: { expr?: string; query?: string }[];
  fieldConfig?: { defaults?: { thresholds?: { steps?: { value: number | null }[] } } };
};
type Board = { title: string; panels: Panel[]; templating: { list: { name: string }[] } };

const built = buildAll();
const board = (uid: string) => JSON.parse(built.files.get(`${uid}.json`)!) as Board;
const panelsOf = (b: Board): Panel[] => b.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const queries = (p: Panel) => (p.targets ?? []).map((t) => t.expr ?? t.query ?? '').join('\n');
const name = (k: string) => {
  const m = C[k];
  assert.ok(m, `catalogue entry ${k}`);
  return m.name;
};

/** [board uid, what the issue names, title pattern, text the query must contain, data source type]. */
const WANTED: [string, string, RegExp, () => string, 'prometheus' | 'influxdb'][] = [
  ['kuzet-overview', 'availability per system now', /^Availability now$/, () => name('checkUp'), 'prometheus'],
  ['kuzet-overview', 'availability over 30 days', /30 days/, () => '[30d]', 'prometheus'],
  ['kuzet-overview', 'availability history', /Availability over 30 days \(InfluxDB\)/, () => INFLUX_MEASUREMENT.name, 'influxdb'],
  ['kuzet-overview', 'open incidents by level', /Open incidents by level/, () => name('incidentsOpen'), 'prometheus'],
  ['kuzet-overview', 'SLA clocks running', /SLA clocks running/, () => name('slaOpen'), 'prometheus'],
  ['kuzet-overview', 'SLA clocks breached', /SLA clocks breached/, () => name('slaBreaches'), 'prometheus'],
  [
    'kuzet-checks',
    'latency percentiles per target and region',
    /p50 \/ p95 \/ p99 per target and region/,
    () => 'by (le, system, target, region)',
    'prometheus',
  ],
  ['kuzet-checks', 'failures by error kind', /^Failures by error kind$/, () => 'by (error_kind)', 'prometheus'],
  ['kuzet-journeys', 'step timings', /Step timings/, () => name('journeyStepDuration'), 'prometheus'],
  ['kuzet-journeys', 'Web Vitals', /Largest Contentful Paint/, () => name('webVital'), 'prometheus'],
  ['kuzet-journeys', 'failing steps', /Failing steps/, () => INFLUX_JOURNEY_MEASUREMENTS.step.name, 'influxdb'],
  ['kuzet-etps', 'failure streaks', /Failure streak/, () => name('etpFailureStreak'), 'prometheus'],
  ['kuzet-etps', 'freshness ages', /freshness age/i, () => name('freshnessAge'), 'prometheus'],
  ['kuzet-etps', 'clock offsets', /clock offset/i, () => name('clockOffset'), 'prometheus'],
  ['kuzet-etps', 'connection state', /Connection state \(ETP registry\)/, () => name('etpConnected'), 'prometheus'],
  ['kuzet-time-sync', 'NTP offset over time', /^NTP offset$/, () => name('ntpOffset'), 'prometheus'],
  ['kuzet-time-sync', 'NTP delay over time', /NTP round-trip delay/, () => name('ntpDelay'), 'prometheus'],
  ['kuzet-time-sync', 'NTP history', /NTP offset and delay history/, () => INFLUX_TIME_MEASUREMENTS.ntp.name, 'influxdb'],
  ['kuzet-notices', 'notice deadlines met and breached', /deadlines met and breached/, () => name('noticeDeadlines'), 'prometheus'],
  ['kuzet-notices', 'deliveries by channel', /^Deliveries by channel$/, () => name('noticeDeliveries'), 'prometheus'],
];

describe('dashboards: what issue #9 says each one shows', () => {
  for (const [uid, what, title, reads, source] of WANTED) {
    it(`${uid}: ${what}`, () => {
      const panels = panelsOf(board(uid)).filter((p) => title.test(p.title ?? ''));
      assert.ok(panels.length > 0, `no panel titled ${title} in ${uid}`);
      const text = reads();
      assert.ok(
        panels.some((p) => queries(p).includes(text) && p.datasource?.type === source),
        `${uid} "${panels[0]?.title}" reads ${text} from ${source}: ${panels.map(queries).join(' | ')}`,
      );
    });
  }

  it('the Time sync offset panel draws the NTP thresholds (warn ±100 ms, fail ±500 ms)', () => {
    const p = panelsOf(board('kuzet-time-sync')).find((x) => x.title === 'NTP offset')!;
    const steps = (p.fieldConfig?.defaults?.thresholds?.steps ?? []).map((s) => s.value).filter((v) => v !== null);
    assert.deepEqual(steps, [-0.5, -0.1, 0.1, 0.5]);
  });

  it('system, target and region variables on every board whose metrics carry them', () => {
    for (const uid of ['kuzet-checks', 'kuzet-journeys', 'kuzet-etps', 'kuzet-time-sync'])
      assert.deepEqual(
        board(uid).templating.list.map((v) => v.name),
        ['system', 'target', 'region'],
        uid,
      );
    // Overview reads system-wide availability; notices' metrics carry only channel and outcome.
    assert.deepEqual(
      board('kuzet-overview').templating.list.map((v) => v.name),
      ['system', 'region'],
    );
  });

  it('the five alert rules of the issue, with their thresholds', () => {
    const expr = (alert: string) => built.rules.rules.find((r) => r.alert === alert)?.expr;
    assert.equal(expr('KuzetSystemDown'), `max by (system) (${name('checkUp')}) == 0`);
    assert.match(expr('KuzetSlaBreached') ?? '', new RegExp(`increase\\(${name('slaBreaches')}\\[\\w+\\]\\)\\) > 0$`));
    assert.equal(expr('KuzetNtpOffsetHigh'), `abs(${name('ntpOffset')}) > 0.5`, 'the ntp probe fails above 500 ms');
    assert.equal(expr('KuzetEtpFailureStreak'), `max by (etp) (${name('etpFailureStreak')}) >= 5`, 'ETP streak ≥ 5');
    assert.equal(expr('KuzetNotificationDeadLetters'), `sum by (channel) (${name('noticeDeadLetters')}) > 0`);
  });
});
