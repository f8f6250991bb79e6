/**
 * The incident service: every write to incidents goes through here, in one transaction with its
 * timeline entry, its audit entry, its SLA clocks and its outbox event. Time comes from `now()`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../../core/audit.ts';
import type { Db, Queryable } from '../../core/db.ts';
import { InputError, KuzetError, NotFoundError, issuesFromZod } from '../../core/errors.ts';
import { formatAstana, tryParseDateDay, tryParseDateTimeMs } from '../../core/time.ts';
import { appealInput, type AppealInput } from '../appeals/appeal.schema.ts';
import { proposeLevel } from '../classification/propose-level.ts';
import { emit, type EventType } from '../events/outbox.ts';
import {
  FAILURE_KIND_IDS,
  INCIDENT_STATES,
  TransitionError,
  transition,
  type IncidentState,
  type TransitionFields,
  type TransitionPatch,
} from '../lifecycle/lifecycle.ts';
import {
  DEFAULT_POLICY_ID,
  LEVELS,
  POLICIES,
  POLICY_REGISTRY,
  PROCUREMENT_METHODS,
  reportedLate,
  DEADLINE_KINDS,
  type DeadlineKind,
  type PolicyId,
} from '../rules/index.ts';
import { allocateIncidentId, getIncidentRow, insertIncident, record, syncClocks, type IncidentRow } from './incident.repo.ts';
import { recordConsequence, storeIncidentExtensions, type ExtensionStage } from './incident-extensions.ts';
import { extendClock } from './clock-extension.ts';
import { acknowledge, type AckActor } from './acknowledge.ts';
import type { Topology } from './topology.ts';
import { syncAppealClocks } from './appeal-attach.ts';
import {
  attachableIncident,
  attachedAppeals,
  insertAppeal,
  lockAppeal,
  lockAppealScope,
  setAppealLink,
  type NewAppeal,
} from './appeal.repo.ts';
import { markClockMet } from './clock.repo.ts';
import { setIncidentLink, updateIncidentColumns } from './incident-update.repo.ts';
import { upsertProcurement, upsertTariff } from './registry.repo.ts';
import { channelClocksFor } from '../sla-clocks/appeal-clocks.ts';

export interface ActorRef {
  id: string;
  ip?: string | null | undefined;
}

export interface IncidentServiceDeps {
  db: Db;
  topology: () => Topology;
  now?: () => Date;
}

const dateTime = z
  .string({ error: (i) => (i.input === undefined ? 'required' : 'must be an ISO 8601 date-time with offset') })
  .transform((t, ctx) => {
    const v = tryParseDateTimeMs(t);
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 date-time with offset' });
      return z.NEVER;
    }
    return v;
  });
const text = z.string().trim().min(1, 'must not be empty').max(20_000);
/**
 * Words that go to the public notice, the owner's e-mail and the journal (issue #21 item 6): given in
 * Kazakh and Russian, both required, so each reader gets the text in their language.
 */
const oneLanguage = z
  .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(20_000);
const bilingual = z.strictObject(
  { kk: oneLanguage, ru: oneLanguage },
  { error: (i) => (i.input === undefined ? 'required' : 'must be the text in Kazakh and Russian: {"kk": "…", "ru": "…"}') },
);

export const transitionInput = z.strictObject({
  to: z.enum(INCIDENT_STATES, { error: (i) => (i.input === undefined ? 'required' : `must be one of ${INCIDENT_STATES.join(', ')}`) }),
  /** The version the operator saw; a different current version is a conflict. */
  version: z.number().int().positive().optional(),
  evidence: text.optional(),
  level: z.enum(LEVELS, { error: () => `must be one of ${LEVELS.join(', ')}` }).optional(),
  levelReason: text.optional(),
  levelAgreedWith: text.optional(),
  kind: z
    .enum(FAILURE_KIND_IDS as [string, ...string[]], {
      error: () => `must be one of the failure kinds of docs/rules.md §3: ${FAILURE_KIND_IDS.join(', ')}`,
    })
    .optional(),
  plannedFixAt: dateTime.optional(),
  actualFixAt: dateTime.optional(),
  cause: bilingual.optional(),
  measures: bilingual.optional(),
  recommendations: text.optional(),
  decision: text.optional(),
});

export const plannedFixInput = z.strictObject({ plannedFixAt: dateTime, reason: text, version: z.number().int().positive().optional() });

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new InputError(issuesFromZod(r.error.issues));
  return r.data;
}

