/** The on-call capability (issue #21 items 2–3): people, schedules and who is on call. */
export { HOLIDAY_DAYS, WEEKDAYS, oncallSchema } from './config.ts';
export type { HolidayRule, Layer, OncallConfig, Override, Person, Schedule, Weekday } from './config.ts';
export { UnknownScheduleError, layerShiftAt, onCallAt, onCallNow, personShifts, shiftsBetween } from './rota.ts';
export type { Shift, ShiftSource } from './rota.ts';
