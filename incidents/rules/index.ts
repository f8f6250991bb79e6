/**
 * The rules engine of kuzet: Kazakhstan's working calendar, SLA timers, deadline extensions and notice
 * lead times (docs/rules.md §2, §4, §5, §6). Pure code: no I/O, no clock, no host time zone.
 *
 * The four `rules*` entry points take untrusted JSON-like input (a CLI file, an API body), throw an
 * `InputError` with field-named issues when it is invalid, and return the JSON the CLI prints and the
 * API answers, with every instant as `YYYY-MM-DDTHH:MM:SS+05:00`.
 */
import type { z } from 'zod';
import { InputError, issuesFromZod } from '../../core/errors.ts';
import { formatAstana, formatEpochDay } from '../../core/time.ts';
import { CalendarRangeError, addWorkingDaysMs, dayInfoOfEpochDay, nextWorkingEpochDay } from './calendar.ts';
import { computeExtensions } from './deadlines.ts';
import { latestNotifyAtMs } from './lead-time.ts';
import { calendarInput, deadlinesInput, deadlinesRequestFrom, leadTimeInput, slaInput } from './schemas.ts';
import { slaDueAtMs } from './sla.ts';

export {
  CALENDAR_FIRST_DATE,
  CALENDAR_LAST_DATE,
  CALENDAR_WARN_DAYS,
  CalendarRangeError,
  addCalendarDaysMs,
  addWorkingDays,
  addWorkingDaysMs,
  calendarEndWarning,
  calendarHorizon,
  dayInfo,
  isWorkingDay,
  isWorkingEpochDay,
  nextWorkingDay,
  nextWorkingEpochDay,
  previousWorkingDay,
  stepWorkingEpochDays,
} from './calendar.ts';
export type { CalendarHorizon, DayInfo } from './calendar.ts';
export { DESKS, DESK_IDS } from './desks.ts';
export type { Desk, DeskId } from './desks.ts';
export { addWorkingMinutesMs, isWorkingTime, nextOpeningMs } from './business-time.ts';
export {
  DUTIES,
  DUTY_IDS,
  REPORT_TIMER_IDS,
  SLA_TIMERS,
  SLA_TIMER_IDS,
  checkClockExtension,
  clockExtensionLimitMs,
  reportLateness,
  reportedLate,
  slaDueAt,
  slaDueAtMs,
  slaMet,
  timerDueAtMs,
} from './sla.ts';
export type { ClockExtensionProblem, DutyId, ReportLateness, ReportTimerId, SlaTimerId } from './sla.ts';
export { AUDIENCES, LEAD_TIMES, latestNotifyAt, latestNotifyAtMs } from './lead-time.ts';
export type { Audience } from './lead-time.ts';
export { EXTENSION_POLICY_IDS, computeExtensions } from './deadlines.ts';
export type {
  Annulment,
  DeadlinesRequest,
  DeadlinesResult,
  Duty,
  Extension,
  Outcome,
  ExtensionPolicyId,
  IncidentFacts,
  MaintenanceFacts,
  TariffExtension,
  TariffFacts,
} from './deadlines.ts';
export {
  CONSEQUENCE_KINDS,
  DEADLINE_KINDS,
  DEFAULT_POLICY_ID,
  EXTENSION_FLAGS,
  LEVELS,
  POLICIES,
  POLICY_IDS,
  POLICY_REGISTRY,
  PROCUREMENT_METHODS,
  policyRegistry,
} from './policies/index.ts';
export type {
  ClockMet,
  ClockRule,
  ClockStart,
  ConsequenceKind,
  ConsequenceSpec,
  ClassificationRule,
  DeadlineKind,
  ExtensionFlag,
  ExtensionRule,
  Level,
  LevelEvidence,
  LevelProposal,
  NoticeRules,
  Policy,
  PolicyId,
  PolicyRegistry,
  ProcurementFacts,
  ProcurementMethod,
  SlaTimer,
} from './policies/index.ts';
export { HOLIDAY_YEARS } from './holidays/index.ts';
export { DEADLINE_TEXT_LANGS, DEADLINE_WORDS, deadlinesTable, pointWords, renderDeadlinesText, ruleSourceOf } from './deadlines-text.ts';
export type { DeadlineTextLang, DeadlinesTable, DeadlinesTableRow, DeadlinesTextInput } from './deadlines-text.ts';
export { RULES_DOC_BANNER, RulesDocError, allRuleIds, renderRulesDoc } from './rules-doc.ts';
export type { RequirementRule, RulesDocInput } from './rules-doc.ts';