const EVENT_OF: Partial<Record<IncidentState, EventType>> = {
  confirmed: 'incident.confirmed',
  refuted: 'incident.refuted',
  resolved: 'incident.resolved',
  closed: 'incident.closed',
  analysing: 'incident.updated',
};

const COLUMN: Record<keyof TransitionPatch, string> = {
  state: 'state',
  analysingAt: 'analysing_at',
  confirmedAt: 'confirmed_at',
  refutedAt: 'refuted_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
  refuteEvidence: 'refute_evidence',
  level: 'level',
  levelReason: 'level_reason',
  levelAgreedWith: 'level_agreed_with',
  kind: 'kind',
  plannedFixAt: 'planned_fix_at',
  actualFixAt: 'actual_fix_at',
  cause: 'cause',
  causeKk: 'cause_kk',
  measures: 'measures',
  measuresKk: 'measures_kk',
  recommendations: 'recommendations',
  decision: 'decision',
};
const TIME_KEYS = new Set(['analysingAt', 'confirmedAt', 'refutedAt', 'resolvedAt', 'closedAt', 'plannedFixAt', 'actualFixAt']);

/** The patch as JSON for the timeline: instants in Astana time. */
function patchJson(p: Partial<TransitionPatch>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, TIME_KEYS.has(k) && typeof v === 'number' ? formatAstana(v) : v]));
}

function rowJson(r: IncidentRow, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (r as unknown as Record<string, unknown>)[COLUMN[k as keyof TransitionPatch]];
    out[k] = v instanceof Date ? formatAstana(v) : (v ?? null);
  }
  return out;
}

/** Writes the patch to its columns (instants as ISO 8601) as a new version; returns the updated row. */
function applyPatch(tx: Queryable, id: string, p: Partial<TransitionPatch>): Promise<IncidentRow> {
  const values = Object.fromEntries(
    Object.entries(p).map(([k, v]) => [
      COLUMN[k as keyof TransitionPatch],
      TIME_KEYS.has(k) && typeof v === 'number' ? new Date(v).toISOString() : v,
    ]),
  );
  return updateIncidentColumns(tx, id, values);
}

/** The appeal as its row stores it; only the upload token's hash is kept. */
function newAppeal(incidentId: string, v: AppealInput, detectedAt: number, now: number, ip: string | null, uploadToken: string): NewAppeal {
  return {
    incidentId,
    organisation: v.organisation,
    binIin: v.binIin.trim(),
    email: v.email,
    phone: v.phone,
    description: v.description,
    detectedAt,
    receivedAt: now,
    ip,
    uploadTokenHash: createHash('sha256').update(uploadToken).digest('hex'),
    channel: v.channel,
  };
}

const conflict = (message: string) => new KuzetError('conflict', message, { status: 409 });

export class IncidentService {
  readonly db: Db;
  private readonly topology: () => Topology;
  readonly now: () => Date;

  constructor(deps: IncidentServiceDeps) {
    this.db = deps.db;
    this.topology = deps.topology;
    this.now = deps.now ?? (() => new Date());
  }

  private async lockIncident(tx: Queryable, id: string, version: number | undefined): Promise<IncidentRow> {
    const row = await getIncidentRow(tx, id, true);
    if (!row) throw new NotFoundError(`no incident ${id}`);
    if (version !== undefined && row.version !== version)
      throw conflict(
        `incident ${id} was changed by someone else (now version ${row.version}, you sent ${version}); reload it and try again`,
      );
    return row;
  }

