/**
 * Kazakhstan's working calendar in Astana time (docs/rules.md §2), derived from the holiday rules
 * and the per-year data in `holidays/`, never from the host's zone.
 *
 * Days are handled as epoch days (`astanaEpochDay`) inside the engine; the string functions
 * (`isWorkingDay('2026-03-24')`) are the readable face.
 */
import { InputError } from '../../core/errors.ts';
import {
  astanaDayTimeToMs,
  astanaEpochDay,
  astanaTimeOfDayMs,
  epochDay,
  formatEpochDay,
  tryParseDateDay,
  weekdayOfEpochDay,
} from '../../core/time.ts';
import { FIXED_HOLIDAYS, HOLIDAY_YEARS, KURBAN_AIT } from './holidays/index.ts';

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Why a day is or is not worked. */
export interface DayInfo {
  date: string;
  workingDay: boolean;
  reason: string;
  /** Names of the public holidays falling on this date. */
  holidays: string[];
}

/** Where a year's holiday data goes, for the messages that ask for it. */
export const HOLIDAYS_DIR = 'incidents/rules/holidays';

/** What to do about a missing year, in words: the file to add and the list to put it in. */
export function howToAddYear(year: number): string {
  return `add ${HOLIDAYS_DIR}/${year}.ts (copy the newest year's file) and list it in HOLIDAY_YEARS in ${HOLIDAYS_DIR}/index.ts; see README, "Working calendar"`;
}

/** A date outside the years with holiday data: the calendar cannot say whether it is worked. */
export class CalendarRangeError extends InputError {
  constructor(date: string, field = '') {
    super([
      {
        field,
        message: `${date} is outside the working calendar (${CALENDAR_FIRST_DATE} to ${CALENDAR_LAST_DATE}); ${howToAddYear(Number(date.slice(0, 4)))}`,
      },
    ]);
  }
}

interface Built {
  first: number;
  last: number;
  working: Uint8Array;
  info: Map<
    number,
    {
      holidays: { name: string; moves: boolean }[];
      movedFrom?: { day: number; name: string };
      movedTo?: number[];
      decree?: { off: boolean; act: string };
    }
  >;
}

function dayOf(text: string): number {
  const d = tryParseDateDay(text);
  if (d === undefined) throw new Error(`holiday data: bad date ${text}`);
  return d;
}

function build(): Built {
  const years = HOLIDAY_YEARS.map((y) => y.year);
  // The calendar spans first..last year: a year missing in between would pass for one without holidays.
  years.forEach((y, i) => {
    if (i > 0 && y !== (years[i - 1] as number) + 1)
      throw new Error(`holiday data: HOLIDAY_YEARS must be consecutive years in order, ${y} follows ${years[i - 1]}`);
  });
  const first = epochDay(Math.min(...years), 1, 1);
  const last = epochDay(Math.max(...years), 12, 31);
  const info: Built['info'] = new Map();
  const entry = (d: number) => {
    let e = info.get(d);
    if (!e) info.set(d, (e = { holidays: [] }));
    return e;
  };
  for (const y of HOLIDAY_YEARS) {
    for (const h of FIXED_HOLIDAYS) {
      if ((h.fromYear ?? -Infinity) > y.year || (h.toYear ?? Infinity) < y.year) continue;
      entry(epochDay(y.year, h.month, h.day)).holidays.push({ name: h.name, moves: h.movesFromWeekend });
    }
    entry(dayOf(y.kurbanAit)).holidays.push({ name: KURBAN_AIT.name, moves: KURBAN_AIT.movesFromWeekend });
  }
  // A holiday on Saturday/Sunday moves to the next working day that is neither a holiday nor
  // already taken by an earlier move; so Nauryz 2026 (Sat 21, Sun 22, Mon 23) gives Tue 24, Wed 25.
  const taken = new Set<number>();
  for (const d of [...info.keys()].sort((a, b) => a - b)) {
    if (weekdayOfEpochDay(d) < 6) continue;
    const e = entry(d);
    for (const h of e.holidays) {
      if (!h.moves) continue;
      let c = d + 1;
      while (weekdayOfEpochDay(c) > 5 || (info.get(c)?.holidays.length ?? 0) > 0 || taken.has(c)) c++;
      taken.add(c);
      entry(c).movedFrom = { day: d, name: h.name };
      (e.movedTo ??= []).push(c);
    }
  }
  for (const y of HOLIDAY_YEARS) {
    for (const t of y.decrees) {
      entry(dayOf(t.workingDay)).decree = { off: false, act: t.act };
      entry(dayOf(t.dayOff)).decree = { off: true, act: t.act };
    }
  }
  const working = new Uint8Array(last - first + 1);
  for (let d = first; d <= last; d++) {
    const e = info.get(d);
    let isWorking = weekdayOfEpochDay(d) <= 5 && !e?.holidays.length && !e?.movedFrom;
    if (e?.decree) isWorking = !e.decree.off;
    working[d - first] = isWorking ? 1 : 0;
  }
  return { first, last, working, info };
}