// ---- output shapes ----

export type CalendarOutput = { date: string; workingDay: boolean; reason: string } | { date: string } | { at: string };
export interface SlaOutput {
  timer: string;
  from: string;
  dueAt: string;
}
export interface LeadTimeOutput {
  audience: string;
  start: string;
  latestNotifyAt: string;
}
export interface DeadlinesOutput {
  policy: string;
  level: string;
  failureMinutes: number;
  extensions: { subject: string; deadline: string; original: string | null; extended: string; rule: string; flags: string[] }[];
  tariffs: { id: string; validUntil: string; extendedUntil: string; rule: string }[];
  /** Documents annulled by the failure whether or not a deadline moved (EX-N-PROTOCOL). */
  annulments: { procurement: string; what: string; formedAt: string; rule: string }[];
  /** Untimed duties the failure creates (EX-N-RESULTS). */
  duties: { procurement: string; duty: string; rule: string }[];
  notes: string[];
  requiresOwnerAgreement?: { rule: string; durationDays: number };
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new InputError(issuesFromZod(r.error.issues));
  return r.data;
}

/** Runs `fn`, naming `field` on a date the working calendar does not cover. */
function naming<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CalendarRangeError) throw new InputError(e.issues.map((i) => ({ field, message: i.message })));
    throw e;
  }
}

/**
 * `kuzet calendar …` / `POST /api/v1/rules/calendar`.
 * `{op:'info', date}` → `{date, workingDay, reason}`; `{op:'next-working-day', date}` → `{date}`
 * (first working day strictly after); `{op:'add-working-days', at, days}` → `{at}`.
 */
export function rulesCalendar(input: unknown): CalendarOutput {
  const v = parse(calendarInput, input);
  switch (v.op) {
    case 'info':
      return naming('date', () => {
        const info = dayInfoOfEpochDay(v.date);
        return { date: info.date, workingDay: info.workingDay, reason: info.reason };
      });
    case 'next-working-day':
      return naming('date', () => ({ date: formatEpochDay(nextWorkingEpochDay(v.date)) }));
    case 'add-working-days':
      return naming('at', () => ({ at: formatAstana(addWorkingDaysMs(v.at, v.days)) }));
  }
}

/** `kuzet sla --timer ID --from DATETIME` / `POST /api/v1/rules/sla`: `{timer, from}` → `{timer, from, dueAt}`. */
export function rulesSla(input: unknown): SlaOutput {
  const v = parse(slaInput, input);
  const due = naming('from', () => slaDueAtMs(v.timer, v.from));
  return { timer: v.timer, from: formatAstana(v.from), dueAt: formatAstana(due) };
}

/** `kuzet lead-time` / `POST /api/v1/rules/lead-time`: `{audience, start}` → `{audience, start, latestNotifyAt}`. */
export function rulesLeadTime(input: unknown): LeadTimeOutput {
  const v = parse(leadTimeInput, input);
  const latest = naming('start', () => latestNotifyAtMs(v.audience, v.start));
  return { audience: v.audience, start: formatAstana(v.start), latestNotifyAt: formatAstana(latest) };
}

/** `kuzet deadlines --input FILE.json` / `POST /api/v1/rules/deadlines`: only moved deadlines are listed. */
export function rulesDeadlines(input: unknown): DeadlinesOutput {
  const v = parse(deadlinesInput, input);
  const req = deadlinesRequestFrom(v);
  const r = naming(v.incident ? (v.incident.refutedAt ? 'incident.refutedAt' : 'incident.resolvedAt') : 'maintenance.endsAt', () =>
    computeExtensions(req),
  );
  const out: DeadlinesOutput = {
    policy: r.policy,
    level: r.level,
    failureMinutes: r.failureMinutes,
    extensions: r.extensions.map((e) => ({
      subject: e.subject,
      deadline: e.deadline,
      original: e.original === null ? null : formatAstana(e.original),
      extended: formatAstana(e.extended),
      rule: e.rule,
      flags: e.flags,
    })),
    tariffs: r.tariffs.map((t) => ({
      id: t.id,
      validUntil: formatEpochDay(t.validUntil),
      extendedUntil: formatEpochDay(t.extendedUntil),
      rule: t.rule,
    })),
    annulments: r.annulments.map((x) => ({ procurement: x.procurement, what: x.what, formedAt: formatAstana(x.formedAt), rule: x.rule })),
    duties: r.duties,
    notes: r.notes,
  };
  if (r.requiresOwnerAgreement) out.requiresOwnerAgreement = r.requiresOwnerAgreement;
  return out;
}
