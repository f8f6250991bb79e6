/** How the API, CLI and console show who is on call: Astana times, the person and why. */
import { formatAstana } from '../core/time.ts';
import type { OncallConfig, Person, Schedule } from './config.ts';
import { onCallAt, shiftsBetween, type Shift } from './rota.ts';

export interface ShiftView {
  schedule: string;
  person: Person;
  source: Shift['source'];
  start: string;
  end: string;
}

export const shiftView = (s: Shift): ShiftView => ({
  schedule: s.schedule,
  person: s.person,
  source: s.source,
  start: formatAstana(s.startMs),
  end: formatAstana(s.endMs),
});

export interface ScheduleNow {
  id: string;
  name: string | null;
  /** Who is on call at the instant, or null when nobody is (before the first layer, after the last). */
  onCall: ShiftView | null;
  /** The shift after it, when there is one within the next 8 weeks. */
  next: ShiftView | null;
}

const AHEAD_MS = 56 * 86_400_000;

export function scheduleNow(oncall: OncallConfig, s: Schedule, atMs: number): ScheduleNow {
  const now = onCallAt(oncall, s.id, atMs);
  const from = now ? now.endMs : atMs;
  const next = shiftsBetween(oncall, s.id, from, from + AHEAD_MS).find((x) => x.startMs >= from);
  return { id: s.id, name: s.name ?? null, onCall: now ? shiftView(now) : null, next: next ? shiftView(next) : null };
}

/** Every schedule's on-call person at the instant, in config order. */
export function onCallView(oncall: OncallConfig, atMs: number): { at: string; schedules: ScheduleNow[] } {
  return { at: formatAstana(atMs), schedules: oncall.schedules.map((s) => scheduleNow(oncall, s, atMs)) };
}