  /** `POST /api/v1/incidents/:id/transition`. */
  async transition(id: string, input: unknown, actor: ActorRef) {
    const v = parse(transitionInput, input);
    const now = this.now().getTime();
    return this.db.transaction(async (tx) => {
      const row = await this.lockIncident(tx, id, v.version);
      const fields: TransitionFields = {
        ...v,
        kind: v.kind as TransitionFields['kind'],
        cause: v.cause?.ru,
        causeKk: v.cause?.kk,
        measures: v.measures?.ru,
        measuresKk: v.measures?.kk,
      };
      let patch: TransitionPatch;
      try {
        patch = transition(
          { state: row.state, policy: row.policy, startedAt: new Date(row.started_at).getTime(), proposedLevel: row.proposed_level },
          v.to,
          fields,
          now,
        );
      } catch (e) {
        if (e instanceof TransitionError && e.kind === 'missing-fields') throw new InputError(e.issues);
        if (e instanceof TransitionError)
          throw new KuzetError('conflict', `incident ${id} is ${row.state}: ${e.message}`, { status: 409, field: 'to' });
        throw e;
      }
      const keys = Object.keys(patch);
      const before = rowJson(row, keys);
      let next = await applyPatch(tx, id, patch);
      await record(tx, {
        incidentId: id,
        at: now,
        actor: actor.id,
        ip: actor.ip,
        action: `transition.${v.to}`,
        before,
        after: patchJson(patch),
      });
      if (v.to === 'confirmed' || v.to === 'resolved' || v.to === 'refuted') next = await this.storeExtensions(tx, next, v.to, actor, now);
      await syncClocks(tx, next);
      await syncAppealClocks(tx, next, await attachedAppeals(tx, next));
      await emit(tx, {
        type: EVENT_OF[v.to] ?? 'incident.updated',
        key: `${id}:v${next.version}:${v.to}`,
        incidentId: id,
        payload: {
          id,
          state: next.state,
          version: next.version,
          level: next.level,
          plannedFixAt: next.planned_fix_at ? formatAstana(new Date(next.planned_fix_at)) : null,
        },
      });
      return next;
    });
  }

  /** `PATCH /api/v1/incidents/:id`: a new planned fix time (with a reason); extensions are recomputed and re-notified. */
  async updatePlannedFix(id: string, input: unknown, actor: ActorRef) {
    const v = parse(plannedFixInput, input);
    const now = this.now().getTime();
    return this.db.transaction(async (tx) => {
      const row = await this.lockIncident(tx, id, v.version);
      if (row.state !== 'confirmed') throw conflict(`incident ${id} is ${row.state}: the planned fix time can change only while confirmed`);
      if (v.plannedFixAt < new Date(row.started_at).getTime()) throw new InputError('is before the failure start', 'plannedFixAt');
      const before = rowJson(row, ['plannedFixAt']);
      let next = await applyPatch(tx, id, { plannedFixAt: v.plannedFixAt });
      await record(tx, {
        incidentId: id,
        at: now,
        actor: actor.id,
        ip: actor.ip,
        action: 'planned-fix.changed',
        before,
        after: { plannedFixAt: formatAstana(v.plannedFixAt), reason: v.reason },
      });
      next = await this.storeExtensions(tx, next, 'confirmed', actor, now);
      await emit(tx, {
        type: 'incident.updated',
        key: `${id}:v${next.version}:planned-fix`,
        incidentId: id,
        payload: { id, change: 'plannedFixAt', plannedFixAt: formatAstana(v.plannedFixAt), reason: v.reason },
      });
      return next;
    });
  }

  /** Extends a clock's due time once, within its rule's bound (SLA-E-ETP-RESOLVE, 000 App.4 §1.5): clock-extension.ts. */
  async extendClock(id: string, timer: string, input: unknown, actor: ActorRef) {
    const now = this.now().getTime();
    return this.db.transaction((tx) => extendClock(tx, id, timer, input, actor, now));
  }

  /** Acknowledges the incident's alert (console, API, Slack): acknowledge.ts. No state, version or SLA clock changes. */
  async acknowledge(id: string, input: unknown, actor: AckActor) {
    const now = this.now().getTime();
    return this.db.transaction((tx) => acknowledge(tx, id, input, actor, now));
  }

  /** Marks a clock's duty done (a notice sent), e.g. SLA-P-HIGH-HOME. */
  async markClockMet(id: string, timer: string, input: unknown, actor: ActorRef) {
    const v = parse(z.strictObject({ at: dateTime.optional() }), input ?? {});
    const now = this.now().getTime();
    const at = v.at ?? now;
    return this.db.transaction(async (tx) => {
      await this.lockIncident(tx, id, undefined);
      if (!(await markClockMet(tx, id, timer, at))) throw new NotFoundError(`incident ${id} has no running clock ${timer}`);
      await record(tx, {
        incidentId: id,
        at: now,
        actor: actor.id,
        ip: actor.ip,
        action: 'clock.met',
        after: { timer, metAt: formatAstana(at) },
      });
      await emit(tx, {
        type: 'incident.updated',
        key: `${id}:clock-met:${timer}`,
        incidentId: id,
        payload: { id, change: 'clock.met', timer },
      });
    });
  }

  /** Extensions (issue item 6; #17 items 3, 6, 7): see incident-extensions.ts. */
  private async storeExtensions(
    tx: Queryable,
    row: IncidentRow,
    stage: ExtensionStage,
    actor: ActorRef,
    now: number,
  ): Promise<IncidentRow> {
    return storeIncidentExtensions(tx, row, stage, actor, now);
  }

