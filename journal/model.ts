/**
 * The journal's own input model (docs/rules.md §9): one plain object per journal row, built today
 * from an input file and later from the incident store, plus the annual extract's input (001 §21).
 * Pure: parsing, validation and filtering; no I/O, no clock.
 */
import { z } from 'zod';
import { InputError, issuesFromZod } from '../core/errors.ts';
import { astanaEpochDay, tryParseDateDay, tryParseDateTimeMs } from '../core/time.ts';
import { KIND_IDS, LEVEL_IDS, type FailureKind, type JournalLevel } from './labels.ts';
import { isValidBinIin } from '../incidents/index.ts';

/** Where the appeal came from (002 §5): kuzet's monitoring, a user, the operator's staff, system logs. */
export const SOURCES = ['monitoring', 'user', 'operator', 'logs'] as const;
export type AppealSource = (typeof SOURCES)[number];

/** Derived from the row: open (not yet confirmed or refuted), confirmed, refuted, resolved. */
export const STATES = ['open', 'confirmed', 'refuted', 'resolved'] as const;
export type JournalState = (typeof STATES)[number];

/** One row of the journal: an appeal (user report) or a monitoring-detected incident. */
export interface JournalEntry {
  /** Appeal or incident number, e.g. `INC-2026-0012`. */
  number: string;
  source: AppealSource;
  /** Наименование обратившейся организации; the operator itself for monitoring-detected incidents. */
  organisation: string;
  /** БИН or ИИН, 12 digits with a valid check digit; null when the appeal has none (monitoring). */
  binIin: string | null;
  appealedAt: Date;
  contacts: string;
  description: string;
  /** ФИО специалиста, принявшего заявку. */
  acceptedBy: string;
  /** Подтвержден (true) / не подтвержден (false); null while undecided. */
  confirmed: boolean | null;
  confirmedAt: Date | null;
  decision: string;
  measures: string;
  resolvedAt: Date | null;
  causes: string;
  level: JournalLevel | null;
  kind: FailureKind | null;
  recommendations: string;
  /** For filters and the extract's summary; not a column of the form. */
  system: string;
  module: string | null;
}

export function entryState(e: JournalEntry): JournalState {
  if (e.confirmed === false) return 'refuted';
  if (e.resolvedAt) return 'resolved';
  return e.confirmed === true ? 'confirmed' : 'open';
}

/** The one BIN/IIN check (incidents/appeals/bin-iin.ts), under the journal's name. */
export const validBinIin = isValidBinIin;

// ---- input schemas (JSON from a file or an API body) ----

const dateTime = z.string().transform((s, ctx) => {
  const ms = tryParseDateTimeMs(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 date-time with offset' });
    return z.NEVER;
  }
  return new Date(ms);
});
const text = z.string().max(20_000).default('');

export const journalEntrySchema = z.strictObject({
  number: z.string().min(1).max(100),
  source: z.enum(SOURCES).default('user'),
  organisation: text,
  binIin: z.string().refine(validBinIin, 'not a BIN/IIN: 12 digits with a valid check digit').nullable().default(null),
  appealedAt: dateTime,
  contacts: text,
  description: text,
  acceptedBy: text,
  confirmed: z.boolean().nullable().default(null),
  confirmedAt: dateTime.nullable().default(null),
  decision: text,
  measures: text,
  resolvedAt: dateTime.nullable().default(null),
  causes: text,
  level: z.enum(LEVEL_IDS).nullable().default(null),
  kind: z.enum(KIND_IDS).nullable().default(null),
  recommendations: text,
  system: z.string().min(1).default('portal'),
  module: z.string().min(1).nullable().default(null),
});

const entriesSchema = z.array(journalEntrySchema);

function fromZod<T>(schema: z.ZodType<T>, input: unknown, prefix: string): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    // `entries[0].binIin`, not `entries.[0].binIin`: the prefix is joined here.
    throw new InputError(
      issuesFromZod(r.error.issues).map((i) => ({
        ...i,
        field: !prefix ? i.field : !i.field ? prefix : i.field.startsWith('[') ? `${prefix}${i.field}` : `${prefix}.${i.field}`,
      })),
    );
  }
  return r.data;
}

/** Parses journal entries: a bare array or `{entries: [...]}`; issues are named `entries[i].field`. */
export function parseEntries(input: unknown): JournalEntry[] {
  const list = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as { entries?: unknown }).entries : input;
  return fromZod(entriesSchema, list, 'entries');
}

// ---- filters ----

export interface JournalFilters {
  /** First Astana date of the period, `YYYY-MM-DD`, inclusive. */
  from?: string | undefined;
  /** Last Astana date of the period, inclusive. */
  to?: string | undefined;
  system?: string | undefined;
  level?: JournalLevel | undefined;
  state?: JournalState | undefined;
}

