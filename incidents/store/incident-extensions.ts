/**
 * The deadline extensions of a live incident (docs/rules.md §5): computed on confirmation with the
 * planned fix time as R, on resolution with the actual fix time, and on refutation (EX-ANALYSIS
 * moves acceptance ends that passed while the report was analysed), then stored with the incident
 * with the affected announcement and lot numbers. The facts the rules read besides the registry are
 * taken from the incident itself:
 * - `receivedAt`: the receipt of the failure information (the incident's received_at);
 * - `appealed`: a procurement whose announcement number an appeal of the incident names (its own
 *   appeals, attached ones and those linked to it) — 001 §26, §28 apply on users' appeals only;
 * - consequences an operator recorded on the incident (EX-UNSCRUPULOUS annulment, EX-N-RESULTS duties).
 */
import { z } from 'zod';
import type { Queryable } from '../../core/db.ts';
import { InputError, KuzetError } from '../../core/errors.ts';
import { formatAstana, formatEpochDay, tryParseDateDay, tryParseDateTimeMs } from '../../core/time.ts';
import { emit } from '../events/outbox.ts';
import {
  CONSEQUENCE_KINDS,
  EXTENSION_POLICY_IDS,
  POLICY_REGISTRY,
  computeExtensions,
  type ConsequenceKind,
  type ConsequenceSpec,
  type DeadlineKind,
  type ExtensionPolicyId,
  type ProcurementFacts,
} from '../rules/index.ts';
import { appealDescriptions } from './appeal.repo.ts';
import { record, type IncidentRow } from './incident.repo.ts';
import { writeExtensions, writeExtensionsAsNewVersion } from './incident-update.repo.ts';
import { procurementOfSystem, procurementsOfSystem, tariffRows, type ProcurementRow } from './registry.repo.ts';

export { procurementChoices } from './registry.repo.ts';

export type ExtensionStage = 'confirmed' | 'resolved' | 'refuted';

interface Actor {
  id: string;
  ip?: string | null | undefined;
}

/** A consequence recorded by an operator, as stored in `incidents.extensions.consequences`. */
export interface StoredConsequence {
  kind: ConsequenceKind;
  procurement: string;
  announcement: string;
  lot: string;
  at: string;
  supplier: string | null;
  note: string;
  rule: string;
  actor: string;
  recordedAt: string;
}

const ms = (d: Date | string | null | undefined) => (d === null || d === undefined ? undefined : new Date(d).getTime());

/** Whether `text` names `announcement` as a whole token (not as part of a longer number). */
export function namesAnnouncement(text: string, announcement: string): boolean {
  const a = announcement.trim();
  if (a.length < 3) return false; // too short to tell from other numbers in a free text
  let from = 0;
  for (;;) {
    const i = text.indexOf(a, from);
    if (i < 0) return false;
    const before = text[i - 1];
    const after = text[i + a.length];
    const word = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
    if (!word(before) && !word(after)) return true;
    from = i + 1;
  }
}

/** The consequences the incident's policy lets an operator record (none when it has no such rule). */
export function consequencesOf(policy: string): readonly ConsequenceSpec[] {
  return POLICY_REGISTRY.find(policy)?.extension?.consequences ?? [];
}

function storedConsequences(row: IncidentRow): StoredConsequence[] {
  const list = (row.extensions as { consequences?: unknown } | null)?.consequences;
  return Array.isArray(list) ? (list as StoredConsequence[]) : [];
}

function factsOf(p: ProcurementRow, appeals: readonly string[], consequences: readonly StoredConsequence[]): ProcurementFacts {
  const mine = consequences.filter((c) => c.procurement === p.id);
  const at = (k: ConsequenceKind) =>
    mine
      .filter((c) => c.kind === k)
      .map((c) => Date.parse(c.at))
      .sort((a, b) => b - a)[0];
  return {
    id: p.id,
    method: p.method,
    module: p.module ?? undefined,
    affected: p.affected ?? undefined,
    appealed: appeals.some((t) => namesAnnouncement(t, p.announcement)) || undefined,
    protocolFormedAt: ms(p.protocol_formed_at),
    unscrupulousAnnulledAt: at('unscrupulous-annulled'),
    resultsAffected: mine.some((c) => c.kind === 'results-affected') || undefined,
    listedUnreliable: mine.some((c) => c.kind === 'listed-unreliable') || undefined,
    deadlines: Object.fromEntries(Object.entries(p.deadlines).map(([k, t]) => [k, tryParseDateTimeMs(t) as number])) as Partial<
      Record<DeadlineKind, number>
    >,
  };
}

type ExtensionIncident = Parameters<typeof computeExtensions>[0]['incident'];
type ExtensionResult = ReturnType<typeof computeExtensions>;
type NamedProcurement = (sid: string) => { announcement: string; lot: string };