  /** `POST /api/v1/incidents/:id/consequences` and the console: an operator records a consequence a rule reads (EX-UNSCRUPULOUS, EX-N-RESULTS). */
  async recordConsequence(id: string, input: unknown, actor: ActorRef) {
    const now = this.now().getTime();
    return this.db.transaction(async (tx) => {
      const version = (input as { version?: unknown } | null)?.version;
      const row = await this.lockIncident(tx, id, typeof version === 'number' ? version : undefined);
      return recordConsequence(tx, row, input, actor, now);
    });
  }

  /** `POST /api/v1/appeals` (issue item 2): registers the appeal as an incident with the next id. */
  async registerAppeal(input: unknown, ip: string | null) {
    const v = parse(appealInput, input);
    const now = this.now().getTime();
    const detectedAt = tryParseDateTimeMs(v.detectedAt) as number;
    if (detectedAt > now + 60_000) throw new InputError('is in the future', 'detectedAt');
    this.checkAppealScope(v.system, v.module);
    const policy: PolicyId = v.policy ?? (v.system ? this.topology().policyOf(v.system) : undefined) ?? DEFAULT_POLICY_ID;
    const uploadToken = randomBytes(24).toString('base64url');
    return this.db.transaction(async (tx) => {
      const attachWindow = this.topology().appealAttachWindowMs();
      if (v.system && attachWindow !== null) {
        await lockAppealScope(tx, v.system, v.module ?? null);
        const open = await attachableIncident(tx, v.system, v.module ?? null, now, attachWindow);
        if (open) return this.attachAppeal(tx, open, v, detectedAt, now, ip, uploadToken);
      }
      const id = await allocateIncidentId(tx, now);
      const proposal = proposeLevel(policy, {
        moduleChecks: 0,
        failingChecks: 0,
        regions: 0,
        failingRegions: 0,
        systemModules: 0,
        failingModules: 0,
        errorKinds: {},
        startedAt: detectedAt,
        appealOnly: true,
      });
      await insertIncident(tx, {
        ...id,
        source: 'appeal',
        system: v.system ?? null,
        module: v.module ?? null,
        policy,
        title: `Appeal from ${v.organisation}`,
        startedAt: detectedAt,
        receivedAt: now,
        registeredAt: now,
        userDetectedAt: detectedAt,
        proposal,
        evidence: { description: v.description },
      });
      const appealId = await insertAppeal(tx, newAppeal(id.id, v, detectedAt, now, ip, uploadToken));
      const after = {
        appealId,
        organisation: v.organisation,
        binIin: v.binIin.trim(),
        detectedAt: formatAstana(detectedAt),
        channel: v.channel,
      };
      await record(tx, { incidentId: id.id, at: now, actor: 'public:appeal', ip, action: 'registered', after });
      const row = (await getIncidentRow(tx, id.id)) as IncidentRow;
      await syncClocks(tx, row);
      // The desk's clock of its channel answers this message, so it runs per appeal (SLA-N-DESK-MAIL@appeal-<id>).
      await syncAppealClocks(
        tx,
        row,
        [{ id: appealId, received_at: new Date(now), detected_at: new Date(detectedAt), channel: v.channel }],
        channelClocksFor,
      );
      await emit(tx, {
        type: 'incident.registered',
        key: `${id.id}:registered`,
        incidentId: id.id,
        payload: { id: id.id, source: 'appeal', policy, email: v.email, organisation: v.organisation },
      });
      return {
        incidentId: id.id,
        appealId,
        uploadToken,
        receivedAt: formatAstana(now),
        reportedLate: reportedLate(POLICIES[policy], detectedAt, now),
        attached: false,
      };
    });
  }

  /**
   * The system and module an appeal names must be configured ones (issue #16 item 4): looked up as
   * own properties only, so `__proto__` or `constructor` are unknown like any other name; the 400
   * lists what is allowed.
   */
  private checkAppealScope(system: string | undefined, module: string | undefined): void {
    const topo = this.topology();
    if (system === undefined) {
      if (module !== undefined) throw new InputError('a module needs its system: give system too', 'system');
      return;
    }
    const systems = topo.systems();
    if (!systems.includes(system))
      throw new InputError(`unknown system "${system}"; one of: ${systems.join(', ') || '(none configured)'}`, 'system');
    if (module === undefined) return;
    const modules = topo.modulesOf(system);
    if (!modules.includes(module))
      throw new InputError(
        `unknown module "${module}" of system "${system}"; one of: ${modules.join(', ') || '(none configured)'}`,
        'module',
      );
  }

