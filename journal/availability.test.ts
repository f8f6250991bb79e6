import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeAvailability, availabilityLines, type CheckSeries, type Sample } from './availability.ts';
import { availabilityBody } from './render-availability.ts';

const T0 = Date.parse('2026-03-10T00:00:00+05:00');
const MIN = 60_000;

/** One result a minute for `minutes` minutes from `start`; failing in the given minute ranges. */
function minutely(start: number, minutes: number, down: [number, number][]): Sample[] {
  return Array.from({ length: minutes }, (_, i) => ({ at: start + i * MIN, ok: !down.some(([a, b]) => i >= a && i < b) }));
}

function series(samples: Sample[], over: Partial<CheckSeries> = {}): CheckSeries {
  return { key: 'portal/search/http', region: 'astana', system: 'portal', module: 'search', etp: false, intervalMs: MIN, samples, ...over };
}

describe('computeAvailability (hand-computed fixtures)', () => {
  it('one check, one day, 30 failed minutes: 1410 / 1440 = 97.917 %, one outage of 30 min', () => {
    const r = computeAvailability({ from: T0, to: T0 + 1440 * MIN, series: [series(minutely(T0, 1440, [[600, 630]]))], maintenance: [] });
    const sys = r.systems[0];
    assert.ok(sys);
    assert.equal(sys.total.upMs, 1410 * MIN);
    assert.equal(sys.total.downMs, 30 * MIN);
    assert.equal(sys.total.availabilityPct, 97.917);
    assert.equal(sys.mttrMinutes, 30);
    assert.equal(sys.days.length, 1);
    assert.equal(sys.days[0]?.date, '2026-03-10');
    assert.equal(r.modules[0]?.module, 'search');
    assert.deepEqual(r.worstDays, [{ system: 'portal', date: '2026-03-10', availabilityPct: 97.917, downMinutes: 30 }]);
  });

  it('an announced window of 40 min over 10 of the failures: maintenance shown apart, 1380 / 1400 = 98.571 %', () => {
    const r = computeAvailability({
      from: T0,
      to: T0 + 1440 * MIN,
      series: [series(minutely(T0, 1440, [[600, 630]]))],
      maintenance: [{ system: 'portal', modules: ['search'], start: T0 + 570 * MIN, end: T0 + 630 * MIN - 20 * MIN }],
    });
    // Window 09:30–10:10: 30 good minutes and 10 failed ones become maintenance (40 min).
    const sys = r.systems[0];
    assert.equal(sys?.total.maintenanceMs, 40 * MIN);
    assert.equal(sys?.total.downMs, 20 * MIN);
    assert.equal(sys?.total.upMs, 1380 * MIN);
    assert.equal(sys?.total.availabilityPct, 98.571);
    assert.equal(r.maintenance[0]?.minutes, 40);
    // The outage starts at 10:10, outside the window, and is repaired at 10:30.
    assert.equal(sys?.mttrMinutes, 20);
  });

  it('a window for another module or system does not apply', () => {
    const r = computeAvailability({
      from: T0,
      to: T0 + 60 * MIN,
      series: [series(minutely(T0, 60, [[0, 6]]))],
      maintenance: [
        { system: 'portal', modules: ['auth'], start: T0, end: T0 + 60 * MIN },
        { system: 'etp-1', start: T0, end: T0 + 60 * MIN },
      ],
    });
    assert.equal(r.systems[0]?.total.availabilityPct, 90);
    assert.equal(r.systems[0]?.total.maintenanceMs, 0);
  });

  it('splits at Astana midnight, builds months, and leaves gaps longer than the interval uncounted', () => {
    // 23:30 to 00:30 across Mar 31 / Apr 1, then a 2-hour gap, then 30 more minutes.
    const start = Date.parse('2026-03-31T23:30:00+05:00');
    const samples = [...minutely(start, 60, [[20, 40]]), ...minutely(start + 180 * MIN, 30, [])];
    const r = computeAvailability({
      from: start,
      to: start + 300 * MIN,
      series: [series(samples, { system: 'etp-1', module: null, etp: true })],
      maintenance: [],
    });
    const etp = r.etps[0];
    assert.ok(etp);
    assert.equal(r.systems.length, 0);
    assert.deepEqual(
      etp.days.map((d) => [d.date, d.upMs / MIN, d.downMs / MIN]),
      [
        ['2026-03-31', 20, 10],
        ['2026-04-01', 50, 10],
      ],
    );
    assert.deepEqual(
      etp.months.map((m) => m.month),
      ['2026-03', '2026-04'],
    );
    assert.equal(etp.total.upMs + etp.total.downMs, 90 * MIN);
    assert.equal(availabilityLines(r).length, 4);
  });

  it('two regions weigh by the time they watched; no data gives null availability', () => {
    const a = series(minutely(T0, 100, [[0, 10]]));
    const b = series(minutely(T0, 100, []), { region: 'almaty' });
    const r = computeAvailability({ from: T0, to: T0 + 100 * MIN, series: [a, b], maintenance: [] });
    assert.equal(r.systems[0]?.total.availabilityPct, 95);
    const empty = computeAvailability({ from: T0, to: T0 + MIN, series: [series([])], maintenance: [] });
    assert.equal(empty.systems[0]?.total.availabilityPct, null);
    assert.equal(empty.systems[0]?.mttrMinutes, null);
  });
});

describe('availability over a year (issue #21 item 9)', () => {
  it('one minute down in a year reads 99.9998 %, not 100.000, with the minute beside it', async () => {
    const minutes = 365 * 1440;
    const r = computeAvailability({
      from: T0,
      to: T0 + minutes * MIN,
      series: [series(minutely(T0, minutes, [[1000, 1001]]))],
      maintenance: [],
    });
    const sys = r.systems[0];
    assert.equal(sys?.total.downMs, MIN);
    assert.equal(sys?.total.availabilityPct, 99.9998);
    assert.deepEqual(r.worstDays[0], { system: 'portal', date: '2026-03-10', availabilityPct: 99.931, downMinutes: 1 });
    const csv = (await availabilityBody(r, 'csv')) as string;
    assert.ok(csv.includes('"system","portal","","2026-03","31679","1","0","99.997"'), csv.slice(0, 400));
  });
});