/** The window the rules of `stage` read: the incident's times, or undefined when a time they need is missing. */
function extensionWindow(
  row: IncidentRow,
  stage: ExtensionStage,
): { incident: ExtensionIncident; startedAt: number; receivedAt: number; end: number | undefined } | undefined {
  const startedAt = ms(row.started_at) as number;
  const receivedAt = Math.max(startedAt, ms(row.received_at) ?? startedAt);
  if (stage === 'refuted') {
    const refutedAt = ms(row.refuted_at);
    if (refutedAt === undefined) return undefined;
    const incident = { startedAt, receivedAt, refutedAt: Math.max(receivedAt, refutedAt), module: row.module ?? undefined };
    return { incident, startedAt, receivedAt, end: undefined };
  }
  const end = ms(stage === 'resolved' ? row.actual_fix_at : row.planned_fix_at);
  const confirmedAt = ms(row.confirmed_at);
  if (!row.level || confirmedAt === undefined || end === undefined) return undefined;
  const incident = {
    level: row.level,
    startedAt,
    receivedAt,
    confirmedAt: Math.max(receivedAt, confirmedAt),
    resolvedAt: Math.max(startedAt, end),
    module: row.module ?? undefined,
  };
  return { incident, startedAt, receivedAt, end };
}

/** The procurements the result touches (extended, annulled or with duties), each once, by announcement and lot. */
function affectedProcurements(result: ExtensionResult, named: NamedProcurement) {
  return [
    ...new Set([
      ...result.extensions.map((e) => e.subject),
      ...result.annulments.map((a) => a.procurement),
      ...result.duties.map((d) => d.procurement),
    ]),
  ].map(named);
}

/** The stored form of one stage's extensions: times formatted for Astana, subjects named. */
function computedExtensions(
  row: IncidentRow,
  stage: ExtensionStage,
  now: number,
  window: { startedAt: number; receivedAt: number; end: number | undefined },
  result: ExtensionResult,
  named: NamedProcurement,
  appealed: string[],
) {
  const { startedAt, receivedAt, end } = window;
  return {
    stage,
    computedAt: formatAstana(now),
    window: {
      startedAt: formatAstana(startedAt),
      receivedAt: formatAstana(receivedAt),
      resolvedAt: end === undefined ? null : formatAstana(end),
      ...(stage === 'refuted' ? { refutedAt: formatAstana(ms(row.refuted_at) as number) } : {}),
      basis: stage === 'resolved' ? 'actual fix time' : stage === 'refuted' ? 'refutation' : 'planned fix time',
    },
    failureMinutes: result.failureMinutes,
    extensions: result.extensions.map((e) => ({
      ...e,
      ...named(e.subject),
      original: e.original === null ? null : formatAstana(e.original),
      extended: formatAstana(e.extended),
    })),
    tariffs: result.tariffs.map((t) => ({
      id: t.id,
      validUntil: formatEpochDay(t.validUntil),
      extendedUntil: formatEpochDay(t.extendedUntil),
      rule: t.rule,
    })),
    annulments: result.annulments.map((a) => ({ ...a, ...named(a.procurement), formedAt: formatAstana(a.formedAt) })),
    duties: result.duties.map((d) => ({ ...d, ...named(d.procurement) })),
    appealed,
    affected: affectedProcurements(result, named),
    notes: result.notes,
    ...(result.requiresOwnerAgreement ? { requiresOwnerAgreement: result.requiresOwnerAgreement } : {}),
  };
}

/**
 * Computes and stores the extensions of `stage`. Confirmed/resolved need the level, the
 * confirmation and the planned/actual fix; refuted needs the refutation. Returns the updated row.
 */
export async function storeIncidentExtensions(
  tx: Queryable,
  row: IncidentRow,
  stage: ExtensionStage,
  actor: Actor,
  now: number,
): Promise<IncidentRow> {
  if (!(EXTENSION_POLICY_IDS as readonly string[]).includes(row.policy)) return row;
  const window = extensionWindow(row, stage);
  if (window === undefined) return row;
  const procs = await procurementsOfSystem(tx, row.system);
  const tariffs = await tariffRows(tx);
  const appeals = await appealDescriptions(tx, row.id);
  const consequences = storedConsequences(row);
  const byId = new Map(procs.map((p) => [p.id, p]));
  const result = computeExtensions({
    policy: row.policy as ExtensionPolicyId,
    incident: window.incident,
    procurements: procs.map((p) => factsOf(p, appeals, consequences)),
    tariffs: tariffs.map((t) => ({ id: t.id, validUntil: tryParseDateDay(t.valid_until) as number })),
  });
  const named = (sid: string) => ({ announcement: byId.get(sid)?.announcement ?? sid, lot: byId.get(sid)?.lot ?? '' });
  const appealed = procs.filter((p) => appeals.some((t) => namesAnnouncement(t, p.announcement))).map((p) => p.id);
  const computed = computedExtensions(row, stage, now, window, result, named, appealed);
  const all = { ...(row.extensions ?? {}), [stage]: computed, latest: stage };
  const updated = await writeExtensions(tx, row.id, all);
  await record(tx, {
    incidentId: row.id,
    at: now,
    actor: actor.id,
    ip: actor.ip,
    action: `extensions.${stage}`,
    after: {
      extensions: computed.extensions.length,
      tariffs: computed.tariffs.length,
      annulments: computed.annulments.length,
      duties: computed.duties.length,
      affected: computed.affected,
    },
  });
  return updated;
}