  /** Attaches an appeal to an incident already open about its module (issue #16 item 5; appeal-attach.ts). */
  private async attachAppeal(
    tx: Queryable,
    inc: IncidentRow,
    v: AppealInput,
    detectedAt: number,
    now: number,
    ip: string | null,
    uploadToken: string,
  ) {
    const appealId = await insertAppeal(tx, newAppeal(inc.id, v, detectedAt, now, ip, uploadToken));
    await syncAppealClocks(tx, inc, [{ id: appealId, received_at: new Date(now), detected_at: new Date(detectedAt), channel: v.channel }]);
    await record(tx, {
      incidentId: inc.id,
      at: now,
      actor: 'public:appeal',
      ip,
      action: 'appeal.attached',
      after: { appealId, organisation: v.organisation, binIin: v.binIin.trim(), detectedAt: formatAstana(detectedAt), channel: v.channel },
    });
    return {
      incidentId: inc.id,
      appealId,
      uploadToken,
      receivedAt: formatAstana(now),
      reportedLate: reportedLate(POLICY_REGISTRY.find(inc.policy), detectedAt, now),
      attached: true,
    };
  }

  /** Links an appeal's incident to an existing incident (an operator's decision). */
  async linkAppeal(appealId: string, input: unknown, actor: ActorRef) {
    const v = parse(
      z.strictObject({ incidentId: z.string().regex(/^INC-\d{4}-\d{6}$/, 'must be an incident id like INC-2026-000123') }),
      input,
    );
    const now = this.now().getTime();
    return this.db.transaction(async (tx) => {
      const a = await lockAppeal(tx, appealId);
      if (!a) throw new NotFoundError(`no appeal ${appealId}`);
      if (a.incident_id === v.incidentId) throw new InputError('is the appeal’s own incident', 'incidentId');
      const target = await getIncidentRow(tx, v.incidentId);
      if (!target) throw new NotFoundError(`no incident ${v.incidentId}`);
      await setAppealLink(tx, appealId, v.incidentId);
      await setIncidentLink(tx, a.incident_id, v.incidentId);
      await record(tx, {
        incidentId: a.incident_id,
        at: now,
        actor: actor.id,
        ip: actor.ip,
        action: 'linked',
        before: { linkedTo: a.linked_incident_id },
        after: { linkedTo: v.incidentId },
      });
      await record(tx, {
        incidentId: v.incidentId,
        at: now,
        actor: actor.id,
        ip: actor.ip,
        action: 'appeal.linked',
        after: { appealId, appealIncident: a.incident_id },
      });
      await emit(tx, {
        type: 'incident.updated',
        key: `${v.incidentId}:appeal-linked:${appealId}`,
        incidentId: v.incidentId,
        payload: { id: v.incidentId, change: 'appeal.linked', appealId, appealIncident: a.incident_id },
      });
      return { appealId, incidentId: a.incident_id, linkedTo: v.incidentId };
    });
  }
}

// ---- procurement and tariff registries (issue item 6) ----

const deadlinesSchema = z.strictObject(
  Object.fromEntries(DEADLINE_KINDS.map((k) => [k, dateTime.optional()])) as Record<DeadlineKind, z.ZodOptional<typeof dateTime>>,
);
const supplier = z.strictObject({
  name: text,
  bin: z
    .string()
    .regex(/^\d{12}$/, 'must be 12 digits')
    .optional(),
  email: z.email('must be an e-mail address').optional(),
  phone: z.string().min(5).max(30).optional(),
});
export const procurementInput = z.strictObject({
  announcement: z.string().trim().min(1, 'must not be empty').max(100), // номер объявления
  lot: z.string().trim().min(1, 'must not be empty').max(100), // номер лота
  method: z.enum(PROCUREMENT_METHODS, { error: () => `must be one of ${PROCUREMENT_METHODS.join(', ')}` }),
  system: z.string().min(1).optional(),
  module: z.string().min(1).optional(),
  affected: z.boolean().optional(),
  protocolFormedAt: dateTime.optional(),
  deadlines: deadlinesSchema,
  suppliers: z.array(supplier).max(1000).default([]),
});
export const tariffInput = z.strictObject({
  id: z.string().trim().min(1).max(100),
  supplier: z.string().max(500).optional(),
  validUntil: z.string().refine((s) => tryParseDateDay(s) !== undefined, 'not a date YYYY-MM-DD'),
});

