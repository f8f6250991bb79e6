import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../core/errors.ts';
import { astanaEpochDay, astanaParts, astanaTimeOfDayMs, epochDay, formatEpochDay, parseDateTimeMs } from '../core/time.ts';
import { CALENDAR_LAST_DATE, isWorkingEpochDay } from '../incidents/rules/calendar.ts';
import { rulesEtpStreak } from './index.ts';
import {
  THRESHOLD_STREAK,
  decisionDueByMs,
  evaluateStreak,
  failureDays,
  streakEvents,
  streakRuns,
  warningFromStreak,
  type FailureEpisode,
} from './streaks.ts';

type Ep = { service?: string; start: string; end: string };
const orders = (start: string, end: string): Ep => ({ service: 'orders', start, end });
/** Five minutes of failure at 10:00 Astana on each date. */
const daily = (...dates: string[]) => dates.map((d) => orders(`${d}T10:00:00+05:00`, `${d}T10:05:00+05:00`));
const range = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => formatEpochDay((astanaEpochDay(parseDateTimeMs(`${from}T12:00:00+05:00`)) as number) + i));
/** The day after the working calendar's last date: a decision falling there cannot be computed. */
const AFTER_CALENDAR = range(CALENDAR_LAST_DATE, 2)[1] as string;
/** Eight failure days ending on the calendar's last date. */
const LAST_EIGHT_DAYS = range(formatEpochDay((astanaEpochDay(parseDateTimeMs(`${CALENDAR_LAST_DATE}T12:00:00+05:00`)) as number) - 7), 8);

interface Row {
  why: string;
  asOf: string;
  episodes: Ep[];
  minFailureMinutes?: number;
  expect: {
    failureDays?: string[];
    currentStreak: number;
    longestStreak: number;
    thresholdReachedOn: string | null;
    decisionDueBy: string | null;
  };
}

