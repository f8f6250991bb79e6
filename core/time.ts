/**
 * Astana time for the whole project, independent of the host's time zone.
 *
 * Kazakhstan has one zone (IANA `Asia/Almaty`): UTC+06:00 from 2005 until 2024-03-01 00:00 local
 * time, UTC+05:00 since then. Those two offsets are kept as a table so the hot paths (formatting
 * 100,000 deadlines) are plain integer arithmetic; instants before 2005 (when the zone still had
 * summer time) are resolved through `Intl` with `timeZone: 'Asia/Almaty'`. Nothing here reads the
 * host's zone: every `Date` is handled through its UTC fields only.
 *
 * Instants are epoch milliseconds (`number`) or `Date`; calendar dates are `YYYY-MM-DD` strings or
 * epoch-day numbers (days since 1970-01-01 of the Astana calendar).
 */
import { InputError } from './errors.ts';

export const ASTANA_ZONE = 'Asia/Almaty';
export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

/** The error text for a date-time that is not ISO 8601 with an explicit offset. */
export const NOT_DATE_TIME = 'not an ISO 8601 date-time with offset';
/** The error text for a date that is not `YYYY-MM-DD`. */
export const NOT_DATE = 'not a date YYYY-MM-DD';

export type Instant = Date | number;

/** A civil (wall-clock) date and time in Astana. `month` is 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

export interface AstanaParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** The offset from UTC in minutes (300 = +05:00). */
  offsetMinutes: number;
}

// 2024-03-01T00:00+06:00: Kazakhstan moved from +06:00 to +05:00 (government decree of 2023-12-29).
const SINGLE_ZONE_SWITCH_MS = Date.UTC(2024, 1, 29, 18, 0, 0);
// From here on the zone had no summer time (its last summer time ended in October 2004).
const FIXED_FROM_MS = Date.UTC(2004, 11, 31, 18, 0, 0);

function toMs(instant: Instant): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