const CAL = build();
export const CALENDAR_FIRST_DATE = formatEpochDay(CAL.first);
export const CALENDAR_LAST_DATE = formatEpochDay(CAL.last);
export const CALENDAR_FIRST_DAY = CAL.first;
export const CALENDAR_LAST_DAY = CAL.last;

/** Below this many days left, kuzet warns at start and the KuzetWorkingCalendarEnding alert fires. */
export const CALENDAR_WARN_DAYS = 90;

/** How far ahead the working calendar reaches from a moment, and how much of that is provisional. */
export interface CalendarHorizon {
  /** The last date the calendar covers. */
  lastDate: string;
  /** Days from the Astana date of the moment to {@link lastDate} (0 on that day, negative after it). */
  daysLeft: number;
  /** Days from the Astana date of the moment to {@link lastDate}, both included, that lie in provisional years. */
  provisionalDays: number;
  /** The years whose data is derived from the rules only (confidence `provisional`). */
  provisionalYears: number[];
}

const PROVISIONAL_YEARS = HOLIDAY_YEARS.filter((y) => y.confidence === 'provisional').map((y) => y.year);

/** The calendar's horizon seen from `nowMs`. */
export function calendarHorizon(nowMs: number): CalendarHorizon {
  const today = astanaEpochDay(nowMs);
  let provisionalDays = 0;
  for (const y of PROVISIONAL_YEARS) {
    const from = Math.max(today, epochDay(y, 1, 1));
    const to = epochDay(y, 12, 31);
    if (to >= from) provisionalDays += to - from + 1;
  }
  return { lastDate: CALENDAR_LAST_DATE, daysLeft: CAL.last - today, provisionalDays, provisionalYears: [...PROVISIONAL_YEARS] };
}

/**
 * The warning kuzet logs at start when fewer than {@link CALENDAR_WARN_DAYS} days are left: from then
 * on ETP decision deadlines (+5 working days) and SLA clocks that run past the end throw
 * {@link CalendarRangeError}. `undefined` while there is time.
 */
export function calendarEndWarning(nowMs: number): string | undefined {
  const h = calendarHorizon(nowMs);
  if (h.daysLeft >= CALENDAR_WARN_DAYS) return undefined;
  const when = h.daysLeft < 0 ? `ended ${-h.daysLeft} days ago` : `ends in ${h.daysLeft} days`;
  return `the working calendar ${when} (last date ${h.lastDate}): deadlines and SLA clocks past it fail as "outside the working calendar"; ${howToAddYear(Number(h.lastDate.slice(0, 4)) + 1)}`;
}

/** Whether an epoch day lies inside the years with holiday data. */
export function isCoveredEpochDay(d: number): boolean {
  return d >= CAL.first && d <= CAL.last;
}

/** Whether an Astana epoch day is a working day; throws {@link CalendarRangeError} outside the data. */
export function isWorkingEpochDay(d: number): boolean {
  if (d < CAL.first || d > CAL.last) throw new CalendarRangeError(formatEpochDay(d));
  return CAL.working[d - CAL.first] === 1;
}

/** The first working day strictly after `d`. */
export function nextWorkingEpochDay(d: number): number {
  let c = d + 1;
  while (!isWorkingEpochDay(c)) c++;
  return c;
}

/** The last working day strictly before `d`. */
export function previousWorkingEpochDay(d: number): number {
  let c = d - 1;
  while (!isWorkingEpochDay(c)) c--;
  return c;
}

