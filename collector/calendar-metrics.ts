/**
 * The end of the working calendar, made visible before it bites: past its last date ETP decision
 * deadlines (+5 working days) and SLA clocks with working hours throw "outside the working calendar".
 * Two gauges read at scrape time (kuzet_calendar_left_seconds, kuzet_calendar_provisional_seconds:
 * whole days in seconds, the base unit Prometheus expects; the KuzetWorkingCalendarEnding alert reads
 * the first) and a warning in the log at start.
 */
import client from 'prom-client';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { calendarEndWarning, calendarHorizon } from '../incidents/index.ts';

const registered = new WeakSet<client.Registry>();
export const DAY_SECONDS = 86_400;

/** Registers the calendar gauges on `registry` (once per registry); each scrape reads `now`. */
export function registerCalendarMetrics(registry: client.Registry, now: () => Date): void {
  if (registered.has(registry)) return;
  registered.add(registry);
  const c = METRIC_CATALOGUE;
  new client.Gauge({
    name: c.calendarDaysLeft.name,
    help: c.calendarDaysLeft.help,
    registers: [registry],
    collect() {
      this.set(calendarHorizon(now().getTime()).daysLeft * DAY_SECONDS);
    },
  });
  new client.Gauge({
    name: c.calendarProvisionalDays.name,
    help: c.calendarProvisionalDays.help,
    registers: [registry],
    collect() {
      this.set(calendarHorizon(now().getTime()).provisionalDays * DAY_SECONDS);
    },
  });
}

/** Logs a warning when the calendar ends in fewer than CALENDAR_WARN_DAYS days; returns whether it did. */
export function warnIfCalendarEndsSoon(log: { warn(obj: object, msg: string): void }, now: Date): boolean {
  const warning = calendarEndWarning(now.getTime());
  if (!warning) return false;
  const h = calendarHorizon(now.getTime());
  log.warn({ calendarLastDate: h.lastDate, daysLeft: h.daysLeft, provisionalYears: h.provisionalYears }, warning);
  return true;
}
