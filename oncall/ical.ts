/**
 * Each person's shifts as an iCalendar feed (issue #21 item 2), in Astana time: every event carries
 * `TZID=Asia/Almaty` and the calendar its VTIMEZONE, so a calendar app shows 09:00 hand-offs as 09:00
 * whatever zone the reader's device is in. Built with ical-generator; nothing here reads the host zone.
 */
import ical, { ICalCalendarMethod } from 'ical-generator';
import { ASTANA_ZONE, astanaParts } from '../core/time.ts';
import type { OncallConfig } from './config.ts';
import { personShifts, type Shift } from './rota.ts';

/**
 * Astana's zone for calendar apps: UTC+06:00 from 2004-10-31 (no summer time after), UTC+05:00 from
 * 2024-03-01 00:00 (core/time.ts has the same two offsets).
 */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${ASTANA_ZONE}`,
  'BEGIN:STANDARD',
  'DTSTART:20041031T020000',
  'TZOFFSETFROM:+0700',
  'TZOFFSETTO:+0600',
  'TZNAME:+06',
  'END:STANDARD',
  'BEGIN:STANDARD',
  'DTSTART:20240301T000000',
  'TZOFFSETFROM:+0600',
  'TZOFFSETTO:+0500',
  'TZNAME:+05',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/**
 * An instant whose local fields are its Astana wall clock, in the shape ical-generator takes for a
 * zoned date (a TZDate: `internal`, `withTimeZone`, `tzComponents`), so it writes `DTSTART;TZID=…`
 * with Astana's wall-clock time instead of the host's.
 */
class AstanaDate extends Date {
  readonly timeZone = ASTANA_ZONE;
  readonly internal: Date;
  private readonly parts: ReturnType<typeof astanaParts>;
  constructor(ms: number) {
    super(ms);
    this.parts = astanaParts(ms);
    this.internal = new Date(ms + this.parts.offsetMinutes * 60_000);
  }
  withTimeZone(): AstanaDate {
    return this;
  }
  tzComponents() {
    return this.parts;
  }
  override getFullYear(): number {
    return this.parts.year;
  }
  override getMonth(): number {
    return this.parts.month - 1;
  }
  override getDate(): number {
    return this.parts.day;
  }
  override getHours(): number {
    return this.parts.hour;
  }
  override getMinutes(): number {
    return this.parts.minute;
  }
  override getSeconds(): number {
    return this.parts.second;
  }
}

/** How far back and ahead a feed reaches. */
export const FEED_PAST_MS = 30 * 86_400_000;
export const FEED_AHEAD_MS = 180 * 86_400_000;

const SOURCE_TEXT: Record<Shift['source']['kind'], string> = {
  layer: 'rota',
  override: 'override',
  holiday: 'holiday (working calendar)',
};

function describe(s: Shift): string {
  const src = s.source;
  if (src.kind === 'layer') return `Schedule ${s.schedule}, layer ${src.layer}.`;
  if (src.kind === 'override') return `Schedule ${s.schedule}, override${src.reason ? `: ${src.reason}` : ''}.`;
  return `Schedule ${s.schedule}, ${src.date}: ${src.reason}${src.layer ? ` (layer ${src.layer})` : ''}.`;
}

/** The person's shifts from 30 days back to 180 days ahead of `nowMs`, as iCalendar text. */
export function shiftsFeed(oncall: OncallConfig, personId: string, nowMs: number, consoleUrl?: string): string {
  const person = oncall.people.find((p) => p.id === personId);
  const cal = ical({
    name: `kuzet on-call: ${person?.name ?? personId}`,
    prodId: { company: 'kuzet', product: 'oncall', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone name: ical-generator would then write DTSTAMP in it without `Z`; the events name the zone
    // and the generator adds its VTIMEZONE.
    timezone: { name: null, generator: (tz) => (tz === ASTANA_ZONE ? VTIMEZONE : null) },
    x: [{ key: 'X-WR-TIMEZONE', value: ASTANA_ZONE }],
    ttl: 3600,
  });
  for (const s of personShifts(oncall, personId, nowMs - FEED_PAST_MS, nowMs + FEED_AHEAD_MS)) {
    cal.createEvent({
      id: `kuzet-oncall-${s.schedule}-${personId}-${s.startMs}@kuzet`,
      start: new AstanaDate(s.startMs),
      end: new AstanaDate(s.endMs),
      timezone: ASTANA_ZONE,
      stamp: new Date(nowMs),
      summary: `On call: ${s.schedule} (${SOURCE_TEXT[s.source.kind]})`,
      description: describe(s),
      ...(consoleUrl ? { url: `${consoleUrl}/console/oncall` } : {}),
    });
  }
  return cal.toString();
}