/** The day `n` working days after `d` (before it when `n` is negative); `d` itself for 0. */
export function stepWorkingEpochDays(d: number, n: number): number {
  let c = d;
  for (let i = 0; i < n; i++) c = nextWorkingEpochDay(c);
  for (let i = 0; i > n; i--) c = previousWorkingEpochDay(c);
  return c;
}

function parseDay(date: string, field: string): number {
  const d = tryParseDateDay(date);
  if (d === undefined) throw new InputError('not a date YYYY-MM-DD', field);
  return d;
}

/** Whether the Astana date `YYYY-MM-DD` is a working day. */
export function isWorkingDay(date: string): boolean {
  return isWorkingEpochDay(parseDay(date, 'date'));
}

/** The first working day strictly after the date, `YYYY-MM-DD`. */
export function nextWorkingDay(date: string): string {
  return formatEpochDay(nextWorkingEpochDay(parseDay(date, 'date')));
}

/** The last working day strictly before the date, `YYYY-MM-DD`. */
export function previousWorkingDay(date: string): string {
  return formatEpochDay(previousWorkingEpochDay(parseDay(date, 'date')));
}

function dayLabel(d: number): string {
  return `${WEEKDAY_NAMES[weekdayOfEpochDay(d) - 1]} ${formatEpochDay(d)}`;
}

/** Whether the date is worked, and why, in words. */
export function dayInfoOfEpochDay(d: number): DayInfo {
  const workingDay = isWorkingEpochDay(d);
  const e = CAL.info.get(d);
  const weekday = WEEKDAY_NAMES[weekdayOfEpochDay(d) - 1] as string;
  const weekend = weekdayOfEpochDay(d) > 5;
  const parts: string[] = [];
  if (e?.decree) parts.push(`${e.decree.off ? 'day off' : `working ${weekday}`} by decree: ${e.decree.act}`);
  if (e?.movedFrom) parts.push(`day off moved from ${dayLabel(e.movedFrom.day)} (${e.movedFrom.name})`);
  for (const h of e?.holidays ?? []) {
    if (!weekend) parts.push(`public holiday: ${h.name}`);
    else if (h.moves) {
      const to = e?.movedTo?.map(formatEpochDay).join(', ');
      parts.push(`${weekday}; public holiday ${h.name}${to ? `, day off moved to ${to}` : ''}`);
    } else parts.push(`${weekday}; public holiday ${h.name} (never moved)`);
  }
  if (parts.length === 0) parts.push(weekend ? weekday : `working day (${weekday})`);
  return { date: formatEpochDay(d), workingDay, reason: parts.join('; '), holidays: (e?.holidays ?? []).map((h) => h.name) };
}

/** Whether the Astana date `YYYY-MM-DD` is worked, and why. */
export function dayInfo(date: string): DayInfo {
  return dayInfoOfEpochDay(parseDay(date, 'date'));
}

// ---- instants ----

/** The instant on Astana day `d` at the Astana wall-clock time of `timeOf`. */
export function atSameWallClock(d: number, timeOfMs: number): number {
  return astanaDayTimeToMs(d, astanaTimeOfDayMs(timeOfMs));
}

/** `n` working days after the instant's Astana date, at the same Astana wall-clock time. */
export function addWorkingDaysMs(ms: number, n: number): number {
  return atSameWallClock(stepWorkingEpochDays(astanaEpochDay(ms), n), ms);
}

/** `n` working days after the instant's Astana date, at the same Astana wall-clock time. */
export function addWorkingDays(at: Date, n: number): Date {
  return new Date(addWorkingDaysMs(at.getTime(), n));
}

/** `n` calendar days later at the same Astana wall-clock time. */
export function addCalendarDaysMs(ms: number, n: number): number {
  return atSameWallClock(astanaEpochDay(ms) + n, ms);
}

/** NWD(t) at a given wall-clock time: the first working day after the Astana date of `t`. */
export function nextWorkingDayAtMs(t: number, timeOfMs: number): number {
  return atSameWallClock(nextWorkingEpochDay(astanaEpochDay(t)), timeOfMs);
}

/** Astana midnight (start) of epoch day `d`. */
export function startOfEpochDayMs(d: number): number {
  return astanaDayTimeToMs(d, 0);
}
