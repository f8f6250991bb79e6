import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochDay, formatEpochDay, parseDateTime, formatAstana, weekdayOfEpochDay } from '../../core/time.ts';
import {
  CALENDAR_FIRST_DATE,
  CALENDAR_LAST_DATE,
  CALENDAR_WARN_DAYS,
  CalendarRangeError,
  addWorkingDays,
  calendarEndWarning,
  calendarHorizon,
  dayInfo,
  isWorkingDay,
  isWorkingEpochDay,
  nextWorkingDay,
  previousWorkingDay,
} from './calendar.ts';
import { HOLIDAY_YEARS } from './holidays/index.ts';

// docs/rules.md §2, "Verified 2026 days off (official calendar as amended)", copied by hand.
const OFFICIAL_2026_DAYS_OFF = [
  '2026-01-01',
  '2026-01-02',
  '2026-01-07',
  '2026-03-09',
  '2026-03-23',
  '2026-03-24',
  '2026-03-25',
  '2026-05-01',
  '2026-05-07',
  '2026-05-11',
  '2026-05-27',
  '2026-07-06',
  '2026-10-26',
  '2026-12-16',
];

/** One test per date of `year`: a working day exactly when it is a weekday not in `daysOff`. */
function dayByDay(year: number, daysOff: readonly string[]): void {
  const off = new Set(daysOff);
  for (let d = epochDay(year, 1, 1); d <= epochDay(year, 12, 31); d++) {
    const date = formatEpochDay(d);
    const expected = weekdayOfEpochDay(d) <= 5 && !off.has(date);
    it(`${date} ${expected ? 'working' : 'day off'}`, () => assert.equal(isWorkingDay(date), expected));
  }
}

/** Working days and weekdays of `year`, counted day by day. */
function countDays(year: number): { working: number; weekdays: number } {
  let working = 0;
  let weekdays = 0;
  for (let d = epochDay(year, 1, 1); d <= epochDay(year, 12, 31); d++) {
    if (isWorkingEpochDay(d)) working++;
    if (weekdayOfEpochDay(d) <= 5) weekdays++;
  }
  return { working, weekdays };
}

describe('2026 calendar, day by day against the official list', () => {
  dayByDay(2026, OFFICIAL_2026_DAYS_OFF);
  it('has 247 working days (261 weekdays − 14 days off)', () => {
    const { working, weekdays } = countDays(2026);
    assert.equal(working, weekdays - OFFICIAL_2026_DAYS_OFF.length);
    assert.equal(working, 247);
  });
});

// 2028, provisional: the law's holidays and the weekend rule, written out by hand (not from the data file).
// Kurban Ait assumed Friday May 5 (astronomical calendar; no decree yet).
const EXPECTED_2028_DAYS_OFF = [
  '2028-01-03', // New Year Jan 1, a Saturday
  '2028-01-04', // New Year Jan 2, a Sunday
  '2028-01-07', // Orthodox Christmas, Friday
  '2028-03-08',
  '2028-03-15', // Women's Day, Constitution Day (Wednesdays)
  '2028-03-21',
  '2028-03-22',
  '2028-03-23', // Nauryz, Tue–Thu
  '2028-05-01', // Unity Day, Monday
  '2028-05-05', // Kurban Ait (assumed), Friday
  '2028-05-08', // Defender of the Fatherland Day May 7, a Sunday
  '2028-05-09', // Victory Day, Tuesday
  '2028-07-06',
  '2028-10-25', // Capital Day (Thursday), Republic Day (Wednesday)
  '2028-12-18', // Independence Day Dec 16, a Saturday
];

describe('2028 calendar (provisional), day by day against the rules written out', () => {
  dayByDay(2028, EXPECTED_2028_DAYS_OFF);
  it('has 245 working days (260 weekdays of a leap year starting on Saturday − 15 days off)', () => {
    assert.equal(countDays(2028).working, 245);
  });
  it('is marked provisional, like 2027, with Kurban Ait on May 5 and no decrees', () => {
    const y = HOLIDAY_YEARS.find((h) => h.year === 2028);
    assert.ok(y);
    assert.equal(y.confidence, 'provisional');
    assert.equal(HOLIDAY_YEARS.find((h) => h.year === 2027)?.confidence, 'provisional');
    assert.equal(y.kurbanAit, '2028-05-05');
    assert.deepEqual(y.decrees, []);
  });
});

