/** The calendar gauges read the clock at each scrape; the start-up warning comes below 90 days. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import client from 'prom-client';
import { parseDateTime } from '../core/time.ts';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { registerCalendarMetrics, warnIfCalendarEndsSoon } from './calendar-metrics.ts';

function recorder() {
  const lines: { obj: object; msg: string }[] = [];
  return { lines, warn: (obj: object, msg: string) => void lines.push({ obj, msg }) };
}

describe('calendar metrics', () => {
  it('exports days left and provisional days under the catalogue names, as of each scrape', async () => {
    const registry = new client.Registry();
    let now = parseDateTime('2026-11-23T12:00:00+05:00');
    registerCalendarMetrics(registry, () => now);
    registerCalendarMetrics(registry, () => now); // a second call does not register twice
    let text = await registry.metrics();
    assert.match(text, new RegExp(`^${METRIC_CATALOGUE.calendarDaysLeft.name} ${769 * 86_400}$`, 'm'));
    assert.match(text, new RegExp(`^${METRIC_CATALOGUE.calendarProvisionalDays.name} ${731 * 86_400}$`, 'm'));
    now = parseDateTime('2028-12-30T23:59:00+05:00');
    text = await registry.metrics();
    assert.match(text, /^kuzet_calendar_left_seconds 86400$/m);
    assert.match(text, /^kuzet_calendar_provisional_seconds 172800$/m);
    now = parseDateTime('2029-01-10T00:00:00+05:00');
    assert.match(await registry.metrics(), /^kuzet_calendar_left_seconds -864000$/m);
  });

  it('warns at start below 90 days, with the last date and the file to add', () => {
    const quiet = recorder();
    assert.equal(warnIfCalendarEndsSoon(quiet, parseDateTime('2028-10-02T08:00:00+05:00')), false);
    assert.deepEqual(quiet.lines, []);
    const log = recorder();
    assert.equal(warnIfCalendarEndsSoon(log, parseDateTime('2028-10-03T08:00:00+05:00')), true);
    assert.equal(log.lines.length, 1);
    assert.deepEqual(log.lines[0]?.obj, { calendarLastDate: '2028-12-31', daysLeft: 89, provisionalYears: [2027, 2028] });
    assert.match(
      log.lines[0]?.msg ?? '',
      /^the working calendar ends in 89 days \(last date 2028-12-31\).*add incidents\/rules\/holidays\/2029\.ts/,
    );
  });
});
