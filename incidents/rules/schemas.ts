/**
 * Strict zod schemas for the rules engine's untrusted JSON input (CLI files, API bodies). Instants
 * parse to epoch milliseconds, dates to epoch days; every problem is reported with its path.
 */
import { z } from 'zod';
import { NOT_DATE, NOT_DATE_TIME, tryParseDateDay, tryParseDateTimeMs } from '../../core/time.ts';
import { EXTENSION_POLICY_IDS, type DeadlinesRequest } from './deadlines.ts';
import { AUDIENCES } from './lead-time.ts';
import { LEVELS, POLICIES, POLICY_REGISTRY, PROCUREMENT_METHODS, type DeadlineKind, type ProcurementFacts } from './policies/index.ts';
import { SLA_TIMER_IDS } from './sla.ts';

const typeError = (what: string) => (iss: { input: unknown }) => (iss.input === undefined ? 'required' : `must be ${what}`);

/** An ISO 8601 date-time with offset → epoch milliseconds. */
export const dateTimeMs = z.string({ error: typeError('an ISO 8601 date-time with offset') }).transform((text, ctx) => {
  const ms = tryParseDateTimeMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: NOT_DATE_TIME, input: text });
    return z.NEVER;
  }
  return ms;
});

/**
 * An ISO 8601 date-time with offset, validated but kept as text: for the deadlines input, where
 * 100,000 procurements make zod's transform pipes cost more than converting afterwards.
 */
export const dateTimeText = z
  .string({ error: typeError('an ISO 8601 date-time with offset') })
  .refine((text) => tryParseDateTimeMs(text) !== undefined, NOT_DATE_TIME);

/** Epoch ms of a date-time text already validated by {@link dateTimeText}. */
function ms(text: string): number {
  return tryParseDateTimeMs(text) as number;
}

function opt(text: string | undefined): number | undefined {
  return text === undefined ? undefined : ms(text);
}

/** `YYYY-MM-DD` → epoch day. */
export const dateDay = z.string({ error: typeError('a date YYYY-MM-DD') }).transform((text, ctx) => {
  const day = tryParseDateDay(text);
  if (day === undefined) {
    ctx.addIssue({ code: 'custom', message: NOT_DATE, input: text });
    return z.NEVER;
  }
  return day;
});

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => (iss.input === undefined ? 'required' : `must be one of ${values.join(', ')}`) });

const text = z.string({ error: typeError('a string') }).min(1, 'must not be empty');
const flag = z.boolean({ error: typeError('true or false') });

export const calendarInput = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ op: z.literal('info'), date: dateDay }),
    z.strictObject({ op: z.literal('next-working-day'), date: dateDay }),
    z.strictObject({
      op: z.literal('add-working-days'),
      at: dateTimeMs,
      days: z
        .number({ error: typeError('an integer') })
        .int('must be an integer')
        .min(-3660, 'must be ≥ -3660')
        .max(3660, 'must be ≤ 3660'),
    }),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? 'must be one of info, next-working-day, add-working-days' : undefined) },
);

export const slaInput = z.strictObject({ timer: oneOf(SLA_TIMER_IDS), from: dateTimeMs });

export const leadTimeInput = z.strictObject({ audience: oneOf(AUDIENCES), start: dateTimeMs });

const deadlinesObject = z.strictObject({
  acceptanceStart: dateTimeText.optional(), // начало приема заявок
  acceptanceEnd: dateTimeText.optional(), // окончание приема заявок / ценовых предложений
  auctionBidding: dateTimeText.optional(),
  contractSigning: dateTimeText.optional(),
  complaints: dateTimeText.optional(),
  discussionEnd: dateTimeText.optional(),
  opening: dateTimeText.optional(),
  admission: dateTimeText.optional(),
  results: dateTimeText.optional(),
});

