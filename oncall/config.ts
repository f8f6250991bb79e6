/**
 * `oncall` in kuzet.yaml (issue #21 item 2): the people who take calls and their schedules (rotas).
 * Pure zod, no I/O and no import of the rest of kuzet beyond core/time, so core/config.ts can embed
 * it without a cycle. An empty or missing section is valid: nobody is on call.
 *
 * A schedule is a list of layers (weekly rotations); where several cover an instant the LATER layer
 * in the list wins (so a new rota is a new layer with a later `start`). On the days the working
 * calendar (docs/rules.md §2) makes non-working, `holidays` hands the shift to a named person or
 * layer. Explicit `overrides` beat everything. All wall-clock times are Astana time (UTC+05:00).
 */
import { z } from 'zod';
import { tryParseDateDay, tryParseDateTimeMs } from '../core/time.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"');

/** ISO weekday names; Monday is 1. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Which days `holidays` covers: days off on what would be a working weekday, or every non-working day (weekends too). */
export const HOLIDAY_DAYS = ['days-off', 'non-working'] as const;

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** An Astana wall-clock time `HH:MM`, parsed to milliseconds since midnight. */
const timeOfDay = z
  .string({ error: 'expected a time "HH:MM" (Astana time)' })
  .regex(TIME_RE, 'expected a time "HH:MM" (Astana time), e.g. "09:00"')
  .transform((v) => (Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5))) * 60_000);

/** A date `YYYY-MM-DD` (Astana calendar), parsed to its epoch day. */
const date = z.string({ error: 'expected a date YYYY-MM-DD' }).transform((v, ctx) => {
  const d = tryParseDateDay(v);
  if (d === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a date YYYY-MM-DD' });
    return z.NEVER;
  }
  return d;
});

/** A date-time with an explicit offset (`2026-03-09T09:00:00+05:00`), parsed to epoch ms. */
const dateTime = z.string({ error: 'expected an ISO 8601 date-time with offset, e.g. "2026-03-09T09:00:00+05:00"' }).transform((v, ctx) => {
  const ms = tryParseDateTimeMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date-time with offset, e.g. "2026-03-09T09:00:00+05:00"' });
    return z.NEVER;
  }
  return ms;
});

export const personSchema = z.strictObject({
  id,
  name: z.string().trim().min(1, 'must not be empty'),
  email: z.email({ error: 'not an e-mail address' }),
  /** The person's Slack member id (`U012ABCDEF`), for mentions. */
  slack: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack member id such as "U012ABCDEF"')
    .optional(),
  phone: z.string().trim().min(1, 'must not be empty').optional(),
});

export const layerSchema = z.strictObject({
  id,
  /** Who takes the shifts, in order; the first takes the first shift. */
  members: z.array(id).min(1, 'name at least one person'),
  /** When one member hands over to the next, every `everyWeeks` weeks, Astana time. */
  handoff: z.strictObject({
    weekday: z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }),
    time: timeOfDay,
  }),
  /** @default 1 */
  everyWeeks: z.number().int().min(1).max(52).default(1),
  /** The layer starts at the hand-off time on this date; the first member is on until the first hand-off after it. */
  start: date,
  /** The layer ends at the hand-off time on this date (not included). */
  end: date.optional(),
});

export const overrideSchema = z.strictObject({
  person: id,
  from: dateTime,
  to: dateTime,
  reason: z.string().optional(),
});

/**
 * Days the working calendar makes non-working go to `person`, or to `layer` (a layer of this schedule
 * used only on those days). A covered day runs from `from` on that date to `from` on the next date.
 */
export const holidaysSchema = z
  .strictObject({
    /** `days-off`: public holidays and moved days off on Monday–Friday; `non-working`: weekends too. @default "days-off" */
    days: z.enum(HOLIDAY_DAYS, { error: `must be one of ${HOLIDAY_DAYS.join(', ')}` }).default('days-off'),
    /** @default "00:00" */
    from: timeOfDay.default(0),
    person: id.optional(),
    layer: id.optional(),
  })
  .refine((h) => (h.person === undefined) !== (h.layer === undefined), 'name exactly one of person or layer');

export const scheduleSchema = z.strictObject({
  id,
  name: z.string().optional(),
  layers: z.array(layerSchema).min(1, 'at least one layer'),
  overrides: z.array(overrideSchema).default([]),
  holidays: holidaysSchema.optional(),
});

/**
 * One step of the escalation policy (issue #21 item 1): while nobody has acknowledged an incident's
 * alert, `afterMinutes` after it was raised `who` (a person, or whoever a schedule has on call then) is
 * told through `channel` (an id of notifications.channels; core/config.ts checks it exists).
 */
export const escalationStepSchema = z.strictObject({
  /** Minutes after the alert; fractions allowed (0.5 = 30 s). Strictly increasing from step to step. */
  afterMinutes: z
    .number({ error: 'expected a number of minutes' })
    .positive('must be more than 0')
    .max(7 * 24 * 60, 'at most a week'),
  who: z.union([z.strictObject({ person: id }), z.strictObject({ schedule: id })], {
    error: 'expected { person: <id> } or { schedule: <id> }',
  }),
  channel: z.string().min(1, 'name a channel of notifications.channels'),
});

