import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochDay, formatEpochDay, parseDateTime, formatAstana, weekdayOfEpochDay } from '../../core/time.ts';
import {
  CALENDAR_FIRST_DATE,
  CALENDAR_LAST_DATE,
  CalendarRangeError,
  addWorkingDays,
  dayInfo,
  isWorkingDay,
  isWorkingEpochDay,
  nextWorkingDay,
  previousWorkingDay,
} from './calendar.ts';
import { HOLIDAY_YEARS } from './holidays/index.ts';

// REGULATIONS.md §2, "Verified 2026 days off (official calendar as amended)", copied by hand.
const OFFICIAL_2026_DAYS_OFF = [
  '2026-01-01', '2026-01-02', '2026-01-07',
  '2026-03-09', '2026-03-23', '2026-03-24', '2026-03-25',
  '2026-05-01', '2026-05-07', '2026-05-11', '2026-05-27',
  '2026-07-06', '2026-10-26', '2026-12-16',
];

describe('2026 calendar, day by day against the official list', () => {
  const off = new Set(OFFICIAL_2026_DAYS_OFF);
  for (let d = epochDay(2026, 1, 1); d <= epochDay(2026, 12, 31); d++) {
    const date = formatEpochDay(d);
    const expected = weekdayOfEpochDay(d) <= 5 && !off.has(date);
    it(`${date} ${expected ? 'working' : 'day off'}`, () => assert.equal(isWorkingDay(date), expected));
  }
  it('has 247 working days (261 weekdays − 14 days off)', () => {
    let n = 0;
    for (let d = epochDay(2026, 1, 1); d <= epochDay(2026, 12, 31); d++) if (isWorkingEpochDay(d)) n++;
    let weekdays = 0;
    for (let d = epochDay(2026, 1, 1); d <= epochDay(2026, 12, 31); d++) if (weekdayOfEpochDay(d) <= 5) weekdays++;
    assert.equal(n, weekdays - OFFICIAL_2026_DAYS_OFF.length);
    assert.equal(n, 247);
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
  it('next-working-day 2026-03-20 → 2026-03-26 (Nauryz and its moved days)', () => assert.equal(nextWorkingDay('2026-03-20'), '2026-03-26'));
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
  ];
  for (const [from, n, to] of add) {
    it(`${from} + ${n} working days → ${to}`, () => assert.equal(formatAstana(addWorkingDays(parseDateTime(from), n)), to));
  }
  it('refuses dates outside the data, naming the range', () => {
    assert.equal(CALENDAR_FIRST_DATE, '2024-01-01');
    assert.equal(CALENDAR_LAST_DATE, '2027-12-31');
    assert.throws(() => nextWorkingDay('2027-12-31'), CalendarRangeError);
    assert.throws(() => isWorkingDay('2023-12-29'), /2023-12-29 is outside the working calendar \(2024-01-01 to 2027-12-31\)/);
  });
  it('rejects a malformed date', () => assert.throws(() => isWorkingDay('2026-02-30'), /date: not a date YYYY-MM-DD/));
});