let intlOffsetFormat: Intl.DateTimeFormat | undefined;
function intlOffsetMinutes(ms: number): number {
  intlOffsetFormat ??= new Intl.DateTimeFormat('en-US', { timeZone: ASTANA_ZONE, timeZoneName: 'longOffset' });
  const name = intlOffsetFormat.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** Astana's offset from UTC at the instant, in minutes (300 since 2024-03-01, 360 before). */
export function astanaOffsetMinutes(instant: Instant): number {
  const ms = toMs(instant);
  if (ms >= SINGLE_ZONE_SWITCH_MS) return 300;
  if (ms >= FIXED_FROM_MS) return 360;
  return intlOffsetMinutes(ms);
}

// ---- proleptic Gregorian day arithmetic (H. Hinnant's algorithms), no Date objects involved ----

/** Days since 1970-01-01 of a civil date. */
export function epochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of an epoch day. */
export function civilFromEpochDay(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday of an epoch day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

export function daysInMonth(year: number, month: number): number {
  return epochDay(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - epochDay(year, month, 1);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n >= 0 && n < 10000 ? String(n).padStart(4, '0') : String(n);
}

/** `YYYY-MM-DD` of an epoch day. */
export function formatEpochDay(days: number): string {
  const c = civilFromEpochDay(days);
  return `${pad4(c.year)}-${pad2(c.month)}-${pad2(c.day)}`;
}

// ---- parsing ----

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validCivil(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Epoch milliseconds of an ISO 8601 date-time with an explicit offset (`Z` or `±HH:MM`), e.g.
 * `2026-03-20T13:10:00+05:00`, seconds and a fraction optional; `undefined` when the text is
 * anything else (no offset, a bare date, an impossible date or time). Hand-parsed rather than a
 * regular expression: the deadlines input can hold a million of these.
 */
export function tryParseDateTimeMs(text: string): number | undefined {
  const n = text.length;
  if (n < 17 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58)
    return undefined;
  const y1 = twoDigits(text, 0);
  const y2 = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  if (y1 < 0 || y2 < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return undefined;
  const year = y1 * 100 + y2;
  let i = 16;
  let second = 0;
  let ms = 0;
  if (text.charCodeAt(i) === 58) {
    second = twoDigits(text, i + 1);
    if (second < 0) return undefined;
    i += 3;
    if (text.charCodeAt(i) === 46) {
      let digits = 0;
      let scale = 100;
      i++;
      for (let c = text.charCodeAt(i) - 48; c >= 0 && c <= 9; c = text.charCodeAt(i) - 48) {
        if (++digits > 9) return undefined;
        ms += c * scale;
        scale /= 10;
        i++;
      }
      if (digits === 0) return undefined;
      ms = Math.floor(ms);
    }
  }
  let offset: number;
  const zone = text.charCodeAt(i);
  if (zone === 90 && i + 1 === n) offset = 0;
  else if ((zone === 43 || zone === 45) && i + 6 === n && text.charCodeAt(i + 3) === 58) {
    const oh = twoDigits(text, i + 1);
    const om = twoDigits(text, i + 4);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return undefined;
    offset = (oh * 60 + om) * (zone === 45 ? -1 : 1);
  } else return undefined;
  if (!validCivil(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  return (epochDay(year, month, day) * 1440 + hour * 60 + minute - offset) * MS_PER_MINUTE + second * 1000 + ms;
}

/** Like {@link tryParseDateTimeMs}, throwing an {@link InputError} named after `field`. */
export function parseDateTimeMs(text: string, field = ''): number {
  const ms = tryParseDateTimeMs(text);
  if (ms === undefined) throw new InputError(NOT_DATE_TIME, field);
  return ms;
}

/** Parses an ISO 8601 date-time with offset into a `Date`; throws `InputError` naming `field`. */
export function parseDateTime(text: string, field = ''): Date {
  return new Date(parseDateTimeMs(text, field));
}

/** Epoch day of a `YYYY-MM-DD` date, or `undefined`. */
export function tryParseDateDay(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!validCivil(year, month, day)) return undefined;
  return epochDay(year, month, day);
}

/** Parses `YYYY-MM-DD` into its civil parts; throws `InputError` naming `field`. */
export function parseDate(text: string, field = ''): { year: number; month: number; day: number } {
  const days = tryParseDateDay(text);
  if (days === undefined) throw new InputError(NOT_DATE, field);
  return civilFromEpochDay(days);
}

// ---- instants <-> Astana wall clock ----

/** The Astana epoch day (calendar date) of an instant. */
export function astanaEpochDay(instant: Instant): number {
  const ms = toMs(instant);
  return Math.floor((ms + astanaOffsetMinutes(ms) * MS_PER_MINUTE) / MS_PER_DAY);
}

/** The Astana calendar date of an instant, `YYYY-MM-DD`. */
export function astanaDate(instant: Instant): string {
  return formatEpochDay(astanaEpochDay(instant));
}

/** Milliseconds since Astana midnight of the instant's Astana date. */
export function astanaTimeOfDayMs(instant: Instant): number {
  const ms = toMs(instant);
  const local = ms + astanaOffsetMinutes(ms) * MS_PER_MINUTE;
  return local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY;
}

/** All Astana wall-clock fields of an instant. */
export function astanaParts(instant: Instant): AstanaParts {
  const ms = toMs(instant);
  const offsetMinutes = astanaOffsetMinutes(ms);
  const local = ms + offsetMinutes * MS_PER_MINUTE;
  const days = Math.floor(local / MS_PER_DAY);
  const tod = local - days * MS_PER_DAY;
  const c = civilFromEpochDay(days);
  return {
    ...c,
    hour: Math.floor(tod / 3_600_000),
    minute: Math.floor(tod / MS_PER_MINUTE) % 60,
    second: Math.floor(tod / 1000) % 60,
    millisecond: tod % 1000,
    weekday: weekdayOfEpochDay(days),
    offsetMinutes,
  };
}

/**
 * The instant of an Astana epoch day plus milliseconds since local midnight. A wall-clock time that
 * happened twice (2024-02-29 23:00–23:59, when clocks went back) resolves to the earlier instant.
 */
export function astanaDayTimeToMs(days: number, timeOfDayMs: number): number {
  const local = days * MS_PER_DAY + timeOfDayMs;
  // Try the earlier (larger) offset first so a repeated wall-clock time gets its first occurrence.
  const first = local - 360 * MS_PER_MINUTE;
  if (first >= FIXED_FROM_MS && first < SINGLE_ZONE_SWITCH_MS) return first;
  const second = local - 300 * MS_PER_MINUTE;
  if (second >= SINGLE_ZONE_SWITCH_MS) return second;
  // Before 2005: ask Intl for the offset, twice to settle across a transition.
  let guess = local - intlOffsetMinutes(local) * MS_PER_MINUTE;
  guess = local - intlOffsetMinutes(guess) * MS_PER_MINUTE;
  return guess;
}

/** The instant of an Astana wall-clock time, as epoch milliseconds. */
export function astanaWallClockToMs(w: WallClock): number {
  const tod = ((w.hour ?? 0) * 60 + (w.minute ?? 0)) * MS_PER_MINUTE + (w.second ?? 0) * 1000 + (w.millisecond ?? 0);
  return astanaDayTimeToMs(epochDay(w.year, w.month, w.day), tod);
}

/** The instant of an Astana wall-clock time. */
export function fromAstanaWallClock(w: WallClock): Date {
  return new Date(astanaWallClockToMs(w));
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => pad2(i));
const dayPrefixCache = new Map<number, string>();

/** `YYYY-MM-DD` of an epoch day, cached: formatting 100,000 deadlines meets few distinct days. */
function cachedDayPrefix(days: number): string {
  let p = dayPrefixCache.get(days);
  if (p === undefined) {
    if (dayPrefixCache.size >= 10_000) dayPrefixCache.clear();
    p = formatEpochDay(days);
    dayPrefixCache.set(days, p);
  }
  return p;
}

/** `YYYY-MM-DDTHH:MM:SS+05:00` in Astana time (`+06:00` before 2024-03-01); sub-seconds are cut. */
export function formatAstana(instant: Instant): string {
  const ms = toMs(instant);
  const offset = astanaOffsetMinutes(ms);
  const local = ms + offset * MS_PER_MINUTE;
  const days = Math.floor(local / MS_PER_DAY);
  const seconds = Math.floor((local - days * MS_PER_DAY) / 1000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${cachedDayPrefix(days)}T${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:` +
    `${TWO_DIGITS[seconds % 60]}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}