const procurement = z.strictObject({
  id: text,
  method: oneOf(PROCUREMENT_METHODS),
  module: text.optional(),
  affected: flag.optional(),
  /** Users appealed about it (EX-PROTOCOL, EX-DISCUSSION apply on appeals only). */
  appealed: flag.optional(),
  protocolFormedAt: dateTimeText.optional(),
  /** EX-UNSCRUPULOUS: when the operator annulled the supplier's listing as unscrupulous. */
  unscrupulousAnnulledAt: dateTimeText.optional(),
  /** energy-366 EX-N-RESULTS: the failure affected the results (§29.5) / listed a supplier as unreliable (§29.6). */
  resultsAffected: flag.optional(),
  listedUnreliable: flag.optional(),
  deadlines: deadlinesObject,
});

// A confirmed failure gives level, confirmedAt and resolvedAt; a refuted report gives refutedAt
// instead of confirmedAt (a level or resolvedAt given with it is not used). receivedAt defaults to startedAt.
const incident = z.strictObject({
  level: oneOf(LEVELS).optional(),
  startedAt: dateTimeText,
  receivedAt: dateTimeText.optional(), // поступление информации о сбое
  confirmedAt: dateTimeText.optional(),
  refutedAt: dateTimeText.optional(), // опровержение
  resolvedAt: dateTimeText.optional(),
  module: text.optional(),
  decryptionFailure: flag.optional(),
  forceMajeure: flag.optional(),
});

const maintenance = z.strictObject({ startsAt: dateTimeText, endsAt: dateTimeText });

const tariff = z.strictObject({ id: text, validUntil: dateDay, procurements: z.array(text, { error: typeError('an array') }).optional() });

/**
 * The policy of a deadlines computation: missing or wrong, the message lists the allowed values from
 * the policy registry (those with extension rules), and says so of a registered policy without them.
 */
const extensionPolicy = z.enum(EXTENSION_POLICY_IDS, {
  error: (iss) => {
    const allowed = EXTENSION_POLICY_IDS.join(', ');
    if (iss.input === undefined) return `required: one of ${allowed}`;
    if (typeof iss.input === 'string' && POLICY_REGISTRY.find(iss.input))
      return `${iss.input} has no deadline extension rules; must be one of ${allowed}`;
    return `must be one of ${allowed}`;
  },
});

export const deadlinesInput = z
  .strictObject({
    policy: extensionPolicy,
    incident: incident.optional(),
    maintenance: maintenance.optional(),
    procurements: z.array(procurement, { error: typeError('an array') }).default([]),
    tariffs: z.array(tariff, { error: typeError('an array') }).default([]),
  })
  .superRefine((v, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message, input: undefined });
    if (!v.incident && !v.maintenance) issue(['incident'], 'required: give either incident or maintenance');
    if (v.incident && v.maintenance) issue(['maintenance'], 'give either incident or maintenance, not both');
    if (v.incident) checkIncident(v.incident, issue, (level) => POLICIES[v.policy].extension?.noExtension[level] !== undefined);
    if (v.maintenance && ms(v.maintenance.endsAt) < ms(v.maintenance.startsAt)) issue(['maintenance', 'endsAt'], 'is before startsAt');
    const seen = new Set<string>();
    v.procurements.forEach((p, i) => {
      if (seen.has(p.id)) issue(['procurements', i, 'id'], `duplicate id ${JSON.stringify(p.id)}`);
      seen.add(p.id);
      if (p.unscrupulousAnnulledAt !== undefined && v.incident && ms(p.unscrupulousAnnulledAt) < ms(v.incident.startedAt)) {
        issue(['procurements', i, 'unscrupulousAnnulledAt'], 'is before incident.startedAt');
      }
      const { acceptanceStart, acceptanceEnd } = p.deadlines;
      if (acceptanceStart !== undefined && acceptanceEnd !== undefined && ms(acceptanceEnd) < ms(acceptanceStart)) {
        issue(['procurements', i, 'deadlines', 'acceptanceEnd'], 'is before acceptanceStart');
      }
    });
    const tariffIds = new Set<string>();
    v.tariffs.forEach((t, i) => {
      if (tariffIds.has(t.id)) issue(['tariffs', i, 'id'], `duplicate id ${JSON.stringify(t.id)}`);
      tariffIds.add(t.id);
      t.procurements?.forEach((id, j) => {
        if (!seen.has(id)) issue(['tariffs', i, 'procurements', j], `names no procurement of the input: ${JSON.stringify(id)}`);
      });
    });
  });