describe('every year: rules + decrees derive exactly the checked list', () => {
  for (const y of HOLIDAY_YEARS) {
    it(`${y.year} (${y.confidence})`, () => {
      const off = new Set(y.officialWeekdaysOff);
      const worked = new Set(y.decrees.map((t) => t.workingDay));
      const mismatches: string[] = [];
      for (let d = epochDay(y.year, 1, 1); d <= epochDay(y.year, 12, 31); d++) {
        const date = formatEpochDay(d);
        const expected = weekdayOfEpochDay(d) <= 5 ? !off.has(date) : worked.has(date);
        if (isWorkingEpochDay(d) !== expected) mismatches.push(date);
      }
      assert.deepEqual(mismatches, []);
    });
  }
  it('2025 has 246 working days, as published', () => {
    let n = 0;
    for (let d = epochDay(2025, 1, 1); d <= epochDay(2025, 12, 31); d++) if (isWorkingEpochDay(d)) n++;
    assert.equal(n, 246);
  });
});

describe('holiday rules at their boundaries', () => {
  const table: [string, boolean, RegExp][] = [
    ['2025-09-01', false, /moved from Saturday 2025-08-30 \(Constitution Day\)/], // Aug 30 still a holiday in 2025
    ['2026-08-31', true, /working day/], // …none in 2026
    ['2027-03-15', false, /public holiday: Constitution Day/], // Mar 15 from 2027
    ['2026-03-16', true, /working day/], // Mar 16, 2026 (Monday after the referendum Sunday) is worked
    ['2024-01-08', true, /working day/], // Jan 7 on a Sunday never moves
    ['2024-06-17', true, /working day/], // Kurban Ait on a Sunday never moves
    ['2024-06-16', false, /Sunday; public holiday Kurban Ait \(first day\) \(never moved\)/],
    ['2026-03-24', false, /moved from Saturday 2026-03-21 \(Nauryz meiramy\)/],
    ['2026-03-22', false, /Sunday; public holiday Nauryz meiramy, day off moved to 2026-03-25/],
    ['2024-05-04', true, /working Saturday by decree/],
    ['2024-05-08', false, /day off by decree/],
    ['2025-01-05', true, /working Sunday by decree/],
    ['2025-01-03', false, /day off by decree/],
    ['2027-03-24', false, /moved from Sunday 2027-03-21/],
    ['2027-01-04', false, /moved from Saturday 2027-01-02 \(New Year\)/],
    ['2028-01-01', false, /Saturday; public holiday New Year, day off moved to 2028-01-03/],
    ['2028-01-02', false, /Sunday; public holiday New Year, day off moved to 2028-01-04/],
    ['2028-01-04', false, /moved from Sunday 2028-01-02 \(New Year\)/],
    ['2028-01-05', true, /working day \(Wednesday\)/], // no decree bridges Jan 5–6 (none published)
    ['2028-01-07', false, /public holiday: Orthodox Christmas/],
    ['2028-03-15', false, /public holiday: Constitution Day/],
    ['2028-05-05', false, /public holiday: Kurban Ait \(first day\)/],
    ['2028-05-04', true, /working day \(Thursday\)/],
    ['2028-05-07', false, /Sunday; public holiday Defender of the Fatherland Day, day off moved to 2028-05-08/],
    ['2028-05-08', false, /moved from Sunday 2028-05-07 \(Defender of the Fatherland Day\)/],
    ['2028-08-30', true, /^working day \(Wednesday\)$/], // Aug 30 is no holiday since 2026
    ['2028-12-16', false, /Saturday; public holiday Independence Day, day off moved to 2028-12-18/],
    ['2028-12-18', false, /moved from Saturday 2028-12-16 \(Independence Day\)/],
    ['2026-03-28', false, /^Saturday$/],
    ['2026-03-26', true, /^working day \(Thursday\)$/],
  ];
  for (const [date, working, reason] of table) {
    it(`${date}: ${working ? 'working' : 'off'}`, () => {
      const info = dayInfo(date);
      assert.equal(info.workingDay, working);
      assert.match(info.reason, reason);
    });
  }
});