const TABLE: Row[] = [
  {
    why: 'the worked example: Mar 1–8 → threshold on the 8th, decision by Mar 16 (Mar 9 is a day off)',
    asOf: '2026-03-08',
    episodes: daily(...range('2026-03-01', 8)),
    expect: {
      failureDays: range('2026-03-01', 8),
      currentStreak: 8,
      longestStreak: 8,
      thresholdReachedOn: '2026-03-08',
      decisionDueBy: '2026-03-16T23:59:59+05:00',
    },
  },
  {
    why: 'seven days is not more than seven',
    asOf: '2026-03-07',
    episodes: daily(...range('2026-03-01', 7)),
    expect: { currentStreak: 7, longestStreak: 7, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'one episode across midnight counts on both dates',
    asOf: '2026-03-02',
    episodes: [orders('2026-03-01T23:30:00+05:00', '2026-03-02T00:30:00+05:00')],
    expect: {
      failureDays: ['2026-03-01', '2026-03-02'],
      currentStreak: 2,
      longestStreak: 2,
      thresholdReachedOn: null,
      decisionDueBy: null,
    },
  },
  {
    why: 'across midnight, each date has 30 minutes: below a 31-minute minimum on both',
    asOf: '2026-03-02',
    minFailureMinutes: 31,
    episodes: [orders('2026-03-01T23:30:00+05:00', '2026-03-02T00:30:00+05:00')],
    expect: { failureDays: [], currentStreak: 0, longestStreak: 0, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'overlapping episodes are one 30-minute failure, not 40 minutes',
    asOf: '2026-03-02',
    minFailureMinutes: 31,
    episodes: [
      orders('2026-03-02T10:00:00+05:00', '2026-03-02T10:20:00+05:00'),
      orders('2026-03-02T10:10:00+05:00', '2026-03-02T10:30:00+05:00'),
    ],
    expect: { failureDays: [], currentStreak: 0, longestStreak: 0, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'separate episodes on one date add up',
    asOf: '2026-03-02',
    minFailureMinutes: 30,
    episodes: [
      orders('2026-03-02T10:00:00+05:00', '2026-03-02T10:15:00+05:00'),
      orders('2026-03-02T18:00:00+05:00', '2026-03-02T18:15:00+05:00'),
    ],
    expect: { failureDays: ['2026-03-02'], currentStreak: 1, longestStreak: 1, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'a 59-second blip is below the default one minute',
    asOf: '2026-03-02',
    episodes: [orders('2026-03-02T10:00:00+05:00', '2026-03-02T10:00:59+05:00')],
    expect: { failureDays: [], currentStreak: 0, longestStreak: 0, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'only the orders service counts',
    asOf: '2026-03-08',
    episodes: daily(...range('2026-03-01', 8)).map((e) => ({ ...e, service: 'catalogue' })),
    expect: { failureDays: [], currentStreak: 0, longestStreak: 0, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'Astana date of a UTC time: 19:30Z is 00:30 the next day',
    asOf: '2026-03-02',
    episodes: [orders('2026-03-01T19:30:00Z', '2026-03-01T19:40:00Z')],
    expect: { failureDays: ['2026-03-02'], currentStreak: 1, longestStreak: 1, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'a gap day breaks the streak: 7 + 7 never reaches the threshold',
    asOf: '2026-03-15',
    episodes: daily(...range('2026-03-01', 7), ...range('2026-03-09', 7)),
    expect: { currentStreak: 7, longestStreak: 7, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'asOf without failure: current streak 0, the earlier threshold still reported',
    asOf: '2026-03-12',
    episodes: daily(...range('2026-03-01', 10)),
    expect: { currentStreak: 0, longestStreak: 10, thresholdReachedOn: '2026-03-08', decisionDueBy: '2026-03-16T23:59:59+05:00' },
  },
  {
    why: 'failure after asOf is not counted (an episode running on is cut at the end of asOf)',
    asOf: '2026-03-07',
    episodes: [orders('2026-03-01T00:00:00+05:00', '2026-03-20T00:00:00+05:00')],
    expect: { failureDays: range('2026-03-01', 7), currentStreak: 7, longestStreak: 7, thresholdReachedOn: null, decisionDueBy: null },
  },
  {
    why: 'month end: one long episode Jan 28 23:00 → Feb 4 00:10; Wed Feb 4 + 5 working days = Wed Feb 11',
    asOf: '2026-02-04',
    episodes: [orders('2026-01-28T23:00:00+05:00', '2026-02-04T00:10:00+05:00')],
    expect: {
      failureDays: range('2026-01-28', 8),
      currentStreak: 8,
      longestStreak: 8,
      thresholdReachedOn: '2026-02-04',
      decisionDueBy: '2026-02-11T23:59:59+05:00',
    },
  },
  {
    why: 'leap day and the 2024-03-01 zone change (+06:00 → +05:00); Mar 8 2024 is a holiday',
    asOf: '2024-03-03',
    episodes: [orders('2024-02-25T00:00:00+06:00', '2024-03-03T12:00:00+05:00')],
    expect: {
      failureDays: range('2024-02-25', 8),
      currentStreak: 8,
      longestStreak: 8,
      thresholdReachedOn: '2024-03-03',
      decisionDueBy: '2024-03-11T23:59:59+05:00',
    },
  },
  {
    why: 'holidays: threshold Fri 2026-03-20, Nauryz days off Mar 21–25 → Wed Apr 1',
    asOf: '2026-03-20',
    episodes: daily(...range('2026-03-13', 8)),
    expect: { currentStreak: 8, longestStreak: 8, thresholdReachedOn: '2026-03-20', decisionDueBy: '2026-04-01T23:59:59+05:00' },
  },
  {
    why: 'year end: threshold Thu 2026-12-31; Jan 1, 2 (→ Mon 4) and 7 off → Jan 5, 6, 8, 11, 12',
    asOf: '2026-12-31',
    episodes: daily(...range('2026-12-24', 8)),
    expect: { currentStreak: 8, longestStreak: 8, thresholdReachedOn: '2026-12-31', decisionDueBy: '2027-01-12T23:59:59+05:00' },
  },
  {
    why: 'into provisional 2028 (threw before 2028 was added): threshold Fri 2027-12-31; Jan 3, 4 (for Jan 1, 2) and Fri 7 off → Jan 5, 6, 10, 11, 12',
    asOf: '2027-12-31',
    episodes: daily(...range('2027-12-24', 8)),
    expect: { currentStreak: 8, longestStreak: 8, thresholdReachedOn: '2027-12-31', decisionDueBy: '2028-01-12T23:59:59+05:00' },
  },
];

describe('rulesEtpStreak: table', () => {
  for (const row of TABLE) {
    it(row.why, () => {
      const out = rulesEtpStreak({
        etp: 'etp-1',
        asOf: row.asOf,
        ...(row.minFailureMinutes ? { minFailureMinutes: row.minFailureMinutes } : {}),
        episodes: row.episodes,
      });
      const { failureDays: days, ...rest } = out;
      const { failureDays: expectedDays, ...expectedRest } = row.expect;
      assert.deepEqual(rest, { etp: 'etp-1', ...expectedRest });
      if (expectedDays) assert.deepEqual(days, expectedDays);
    });
  }
});

/** Asserts that `fn` throws an InputError whose issues are exactly `expected` ("field: message"). */
function rejects(fn: () => unknown, ...expected: string[]) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.deepEqual(
      e.issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)),
      expected,
    );
    return true;
  });
}

describe('rulesEtpStreak: invalid input names the field', () => {
  const ok = { etp: 'etp-1', asOf: '2026-03-08', episodes: daily('2026-03-01') };
  it('a date-time without offset', () =>
    rejects(
      () =>
        rulesEtpStreak({
          ...ok,
          episodes: [...daily('2026-03-01', '2026-03-02'), orders('2026-03-03T10:00:00', '2026-03-03T11:00:00+05:00')],
        }),
      'episodes[2].start: not an ISO 8601 date-time with offset',
    ));
  it('end before start', () =>
    rejects(
      () => rulesEtpStreak({ ...ok, episodes: [orders('2026-03-03T10:00:00+05:00', '2026-03-03T09:00:00+05:00')] }),
      'episodes[0].end: is before start',
    ));
  it('every problem at once', () =>
    rejects(
      () =>
        rulesEtpStreak({
          etp: '',
          asOf: '08.03.2026',
          minFailureMinutes: 0,
          episodes: [{ start: '2026-03-03T10:00:00Z', end: '2026-03-03T10:00:00Z' }],
        }),
      'etp: must not be empty',
      'asOf: not a date YYYY-MM-DD',
      'minFailureMinutes: must be > 0',
      'episodes[0].service: required',
    ));
  it('missing fields', () => rejects(() => rulesEtpStreak({}), 'etp: required', 'asOf: required', 'episodes: required'));
  it('unknown keys', () => rejects(() => rulesEtpStreak({ ...ok, tz: 'UTC' }), 'Unrecognized key: "tz"'));
  it('not an object', () => assert.throws(() => rulesEtpStreak(null), InputError));
  it('a threshold whose decision falls outside the working calendar names asOf', () =>
    rejects(
      () => rulesEtpStreak({ etp: 'e', asOf: CALENDAR_LAST_DATE, episodes: daily(...LAST_EIGHT_DAYS) }),
      `asOf: ${AFTER_CALENDAR} is outside the working calendar (2024-01-01 to ${CALENDAR_LAST_DATE}); add incidents/rules/holidays/${AFTER_CALENDAR.slice(0, 4)}.ts (copy the newest year's file) and list it in HOLIDAY_YEARS in incidents/rules/holidays/index.ts; see README, "Working calendar"`,
    ));
});

describe('streak events', () => {
  const days = (from: string, n: number) =>
    range(from, n).map((d) => epochDay(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10))));
  it('warnings from streak 5 to 7, one threshold event on the 8th day, nothing after', () => {
    const ev = streakEvents(days('2026-03-01', 10));
    assert.equal(warningFromStreak, 5);
    assert.deepEqual(
      ev.map((e) => [e.type, formatEpochDay(e.day), e.streak]),
      [
        ['warning', '2026-03-05', 5],
        ['warning', '2026-03-06', 6],
        ['warning', '2026-03-07', 7],
        ['threshold', '2026-03-08', 8],
      ],
    );
    const t = ev[3];
    assert.ok(t?.type === 'threshold');
    assert.equal(t.decisionDueByMs, parseDateTimeMs('2026-03-16T23:59:59+05:00'));
  });
  it('a streak of 4 gives nothing; each new streak warns again', () => {
    assert.deepEqual(streakEvents(days('2026-03-01', 4)), []);
    const ev = streakEvents([...days('2026-03-01', 5), ...days('2026-03-10', 5)]);
    assert.deepEqual(
      ev.map((e) => formatEpochDay(e.day)),
      ['2026-03-05', '2026-03-14'],
    );
  });
});

// ---- properties ----

const DAY0 = epochDay(2026, 1, 1);
const T0 = parseDateTimeMs('2026-01-01T00:00:00+05:00');
const episodeArb = fc
  .record({
    service: fc.constantFrom('orders', 'orders', 'orders', 'catalogue'),
    start: fc.integer({ min: 0, max: 60 * 24 * 40 }),
    minutes: fc.integer({ min: 0, max: 60 * 24 * 3 }),
  })
  .map(({ service, start, minutes }): FailureEpisode => ({
    service,
    startMs: T0 + start * 60_000,
    endMs: T0 + (start + minutes) * 60_000,
  }));
const requestArb = fc.record({
  episodes: fc.array(episodeArb, { maxLength: 25 }),
  asOfDay: fc.integer({ min: DAY0, max: DAY0 + 45 }),
  minFailureMinutes: fc.integer({ min: 1, max: 120 }),
});

describe('properties', () => {
  it('order of episodes, duplicates and splitting an episode in two change nothing (no double counting)', () => {
    fc.assert(
      fc.property(requestArb, fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), (req, seed, cut) => {
        const base = evaluateStreak(req);
        const shuffled = [...req.episodes].sort((a, b) => ((a.startMs * 31 + seed) % 97) - ((b.startMs * 31 + seed) % 97));
        assert.deepEqual(evaluateStreak({ ...req, episodes: shuffled }), base);
        assert.deepEqual(evaluateStreak({ ...req, episodes: [...req.episodes, ...req.episodes] }), base);
        const split = req.episodes.flatMap((e) => {
          const mid = e.startMs + Math.round((e.endMs - e.startMs) * cut);
          return [
            { ...e, endMs: mid },
            { ...e, startMs: mid },
          ];
        });
        assert.deepEqual(evaluateStreak({ ...req, episodes: split }), base);
      }),
    );
  });

  it('failure days lie within the episodes and up to asOf; streak figures agree with the days', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const r = evaluateStreak(req);
        const counted = req.episodes.filter((e) => e.service === 'orders' && e.endMs > e.startMs);
        for (const d of r.failureDays) {
          assert.ok(d <= req.asOfDay);
          assert.ok(counted.some((e) => astanaEpochDay(e.startMs) <= d && d <= astanaEpochDay(e.endMs)));
        }
        assert.ok(r.currentStreak <= r.longestStreak);
        assert.equal(r.currentStreak > 0, r.failureDays.includes(req.asOfDay));
        assert.equal(r.thresholdReachedOn !== null, r.longestStreak >= THRESHOLD_STREAK);
        assert.equal(r.longestStreak, Math.max(0, ...streakRuns(r.failureDays).map((x) => x.length)));
      }),
    );
  });

  it('a higher minimum never adds failure days', () => {
    fc.assert(
      fc.property(requestArb, fc.integer({ min: 0, max: 300 }), (req, more) => {
        const low = new Set(failureDays(req.episodes, req.asOfDay, req.minFailureMinutes));
        for (const d of failureDays(req.episodes, req.asOfDay, req.minFailureMinutes + more)) assert.ok(low.has(d));
      }),
    );
  });

  it('decisionDueBy is 23:59:59 Astana on the 5th working day after the threshold date', () => {
    fc.assert(
      fc.property(fc.integer({ min: epochDay(2024, 1, 1), max: epochDay(2027, 12, 20) }), (day) => {
        const due = decisionDueByMs(day);
        const dueDay = astanaEpochDay(due);
        assert.equal(astanaTimeOfDayMs(due), 86_399_000);
        assert.equal(astanaParts(due).second, 59);
        assert.ok(isWorkingEpochDay(dueDay));
        let working = 0;
        for (let d = day + 1; d <= dueDay; d++) if (isWorkingEpochDay(d)) working++;
        assert.equal(working, 5);
      }),
    );
  });

  it('events: one threshold per streak of 8 or more, min(len, 7) − 4 warnings per streak of 5 or more', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: DAY0, max: DAY0 + 60 }), { maxLength: 50 }), (list) => {
        const days = [...list].sort((a, b) => a - b);
        const runs = streakRuns(days);
        const ev = streakEvents(days);
        assert.equal(ev.filter((e) => e.type === 'threshold').length, runs.filter((r) => r.length >= THRESHOLD_STREAK).length);
        assert.equal(
          ev.filter((e) => e.type === 'warning').length,
          runs.reduce((n, r) => n + Math.max(0, Math.min(r.length, 7) - 4), 0),
        );
        for (const e of ev) assert.ok(days.includes(e.day));
      }),
    );
  });
});