/** Checks the period's dates and order; `fieldPrefix` names them as the caller's options (`--from`). */
export function checkPeriod(f: JournalFilters, fieldPrefix = ''): { fromDay?: number; toDay?: number } {
  const day = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const d = tryParseDateDay(v);
    if (d === undefined) throw new InputError('not a date YYYY-MM-DD', `${fieldPrefix}${name}`);
    return d;
  };
  const fromDay = day(f.from, 'from');
  const toDay = day(f.to, 'to');
  if (fromDay !== undefined && toDay !== undefined && fromDay > toDay)
    throw new InputError(`must not be after ${fieldPrefix}to`, `${fieldPrefix}from`);
  return { ...(fromDay !== undefined ? { fromDay } : {}), ...(toDay !== undefined ? { toDay } : {}) };
}

/** The entries in the filters, ordered by appeal time then number (the journal's order). */
export function filterEntries(entries: readonly JournalEntry[], f: JournalFilters): JournalEntry[] {
  const { fromDay, toDay } = checkPeriod(f);
  return entries
    .filter((e) => {
      const day = astanaEpochDay(e.appealedAt);
      if (fromDay !== undefined && day < fromDay) return false;
      if (toDay !== undefined && day > toDay) return false;
      if (f.system !== undefined && e.system !== f.system) return false;
      if (f.level !== undefined && e.level !== f.level) return false;
      if (f.state !== undefined && entryState(e) !== f.state) return false;
      return true;
    })
    .sort((a, b) => a.appealedAt.getTime() - b.appealedAt.getTime() || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
}

// ---- the annual extract's input (001 §21) ----

export interface ExtensionRecord {
  /** What was extended, e.g. an announcement or lot number. */
  subject: string;
  /** The deadline kind, e.g. `acceptance-end`. */
  deadline: string;
  /** null when the procurement had no such deadline (a reopened acceptance, EX-PROTOCOL). */
  original: Date | null;
  extended: Date;
  /** The rule id of docs/rules.md §5 that gave the extension. */
  rule: string;
}

export interface IncidentDetail {
  /** The journal entry's number. */
  number: string;
  cause: string;
  measures: string;
  result: string;
  extensions: ExtensionRecord[];
  prevention: string;
}

export interface DowntimeFigure {
  system: string;
  module: string | null;
  /** Unplanned downtime in the year, minutes. */
  downtimeMinutes: number;
  /** Announced maintenance in the year, minutes (excluded from availability). */
  maintenanceMinutes: number;
}

export interface SlaFigure {
  /** SLA timer id of docs/rules.md §4, e.g. `SLA-P-REGISTER`. */
  timer: string;
  met: number;
  breached: number;
}

export interface ExtractInput {
  year: number;
  operator: string;
  owner: string;
  /** Names for the signature block. */
  headOfOperator: string;
  responsiblePerson: string;
  /** Letter number and date, free text. */
  letterRef: string;
  entries: JournalEntry[];
  details: IncidentDetail[];
  downtime: DowntimeFigure[];
  sla: SlaFigure[];
}

const extensionSchema = z.strictObject({
  subject: z.string().min(1),
  deadline: z.string().min(1),
  original: dateTime.nullable(),
  extended: dateTime,
  rule: z.string().min(1),
});
const detailSchema = z.strictObject({
  number: z.string().min(1),
  cause: text,
  measures: text,
  result: text,
  extensions: z.array(extensionSchema).default([]),
  prevention: text,
});

export const extractInputSchema = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  operator: z.string().default('АО «Центр электронных финансов»'),
  owner: z.string().default('Министерство финансов Республики Казахстан'),
  headOfOperator: text,
  responsiblePerson: text,
  letterRef: text,
  entries: entriesSchema.default([]),
  details: z.array(detailSchema).default([]),
  downtime: z
    .array(
      z.strictObject({
        system: z.string().min(1),
        module: z.string().min(1).nullable().default(null),
        downtimeMinutes: z.number().min(0),
        maintenanceMinutes: z.number().min(0).default(0),
      }),
    )
    .default([]),
  sla: z.array(z.strictObject({ timer: z.string().min(1), met: z.number().int().min(0), breached: z.number().int().min(0) })).default([]),
});

/** Parses the extract's input; `year` given on the command line wins over the file's. */
export function parseExtractInput(input: unknown, year?: number): ExtractInput {
  const withYear = year !== undefined && input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...input, year } : input;
  const parsed = fromZod(extractInputSchema, withYear, '');
  const numbers = new Set(parsed.entries.map((e) => e.number));
  const issues = parsed.details.flatMap((d, i) =>
    numbers.has(d.number) ? [] : [{ field: `details[${i}].number`, message: `no entry "${d.number}" in entries` }],
  );
  if (issues.length > 0) throw new InputError(issues);
  return parsed;
}
