/**
 * The plain input model of notices: a `NoticeSubject` describes an incident or a maintenance window as
 * the notice must tell it (docs/rules.md §6, 001 §14.1, §15.3, §14.9). Incidents feed it later; the
 * maintenance planner feeds it now. Validated with strict zod schemas; every problem names its path.
 */
import { z } from 'zod';
import { InputError, issuesFromZod } from '../core/errors.ts';
import { NOT_DATE_TIME, tryParseDateTimeMs } from '../core/time.ts';
import { LEVELS, POLICY_IDS } from '../incidents/index.ts';

export { LANGS, type Lang } from './langs.ts';

export const INCIDENT_PHASES = ['opened', 'updated', 'resolved'] as const;
export const MAINTENANCE_PHASES = ['maintenance-planned', 'maintenance-started', 'maintenance-completed'] as const;
export const PHASES = [...INCIDENT_PHASES, ...MAINTENANCE_PHASES] as const;
export type Phase = (typeof PHASES)[number];
export const SUBJECT_KINDS = ['incident', 'maintenance'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

const typeError = (what: string) => (iss: { input: unknown }) => (iss.input === undefined ? 'required' : `must be ${what}`);
const text = z
  .string({ error: typeError('a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(10_000, 'at most 10,000 characters');
const shortText = z
  .string({ error: typeError('a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(300, 'at most 300 characters');
const id = z.string({ error: typeError('a string') }).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'letters, digits, . _ : - (at most 100)');
/** An ISO 8601 date-time with offset, kept as the canonical instant (ISO UTC) text. */
export const instant = z.string({ error: typeError('an ISO 8601 date-time with offset') }).transform((t, ctx) => {
  const ms = tryParseDateTimeMs(t);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: NOT_DATE_TIME, input: t });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

export const contactSchema = z.strictObject({
  name: shortText,
  role: shortText.optional(),
  email: z.email('must be an e-mail address').optional(),
  phone: shortText.optional(),
});
export type Contact = z.output<typeof contactSchema>;

export const extensionSchema = z.strictObject({
  subject: shortText,
  deadline: shortText,
  original: instant.nullable(),
  extended: instant,
  rule: shortText,
});
export type NoticeExtension = z.output<typeof extensionSchema>;

/** A recipient the notice must reach by e-mail besides the system's owners and subscribers (reporting user, suppliers). */
export const recipientSchema = z.strictObject({
  email: z.email('must be an e-mail address'),
  role: z.enum(['reporter', 'supplier', 'owner', 'etp-owner', 'contact'], {
    error: 'must be one of reporter, supplier, owner, etp-owner, contact',
  }),
});
export type Recipient = z.output<typeof recipientSchema>;

export const noticeSubjectSchema = z.strictObject({
  kind: z.enum(SUBJECT_KINDS, { error: `must be one of ${SUBJECT_KINDS.join(', ')}` }),
  id,
  system: id,
  modules: z.array(id).max(100).default([]),
  policy: z.enum(POLICY_IDS, { error: `must be one of ${POLICY_IDS.join(', ')}` }),
  level: z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` }).optional(),
  phase: z.enum(PHASES, { error: `must be one of ${PHASES.join(', ')}` }),
  description: z.strictObject({ ru: text, kk: text.optional() }),
  /** A resolved incident: the measures taken to fix it, in both languages (issue #21 item 6). */
  measures: z.strictObject({ ru: text, kk: text.optional() }).optional(),
  /** Failure start, or the maintenance window's start. */
  startedAt: instant.optional(),
  /** Confirmation of the failure: the notice's SLA clocks (SLA-P-MED-HOME, SLA-P-HIGH-HOME) start here. */
  confirmedAt: instant.optional(),
  /** Maintenance: planned end of the window. */
  endsAt: instant.optional(),
  plannedFixAt: instant.optional(), // плановое время и дата устранения
  resolvedAt: instant.optional(), // фактическая дата и время устранения
  extensions: z.array(extensionSchema).max(10_000).default([]),
  affected: z
    .array(z.strictObject({ announcement: shortText, lot: shortText.optional() }))
    .max(10_000)
    .default([]), // номера объявлений и лотов
  contacts: z.array(contactSchema).max(50).default([]),
  recipients: z.array(recipientSchema).max(10_000).default([]),
  /** Maintenance announced later than its lead time: handled as unplanned works (000 App.7 §40). */
  unplanned: z.boolean().default(false),
});
export type NoticeSubject = z.output<typeof noticeSubjectSchema>;

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new InputError(issuesFromZod(r.error.issues, prefix));
  return r.data;
}

export const parseSubject = (input: unknown) => parseWith(noticeSubjectSchema, input);

/** `POST /api/v1/maintenance`. */
export const maintenanceInputSchema = z
  .strictObject({
    system: id,
    modules: z.array(id).max(100).default([]),
    startsAt: instant,
    endsAt: instant,
    description: z.strictObject({ ru: text, kk: text.optional() }),
    responsible: z.array(contactSchema).min(1, 'at least one responsible person').max(50),
    /** Which lead times apply (docs/rules.md §6); default from the system's policy. */
    audiences: z.array(z.enum(['portal-users', 'etp-owners', 'etp-auth-rotation', 'etp-requisites'])).optional(),
    /** Procurements whose deadlines may fall in the window (EX-MAINT), as for `POST /api/v1/rules/deadlines`. */
    procurements: z.array(z.unknown()).max(100_000).default([]),
    recipients: z.array(recipientSchema).max(10_000).default([]),
  })
  .superRefine((v, ctx) => {
    if (v.endsAt <= v.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt', input: v.endsAt });
  });
export type MaintenanceInput = z.output<typeof maintenanceInputSchema>;