const consequenceInput = z.strictObject({
  kind: z.enum(CONSEQUENCE_KINDS, { error: () => `must be one of ${CONSEQUENCE_KINDS.join(', ')}` }),
  procurement: z
    .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a procurement id') })
    .trim()
    .min(1, 'required'),
  /** When it happened (the annulment for unscrupulous-annulled), ISO 8601 with offset; default now. */
  at: z
    .string({ error: () => 'must be an ISO 8601 date-time with offset' })
    .transform((t, ctx) => {
      const v = tryParseDateTimeMs(t);
      if (v === undefined) ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 date-time with offset' });
      return v ?? 0;
    })
    .optional(),
  supplier: z.string().trim().max(500).optional(),
  note: z
    .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a text') })
    .trim()
    .min(1, 'required: the appeal or act it rests on')
    .max(5000),
  version: z.number().int().positive().optional(),
});

/**
 * An operator records a consequence on a confirmed (or resolved) incident — e.g. the supplier's
 * listing as unscrupulous annulled on its appeal (EX-UNSCRUPULOUS: signing reopens for 1 calendar
 * day) — audited on the timeline; the extensions are recomputed and the change is announced
 * (`incident.updated`, so the incident's notice is re-published with the new extension).
 */
export async function recordConsequence(
  tx: Queryable,
  row: IncidentRow,
  input: unknown,
  actor: Actor,
  now: number,
): Promise<{ row: IncidentRow; consequence: StoredConsequence }> {
  const r = consequenceInput.safeParse(input);
  if (!r.success) throw new InputError(r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  const v = r.data;
  const spec = consequencesOf(row.policy).find((c) => c.kind === v.kind);
  if (!spec) throw new InputError(`policy ${row.policy} has no rule that reads ${v.kind}`, 'kind');
  if (row.state !== 'confirmed' && row.state !== 'resolved' && row.state !== 'closed') {
    throw new KuzetError('conflict', `incident ${row.id} is ${row.state}: ${v.kind} needs a confirmed failure`, {
      status: 409,
      field: 'kind',
    });
  }
  if (!row.level || !spec.levels.includes(row.level))
    throw new InputError(`${spec.rule} applies to ${spec.levels.join('/')} failures; this one is ${row.level ?? 'without level'}`, 'kind');
  const at = v.at ?? now;
  if (at < (ms(row.started_at) as number)) throw new InputError('is before the failure start', 'at');
  if (at > now + 60_000) throw new InputError('is in the future', 'at');
  const p = await procurementOfSystem(tx, v.procurement, row.system);
  if (!p) throw new InputError(`no procurement ${v.procurement} of this system in the registry`, 'procurement');
  const consequence: StoredConsequence = {
    kind: v.kind,
    procurement: p.id,
    announcement: p.announcement,
    lot: p.lot,
    at: formatAstana(at),
    supplier: v.supplier || null,
    note: v.note,
    rule: spec.rule,
    actor: actor.id,
    recordedAt: formatAstana(now),
  };
  const all = { ...(row.extensions ?? {}), consequences: [...storedConsequences(row), consequence] };
  let next = await writeExtensionsAsNewVersion(tx, row.id, all);
  await record(tx, {
    incidentId: row.id,
    at: now,
    actor: actor.id,
    ip: actor.ip,
    action: `consequence.${v.kind}`,
    after: { ...consequence, source: spec.source },
  });
  const stage = next.state === 'confirmed' ? 'confirmed' : 'resolved';
  next = await storeIncidentExtensions(tx, next, stage, actor, now);
  await emit(tx, {
    type: 'incident.updated',
    key: `${row.id}:v${next.version}:consequence`,
    incidentId: row.id,
    payload: { id: row.id, change: `consequence.${v.kind}`, procurement: p.id, announcement: p.announcement, lot: p.lot, rule: spec.rule },
  });
  return { row: next, consequence };
}

/** The consequences recorded on an incident, newest last. */
export function consequencesRecorded(row: IncidentRow): readonly StoredConsequence[] {
  return storedConsequences(row);
}