export const escalationSchema = z.strictObject({
  steps: z.array(escalationStepSchema).max(10, 'at most 10 steps').default([]),
});

/** The steps name configured people and schedules, later steps come later. */
function checkEscalation(o: { people: Person[]; schedules: Schedule[]; escalation: Escalation }, ctx: z.RefinementCtx): void {
  const people = new Set(o.people.map((p) => p.id));
  const schedules = new Set(o.schedules.map((s) => s.id));
  o.escalation.steps.forEach((step, i) => {
    const at = ['escalation', 'steps', i];
    if ('person' in step.who && !people.has(step.who.person))
      ctx.addIssue({ code: 'custom', path: [...at, 'who', 'person'], message: `no person "${step.who.person}" in oncall.people` });
    if ('schedule' in step.who && !schedules.has(step.who.schedule))
      ctx.addIssue({ code: 'custom', path: [...at, 'who', 'schedule'], message: `no schedule "${step.who.schedule}" in oncall.schedules` });
    const prev = o.escalation.steps[i - 1];
    if (prev && step.afterMinutes <= prev.afterMinutes)
      ctx.addIssue({ code: 'custom', path: [...at, 'afterMinutes'], message: `must be after the previous step's ${prev.afterMinutes}` });
  });
}

/** What names (people, schedules, layers) must agree with across the section. */
function checkOncall(o: { people: Person[]; schedules: Schedule[] }, ctx: z.RefinementCtx): void {
  const people = new Set<string>();
  o.people.forEach((p, i) => {
    if (people.has(p.id)) ctx.addIssue({ code: 'custom', path: ['people', i, 'id'], message: `duplicate person id "${p.id}"` });
    people.add(p.id);
  });
  const knownPerson = (pid: string, path: PropertyKey[]) => {
    if (!people.has(pid)) ctx.addIssue({ code: 'custom', path, message: `no person "${pid}" in oncall.people` });
  };
  const scheduleIds = new Set<string>();
  o.schedules.forEach((s, si) => {
    if (scheduleIds.has(s.id)) ctx.addIssue({ code: 'custom', path: ['schedules', si, 'id'], message: `duplicate schedule id "${s.id}"` });
    scheduleIds.add(s.id);
    const layerIds = new Set<string>();
    s.layers.forEach((l, li) => {
      const at = ['schedules', si, 'layers', li];
      if (layerIds.has(l.id)) ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `duplicate layer id "${l.id}"` });
      layerIds.add(l.id);
      l.members.forEach((m, mi) => knownPerson(m, [...at, 'members', mi]));
      if (l.end !== undefined && l.end <= l.start) ctx.addIssue({ code: 'custom', path: [...at, 'end'], message: 'must be after start' });
    });
    s.overrides.forEach((ov, oi) => {
      knownPerson(ov.person, ['schedules', si, 'overrides', oi, 'person']);
      if (ov.to <= ov.from) ctx.addIssue({ code: 'custom', path: ['schedules', si, 'overrides', oi, 'to'], message: 'must be after from' });
    });
    if (s.holidays?.person !== undefined) knownPerson(s.holidays.person, ['schedules', si, 'holidays', 'person']);
    if (s.holidays?.layer !== undefined && !layerIds.has(s.holidays.layer))
      ctx.addIssue({
        code: 'custom',
        path: ['schedules', si, 'holidays', 'layer'],
        message: `no layer "${s.holidays.layer}" in this schedule`,
      });
    if (s.holidays?.layer !== undefined && s.layers.length < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['schedules', si, 'holidays', 'layer'],
        message: 'the holiday layer needs another layer for the other days',
      });
  });
}

/**
 * The `oncall` section. Cross-references are checked in {@link checkOncall}: every member, override
 * and holiday person names a person, every holiday layer a layer of its schedule.
 */
export const oncallSchema = z
  .strictObject({
    people: z.array(personSchema).default([]),
    schedules: z.array(scheduleSchema).default([]),
    /** Who is told, when and how, while an incident's alert stays unacknowledged; none: nobody is re-notified. */
    escalation: escalationSchema.default({ steps: [] }),
  })
  .superRefine(checkOncall)
  .superRefine(checkEscalation)
  .default({ people: [], schedules: [], escalation: { steps: [] } });

export type Person = z.output<typeof personSchema>;
export type Layer = z.output<typeof layerSchema>;
export type Override = z.output<typeof overrideSchema>;
export type HolidayRule = z.output<typeof holidaysSchema>;
export type Schedule = z.output<typeof scheduleSchema>;
export type OncallConfig = z.output<typeof oncallSchema>;
export type EscalationStep = z.output<typeof escalationStepSchema>;
export type Escalation = z.output<typeof escalationSchema>;
