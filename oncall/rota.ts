/**
 * Who is on call (issue #21 item 2): pure functions over the `oncall` config and an instant. They
 * read no clock: `atMs` is passed in. Hand-offs are Astana wall-clock times (UTC+05:00, no summer
 * time since 2005; the 2024-03-01 change of offset is handled by core/time).
 *
 * Precedence at an instant, highest first:
 *   1. an override covering it (the later one in the list when two overlap);
 *   2. `holidays`: on a covered non-working day of the working calendar (docs/rules.md §2), the named
 *      person, or the holiday layer's member (when that layer has begun);
 *   3. the layers other than the holiday layer, the later one in the list first.
 * A shift is one uninterrupted stretch of one assignment: a weekly shift cut by an override is two.
 */
import { InputError } from '../core/errors.ts';
import {
  MS_PER_DAY,
  astanaDayTimeToMs,
  astanaEpochDay,
  astanaTimeOfDayMs,
  formatEpochDay,
  tryParseDateDay,
  weekdayOfEpochDay,
} from '../core/time.ts';
import { CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE, dayInfo, isWorkingEpochDay } from '../incidents/index.ts';
import { WEEKDAYS, type HolidayRule, type Layer, type OncallConfig, type Person, type Schedule } from './config.ts';

/** Why the person holds the shift. */
export type ShiftSource =
  | { kind: 'override'; index: number; reason?: string }
  | { kind: 'holiday'; date: string; reason: string; layer?: string }
  | { kind: 'layer'; layer: string };

export interface Shift {
  schedule: string;
  person: Person;
  source: ShiftSource;
  startMs: number;
  endMs: number;
}

/** A schedule's id that is not configured: a 404 at the API, exit 2 at the CLI. */
export class UnknownScheduleError extends InputError {
  constructor(scheduleId: string, known: readonly string[]) {
    super(`no schedule "${scheduleId}"; known: ${known.join(', ') || '(none: the oncall section has no schedules)'}`, 'schedule');
  }
}

const FIRST_CAL_DAY = tryParseDateDay(CALENDAR_FIRST_DATE) as number;
const LAST_CAL_DAY = tryParseDateDay(CALENDAR_LAST_DATE) as number;

/** One assignment at an instant, with the key of the shift it belongs to and that shift's natural bounds. */
interface Assignment {
  personId: string;
  source: ShiftSource;
  key: string;
}

// ---- layers ----

interface LayerShift {
  member: string;
  index: number;
  startMs: number;
  endMs: number;
}

function layerFrame(l: Layer) {
  const weekday = WEEKDAYS.indexOf(l.handoff.weekday) + 1;
  const firstHandoffDay = l.start + ((weekday - weekdayOfEpochDay(l.start) + 7) % 7);
  const periodDays = 7 * l.everyWeeks;
  const startMs = astanaDayTimeToMs(l.start, l.handoff.time);
  const endMs = l.end === undefined ? Infinity : astanaDayTimeToMs(l.end, l.handoff.time);
  const handoffMs = (k: number) => astanaDayTimeToMs(firstHandoffDay + k * periodDays, l.handoff.time);
  // A start between hand-offs gives the first member a short first shift before the first hand-off.
  const partial = startMs < handoffMs(0) ? 1 : 0;
  return { firstHandoffDay, periodDays, startMs, endMs, handoffMs, partial };
}

/** The layer's shift holding `t`, or undefined before its start or from its end. */
export function layerShiftAt(l: Layer, t: number): LayerShift | undefined {
  const f = layerFrame(l);
  if (t < f.startMs || t >= f.endMs) return undefined;
  const clip = (index: number, s: number, e: number): LayerShift => ({
    member: l.members[index % l.members.length] as string,
    index,
    startMs: Math.max(s, f.startMs),
    endMs: Math.min(e, f.endMs),
  });
  if (t < f.handoffMs(0)) return clip(0, f.startMs, f.handoffMs(0));
  let k = Math.floor((astanaEpochDay(t) - f.firstHandoffDay) / f.periodDays);
  while (f.handoffMs(k) > t) k--;
  while (f.handoffMs(k + 1) <= t) k++;
  return clip(k + f.partial, f.handoffMs(k), f.handoffMs(k + 1));
}

/** The layer's hand-off instants (and its start and end) within [a, b]. */
function layerBoundaries(l: Layer, a: number, b: number): number[] {
  const f = layerFrame(l);
  const out = [f.startMs, f.endMs];
  let k = Math.max(0, Math.floor((astanaEpochDay(a) - f.firstHandoffDay) / f.periodDays) - 1);
  for (let h = f.handoffMs(k); h <= b; h = f.handoffMs(++k)) if (h >= a) out.push(h);
  return out;
}

// ---- holidays ----

/** Whether the Astana epoch day is covered by the holiday rule; days outside the calendar's data are not. */
function holidayDay(rule: HolidayRule, d: number): boolean {
  if (d < FIRST_CAL_DAY || d > LAST_CAL_DAY || isWorkingEpochDay(d)) return false;
  return rule.days === 'non-working' || weekdayOfEpochDay(d) <= 5;
}

/** The day whose holiday window [d at `from`, d+1 at `from`) holds `t`. */
function holidayWindowDay(rule: HolidayRule, t: number): number {
  const d = astanaEpochDay(t);
  return astanaTimeOfDayMs(t) >= rule.from ? d : d - 1;
}