type Issue = (path: (string | number)[], message: string) => void;
type IncidentInput = z.output<typeof incident>;

/**
 * A confirmed failure needs level, confirmedAt and resolvedAt — resolvedAt may be left out where the
 * policy extends nothing at that level (portal-692 low: only EX-ANALYSIS, which needs no R); a
 * refuted report needs refutedAt alone; times in order.
 */
function checkIncident(i: IncidentInput, issue: Issue, extendsNothingAt: (level: (typeof LEVELS)[number]) => boolean): void {
  const at = (k: 'receivedAt' | 'confirmedAt' | 'refutedAt' | 'resolvedAt') => (i[k] === undefined ? undefined : ms(i[k]));
  const start = ms(i.startedAt);
  const received = at('receivedAt') ?? start;
  if (at('receivedAt') !== undefined && received < start) issue(['incident', 'receivedAt'], 'is before startedAt');
  if (i.refutedAt !== undefined) {
    if (i.confirmedAt !== undefined) issue(['incident', 'refutedAt'], 'give either confirmedAt or refutedAt, not both');
    if ((at('refutedAt') as number) < received)
      issue(['incident', 'refutedAt'], i.receivedAt === undefined ? 'is before startedAt' : 'is before receivedAt');
    return;
  }
  if (i.level === undefined) issue(['incident', 'level'], 'required (or refutedAt for a refuted report)');
  if (i.confirmedAt === undefined) issue(['incident', 'confirmedAt'], 'required (or refutedAt for a refuted report)');
  if (i.resolvedAt === undefined && !(i.level !== undefined && extendsNothingAt(i.level)))
    issue(['incident', 'resolvedAt'], 'required (or refutedAt for a refuted report)');
  const resolved = at('resolvedAt');
  const confirmed = at('confirmedAt');
  if (resolved !== undefined && resolved < start) issue(['incident', 'resolvedAt'], 'is before startedAt');
  if (confirmed !== undefined && confirmed < start) issue(['incident', 'confirmedAt'], 'is before startedAt');
  else if (confirmed !== undefined && confirmed < received) issue(['incident', 'confirmedAt'], 'is before receivedAt');
}

export type DeadlinesInput = z.output<typeof deadlinesInput>;

/** The validated input as facts for {@link computeExtensions}: instants as epoch milliseconds. */
export function deadlinesRequestFrom(v: DeadlinesInput): DeadlinesRequest {
  const procurements: ProcurementFacts[] = new Array(v.procurements.length);
  v.procurements.forEach((p, i) => {
    const deadlines: Partial<Record<DeadlineKind, number>> = {};
    for (const key in p.deadlines) {
      const text = p.deadlines[key as DeadlineKind];
      if (text !== undefined) deadlines[key as DeadlineKind] = ms(text);
    }
    procurements[i] = {
      id: p.id,
      method: p.method,
      module: p.module,
      affected: p.affected,
      appealed: p.appealed,
      protocolFormedAt: p.protocolFormedAt === undefined ? undefined : ms(p.protocolFormedAt),
      unscrupulousAnnulledAt: p.unscrupulousAnnulledAt === undefined ? undefined : ms(p.unscrupulousAnnulledAt),
      resultsAffected: p.resultsAffected,
      listedUnreliable: p.listedUnreliable,
      deadlines,
    };
  });
  const i = v.incident;
  const m = v.maintenance;
  return {
    policy: v.policy,
    incident: i && {
      ...i,
      startedAt: ms(i.startedAt),
      receivedAt: opt(i.receivedAt),
      confirmedAt: opt(i.confirmedAt),
      refutedAt: opt(i.refutedAt),
      resolvedAt: opt(i.resolvedAt),
    },
    maintenance: m && { startsAt: ms(m.startsAt), endsAt: ms(m.endsAt) },
    procurements,
    tariffs: v.tariffs,
  };
}