describe('navigation', () => {
  it('next-working-day 2026-03-20 → 2026-03-26 (Nauryz and its moved days)', () =>
    assert.equal(nextWorkingDay('2026-03-20'), '2026-03-26'));
  it('is strictly after the date', () => assert.equal(nextWorkingDay('2026-03-26'), '2026-03-27'));
  it('previous working day before Mar 26, 2026 is Mar 20', () => assert.equal(previousWorkingDay('2026-03-26'), '2026-03-20'));
  const add: [string, number, string][] = [
    ['2026-03-20T19:00:00+05:00', 1, '2026-03-26T19:00:00+05:00'],
    ['2026-03-20T09:00:00+05:00', 3, '2026-03-30T09:00:00+05:00'],
    ['2026-03-21T10:00:00+05:00', 1, '2026-03-26T10:00:00+05:00'],
    ['2026-03-26T10:00:00+05:00', 0, '2026-03-26T10:00:00+05:00'],
    ['2026-03-26T10:00:00+05:00', -1, '2026-03-20T10:00:00+05:00'],
    ['2024-02-28T12:00:00+06:00', 2, '2024-03-01T12:00:00+05:00'],
    ['2026-12-31T23:30:00+05:00', 1, '2027-01-05T23:30:00+05:00'],
    // +5 working days from the last days of 2027 reach into 2028 (threw before 2028 was added); Jan 3–4 are off.
    ['2027-12-27T23:59:59+05:00', 5, '2028-01-05T23:59:59+05:00'],
    ['2027-12-31T10:00:00+05:00', 1, '2028-01-05T10:00:00+05:00'],
    ['2028-12-29T09:00:00+05:00', -1, '2028-12-28T09:00:00+05:00'],
  ];
  for (const [from, n, to] of add) {
    it(`${from} + ${n} working days → ${to}`, () => assert.equal(formatAstana(addWorkingDays(parseDateTime(from), n)), to));
  }
  it('refuses dates outside the data, naming the range and the file to add', () => {
    assert.equal(CALENDAR_FIRST_DATE, '2024-01-01');
    assert.equal(CALENDAR_LAST_DATE, '2028-12-31');
    assert.throws(() => nextWorkingDay('2028-12-29'), CalendarRangeError);
    assert.throws(() => isWorkingDay('2023-12-29'), /2023-12-29 is outside the working calendar \(2024-01-01 to 2028-12-31\)/);
    assert.throws(
      () => nextWorkingDay('2028-12-29'),
      (e: CalendarRangeError) => {
        assert.equal(
          e.issues[0]?.message,
          '2029-01-01 is outside the working calendar (2024-01-01 to 2028-12-31); add incidents/rules/holidays/2029.ts (copy the newest year\'s file) and list it in HOLIDAY_YEARS in incidents/rules/holidays/index.ts; see README, "Working calendar"',
        );
        return true;
      },
    );
  });
  it('rejects a malformed date', () => assert.throws(() => isWorkingDay('2026-02-30'), /date: not a date YYYY-MM-DD/));
});

describe('the end of the calendar, seen ahead', () => {
  const at = (t: string) => parseDateTime(t).getTime();
  const table: [string, number, number][] = [
    // moment, days left to 2028-12-31, provisional days from that date on (2027 and 2028: 365 + 366)
    ['2026-11-23T12:00:00+05:00', 769, 731],
    ['2027-01-01T00:00:00+05:00', 730, 731],
    ['2027-12-31T23:59:59+05:00', 366, 367],
    ['2028-10-02T00:00:00+05:00', 90, 91],
    ['2028-12-31T23:59:59+05:00', 0, 1],
    ['2029-01-02T00:00:00+05:00', -2, 0],
  ];
  for (const [t, left, provisional] of table) {
    it(`${t}: ${left} days left, ${provisional} provisional`, () => {
      const h = calendarHorizon(at(t));
      assert.deepEqual(h, { lastDate: '2028-12-31', daysLeft: left, provisionalDays: provisional, provisionalYears: [2027, 2028] });
    });
  }
  it('the Astana date counts, not UTC: 2028-10-01T19:00Z is already Oct 2 in Astana', () =>
    assert.equal(calendarHorizon(Date.parse('2028-10-01T19:00:00Z')).daysLeft, 90));
  it(`warns below ${CALENDAR_WARN_DAYS} days, saying which file to add`, () => {
    assert.equal(CALENDAR_WARN_DAYS, 90);
    assert.equal(calendarEndWarning(at('2028-10-02T12:00:00+05:00')), undefined);
    assert.equal(
      calendarEndWarning(at('2028-10-03T12:00:00+05:00')),
      'the working calendar ends in 89 days (last date 2028-12-31): deadlines and SLA clocks past it fail as "outside the working calendar"; add incidents/rules/holidays/2029.ts (copy the newest year\'s file) and list it in HOLIDAY_YEARS in incidents/rules/holidays/index.ts; see README, "Working calendar"',
    );
    assert.match(
      calendarEndWarning(at('2029-01-03T12:00:00+05:00')) ?? '',
      /^the working calendar ended 3 days ago \(last date 2028-12-31\)/,
    );
  });
});