function holidayAssignment(s: Schedule, t: number): Assignment | undefined {
  const rule = s.holidays;
  if (!rule) return undefined;
  const d = holidayWindowDay(rule, t);
  if (!holidayDay(rule, d)) return undefined;
  const date = formatEpochDay(d);
  const reason = dayInfo(date).reason;
  if (rule.person !== undefined) return { personId: rule.person, source: { kind: 'holiday', date, reason }, key: 'holiday' };
  const layer = s.layers.find((l) => l.id === rule.layer);
  const shift = layer && layerShiftAt(layer, t);
  if (!layer || !shift) return undefined;
  return { personId: shift.member, source: { kind: 'holiday', date, reason, layer: layer.id }, key: `holiday:${shift.index}` };
}

// ---- one schedule ----

function assignmentAt(s: Schedule, t: number): Assignment | undefined {
  for (let i = s.overrides.length - 1; i >= 0; i--) {
    const o = s.overrides[i]!;
    if (o.from <= t && t < o.to) {
      const source: ShiftSource =
        o.reason === undefined ? { kind: 'override', index: i } : { kind: 'override', index: i, reason: o.reason };
      return { personId: o.person, source, key: `override:${i}` };
    }
  }
  const holiday = holidayAssignment(s, t);
  if (holiday) return holiday;
  for (let i = s.layers.length - 1; i >= 0; i--) {
    const l = s.layers[i]!;
    if (l.id === s.holidays?.layer) continue;
    const shift = layerShiftAt(l, t);
    if (shift) return { personId: shift.member, source: { kind: 'layer', layer: l.id }, key: `layer:${l.id}:${shift.index}` };
  }
  return undefined;
}

/** Every instant in [a, b] where the assignment may change. */
function boundaries(s: Schedule, a: number, b: number): number[] {
  const out = [a, b];
  for (const l of s.layers) out.push(...layerBoundaries(l, a, b));
  for (const o of s.overrides) out.push(o.from, o.to);
  const rule = s.holidays;
  if (rule) {
    for (let d = astanaEpochDay(a) - 1; d <= astanaEpochDay(b) + 1; d++) {
      if (holidayDay(rule, d)) out.push(astanaDayTimeToMs(d, rule.from), astanaDayTimeToMs(d + 1, rule.from));
    }
  }
  return [...new Set(out.filter((x) => x >= a && x <= b))].sort((x, y) => x - y);
}

function scheduleOf(oncall: OncallConfig, scheduleId: string): Schedule {
  const s = oncall.schedules.find((x) => x.id === scheduleId);
  if (!s)
    throw new UnknownScheduleError(
      scheduleId,
      oncall.schedules.map((x) => x.id),
    );
  return s;
}

function personOf(oncall: OncallConfig, personId: string): Person {
  const p = oncall.people.find((x) => x.id === personId);
  // The config's cross-check names every member; a missing one is a bug, not input.
  if (!p) throw new Error(`oncall: no person "${personId}" (the config check should have refused this)`);
  return p;
}

/** The merged shifts of a schedule within [a, b]; the first and last are cut at a and b. */
function segments(oncall: OncallConfig, s: Schedule, a: number, b: number): Shift[] {
  const cuts = boundaries(s, a, b);
  const out: (Shift & { key: string })[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [x, y] = [cuts[i]!, cuts[i + 1]!];
    const a = assignmentAt(s, x);
    if (!a) continue;
    const last = out[out.length - 1];
    if (last && last.key === a.key && last.endMs === x) last.endMs = y;
    else out.push({ schedule: s.id, person: personOf(oncall, a.personId), source: a.source, startMs: x, endMs: y, key: a.key });
  }
  return out.map(({ key: _key, ...shift }) => shift);
}

/** How far around an instant to look so that its whole shift is seen (the longest shift, plus a day). */
function horizonMs(s: Schedule): number {
  const weeks = Math.max(1, ...s.layers.map((l) => l.everyWeeks));
  const longestOverride = Math.max(0, ...s.overrides.map((o) => o.to - o.from));
  return Math.max(weeks * 7 * MS_PER_DAY, longestOverride, 31 * MS_PER_DAY) + MS_PER_DAY;
}

/** The whole shifts of a schedule that overlap [fromMs, toMs), by start. */
export function shiftsBetween(oncall: OncallConfig, scheduleId: string, fromMs: number, toMs: number): Shift[] {
  const s = scheduleOf(oncall, scheduleId);
  const w = horizonMs(s);
  return segments(oncall, s, fromMs - w, toMs + w).filter((x) => x.startMs < toMs && x.endMs > fromMs);
}

/**
 * Who is on call for the schedule at `atMs`: the person, why (layer, override or holiday) and the
 * shift's start and end; undefined when nobody is (before the first layer starts, after the last ends).
 * @throws UnknownScheduleError when the schedule is not configured.
 */
export function onCallAt(oncall: OncallConfig, scheduleId: string, atMs: number): Shift | undefined {
  return shiftsBetween(oncall, scheduleId, atMs, atMs + 1).find((x) => x.startMs <= atMs && atMs < x.endMs);
}

/** Every schedule's on-call person at `atMs`, in config order (`shift` undefined where nobody is). */
export function onCallNow(oncall: OncallConfig, atMs: number): { schedule: Schedule; shift: Shift | undefined }[] {
  return oncall.schedules.map((schedule) => ({ schedule, shift: onCallAt(oncall, schedule.id, atMs) }));
}

/** One person's shifts over every schedule overlapping [fromMs, toMs), by start. */
export function personShifts(oncall: OncallConfig, personId: string, fromMs: number, toMs: number): Shift[] {
  return oncall.schedules
    .flatMap((s) => shiftsBetween(oncall, s.id, fromMs, toMs))
    .filter((x) => x.person.id === personId)
    .sort((x, y) => x.startMs - y.startMs || x.schedule.localeCompare(y.schedule));
}