/** Parses RFC 4180 CSV (quotes, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(textIn: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < textIn.length; i++) {
    const ch = textIn[i] as string;
    if (quoted) {
      if (ch === '"' && textIn[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && textIn[i + 1] === '\n') i++;
      row.push(cell);
      cell = '';
      if (row.some((c) => c !== '')) rows.push(row);
      row = [];
    } else cell += ch;
  }
  row.push(cell);
  if (row.some((c) => c !== '')) rows.push(row);
  return rows;
}

/** CSV with a header row: announcement, lot, method, system, module, affected, protocolFormedAt, the deadline columns, supplierName, supplierEmail, supplierPhone. */
export function procurementsFromCsv(textIn: string): unknown[] {
  const [header, ...rows] = parseCsv(textIn.replace(/^\uFEFF/, ''));
  if (!header) throw new InputError('the CSV has no header row', 'body');
  const col = (r: string[], name: string) => {
    const i = header.indexOf(name);
    const v = i < 0 ? undefined : r[i]?.trim();
    return v === '' ? undefined : v;
  };
  for (const need of ['announcement', 'lot', 'method'])
    if (!header.includes(need)) throw new InputError(`the CSV header has no column "${need}"`, 'body');
  return rows.map((r) => {
    const deadlines = Object.fromEntries(DEADLINE_KINDS.map((k) => [k, col(r, k)]).filter(([, v]) => v !== undefined));
    const affected = col(r, 'affected');
    const supplierName = col(r, 'supplierName');
    return {
      announcement: col(r, 'announcement'),
      lot: col(r, 'lot'),
      method: col(r, 'method'),
      ...(col(r, 'system') ? { system: col(r, 'system') } : {}),
      ...(col(r, 'module') ? { module: col(r, 'module') } : {}),
      ...(affected !== undefined ? { affected: affected === 'true' || affected === '1' || affected === 'yes' } : {}),
      ...(col(r, 'protocolFormedAt') ? { protocolFormedAt: col(r, 'protocolFormedAt') } : {}),
      deadlines,
      suppliers: supplierName
        ? [
            {
              name: supplierName,
              ...(col(r, 'supplierEmail') ? { email: col(r, 'supplierEmail') } : {}),
              ...(col(r, 'supplierPhone') ? { phone: col(r, 'supplierPhone') } : {}),
            },
          ]
        : [],
    };
  });
}

/** Imports procurements (upsert by announcement and lot), all or nothing; every problem named by its index. */
export async function importProcurements(db: Db, items: unknown, actor: ActorRef, now: Date): Promise<{ imported: number }> {
  const list = parse(
    z.array(procurementInput, { error: 'must be an array of procurements' }).min(1, 'must not be empty').max(100_000),
    items,
  );
  const seen = new Set<string>();
  list.forEach((p, i) => {
    const id = `${p.announcement}/${p.lot}`;
    if (seen.has(id)) throw new InputError(`duplicate announcement and lot ${id}`, `[${i}].lot`);
    seen.add(id);
  });
  await db.transaction(async (tx) => {
    for (const p of list) {
      const deadlines = Object.fromEntries(
        Object.entries(p.deadlines)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, formatAstana(v as number)]),
      );
      await upsertProcurement(tx, {
        id: `${p.announcement}/${p.lot}`,
        announcement: p.announcement,
        lot: p.lot,
        method: p.method,
        system: p.system ?? null,
        module: p.module ?? null,
        affected: p.affected ?? null,
        protocolFormedAt: p.protocolFormedAt === undefined ? null : new Date(p.protocolFormedAt).toISOString(),
        deadlines,
        suppliers: p.suppliers,
        importedAt: now.toISOString(),
      });
    }
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'procurements.import',
      after: { count: list.length, ids: list.slice(0, 50).map((p) => `${p.announcement}/${p.lot}`) },
    });
  });
  return { imported: list.length };
}

export async function importTariffs(db: Db, items: unknown, actor: ActorRef, now: Date): Promise<{ imported: number }> {
  const list = parse(z.array(tariffInput, { error: 'must be an array of tariffs' }).min(1, 'must not be empty').max(100_000), items);
  await db.transaction(async (tx) => {
    for (const t of list) {
      await upsertTariff(tx, { id: t.id, supplier: t.supplier ?? null, validUntil: t.validUntil, importedAt: now.toISOString() });
    }
    await audit(tx, { actor: actor.id, ip: actor.ip, action: 'tariffs.import', after: { count: list.length } });
  });
  return { imported: list.length };
}
