/** The on-call capability (issue #21 items 2–3): people, schedules and who is on call; mutes and silenced alerts. */
export { HOLIDAY_DAYS, WEEKDAYS, oncallSchema } from './config.ts';
export type { HolidayRule, Layer, OncallConfig, Override, Person, Schedule, Weekday } from './config.ts';
export { UnknownScheduleError, layerShiftAt, onCallAt, onCallNow, personShifts, shiftsBetween } from './rota.ts';
export type { Shift, ShiftSource } from './rota.ts';
export { onCallView, scheduleNow, shiftView } from './views.ts';
export type { ScheduleNow, ShiftView } from './views.ts';
export { shiftsFeed } from './ical.ts';
export { MAX_MUTE_MS, MUTE_SCOPES, MuteService, muteCovers, muteInput, muteOf, placeOf } from './mutes.ts';
export type { CheckPlace, Mute, MuteActor, MuteScope } from './mutes.ts';
export { AlertSilencer, SILENCER_ACTOR, silenceOf } from './silence.ts';
export type { AlertSubject, MaintenanceWindow, Silence } from './silence.ts';
export { createOncallPart, maintenanceCovering } from './oncall.part.ts';
export type { OncallPart, OncallPartDeps } from './oncall.part.ts';
export { registerOncallCommands } from './oncall.cli.ts';
export { peopleWithFeeds } from './oncall.routes.ts';
