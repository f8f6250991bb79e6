/**
 * The ETP registry (docs/rules.md §7; 000 App.7 §3, §36–§37, §49): who runs each ETP, where it lives,
 * which services it has and whether it is connected to the e-shop (test, productive, or disconnected
 * with the date and time). Seeded from kuzet.yaml systems of kind `etp`; changed over the API. Every
 * change is audited with the value before and after, in the same transaction as the change.
 */
import { z } from 'zod';
import { audit } from '../core/audit.ts';
import { ETP_STATES, type KuzetConfig } from '../core/config.ts';
import type { Db, Queryable } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError, formatPath, issuesFromZod } from '../core/errors.ts';
import { formatAstana, formatEpochDay } from '../core/time.ts';
import { dateDay, dateTimeMs } from '../incidents/index.ts';
import { DEFAULT_MIN_FAILURE_MINUTES } from './streaks.ts';
import { getEtp, writeEtp } from './registry.repo.ts';
import type { Etp, EtpState } from './etp.types.ts';

export { getEtp, listEtpRecords } from './registry.repo.ts';

export { ETP_STATES };
/** Services an ETP offers the e-shop; the list is open (`others`), these are the ones the rules name. */
export const KNOWN_ETP_SERVICES = ['orders', 'prices', 'catalogue'] as const;

export type { Etp, EtpContact, EtpService, EtpState } from './etp.types.ts';

/** The registry entry as the API, the CLI and the audit log show it. */
export function etpJson(e: Etp) {
  return {
    id: e.id,
    name: e.name,
    owner: e.owner,
    domain: e.domain,
    ips: e.ips,
    services: e.services,
    connection: { state: e.state, since: e.stateSinceMs === null ? null : formatAstana(e.stateSinceMs) },
    authRotations: e.authRotations,
    minFailureMinutes: e.minFailureMinutes,
    source: e.source,
    version: e.version,
  };
}

export async function requireEtp(db: Queryable, id: string, forUpdate = false): Promise<Etp> {
  const e = await getEtp(db, id, forUpdate);
  if (!e) throw new NotFoundError(`no ETP "${id}"`);
  return e;
}

/** The registry entry a config system of kind `etp` describes. */
export function etpFromConfig(id: string, sys: KuzetConfig['systems'][string]): Etp {
  const owner = sys.owners[0];
  const stateSince = sys.etp?.stateSince ? Date.parse(sys.etp.stateSince) : NaN;
  return {
    id,
    name: sys.name,
    owner: {
      name: owner?.name ?? sys.name,
      contacts: [...(owner ? [owner] : []), ...sys.contacts, ...sys.owners.slice(1)].map((c) => ({ ...c })),
    },
    domain: sys.etp?.domain ?? null,
    ips: [...(sys.etp?.ips ?? [])],
    services: sys.targets.filter((t) => t.service).map((t) => ({ service: t.service as string, target: t.id })),
    state: sys.etp?.state ?? 'productive',
    stateSinceMs: Number.isNaN(stateSince) ? null : stateSince,
    authRotations: [...(sys.etp?.authRotations ?? [])],
    minFailureMinutes: DEFAULT_MIN_FAILURE_MINUTES,
    source: 'config',
    version: 1,
  };
}

/** JSON with sorted keys: jsonb does not keep key order, so a plain stringify of a row read back differs. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
const comparable = (e: Etp) => canonical(etpJson({ ...e, version: 0 }));

/**
 * Seeds the registry from the config: new ETPs are added; an entry the config seeded and nobody has
 * changed since (version 1) follows the config; an entry changed over the API is left alone, so a
 * restart never undoes an operator's change. Returns the ids written.
 */
export async function seedFromConfig(db: Db, cfg: KuzetConfig): Promise<string[]> {
  const written: string[] = [];
  for (const [id, sys] of Object.entries(cfg.systems)) {
    if (sys.kind !== 'etp') continue;
    const next = etpFromConfig(id, sys);
    const changed = await db.transaction(async (tx) => {
      const before = await getEtp(tx, id, true);
      if (before && (before.source !== 'config' || before.version !== 1 || comparable(before) === comparable(next))) return false;
      await writeEtp(tx, next);
      await audit(tx, {
        actor: 'system:config',
        action: before ? 'etp.seed-update' : 'etp.seed',
        subject: id,
        before: before ? etpJson(before) : null,
        after: etpJson(next),
      });
      return true;
    });
    if (changed) written.push(id);
  }
  return written;
}

const typeError = (what: string) => (iss: { input: unknown }) => (iss.input === undefined ? 'required' : `must be ${what}`);
const text = (max: number) =>
  z
    .string({ error: typeError('a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
const contactInput = z.strictObject({
  name: text(200),
  role: text(100).optional(),
  email: z.email('must be an e-mail address').optional(),
  phone: text(50).optional(),
});
const serviceInput = z.strictObject({
  service: z.string({ error: typeError('a string') }).regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"'),
  target: z.string().min(1).nullable().default(null),
});
const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
const fields = {
  name: text(300),
  owner: z.strictObject(
    {
      name: text(300),
      contacts: z
        .array(contactInput, { error: typeError('an array') })
        .max(50)
        .default([]),
    },
    { error: typeError('an object {name, contacts}') },
  ),
  domain: z
    .string({ error: typeError('a host name') })
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i,
      'must be a host name such as etp.example.kz',
    )
    .nullable(),
  ips: z.array(ip, { error: typeError('an array of IP addresses') }).max(256),
  services: z.array(serviceInput, { error: typeError('an array') }).max(50),
  state: z.enum(['test', 'productive'], {
    error: 'must be test or productive (a disconnection is recorded with POST /api/v1/etps/:id/decision)',
  }),
  stateSince: dateTimeMs,
  authRotations: z.array(dateDay, { error: typeError('an array of dates YYYY-MM-DD') }).max(500),
  minFailureMinutes: z
    .number({ error: typeError('a number of minutes') })
    .positive('must be > 0')
    .max(1440, 'must be ≤ 1440 (a day)'),
};

export const etpCreateInput = z.strictObject({
  id: z
    .string({ error: typeError('a string') })
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"')
    .max(100),
  name: fields.name,
  owner: fields.owner,
  domain: fields.domain.default(null),
  ips: fields.ips.default([]),
  services: fields.services.default([]),
  /** A new ETP starts on the test environment unless told otherwise. */
  state: fields.state.default('test'),
  stateSince: fields.stateSince.optional(),
  authRotations: fields.authRotations.default([]),
  minFailureMinutes: fields.minFailureMinutes.default(DEFAULT_MIN_FAILURE_MINUTES),
});

/** A partial change; `version`, when given, must match (a change made meanwhile is a 409). */
export const etpPatchInput = z
  .strictObject({
    name: fields.name.optional(),
    owner: fields.owner.optional(),
    domain: fields.domain.optional(),
    ips: fields.ips.optional(),
    services: fields.services.optional(),
    state: fields.state.optional(),
    stateSince: fields.stateSince.optional(),
    authRotations: fields.authRotations.optional(),
    minFailureMinutes: fields.minFailureMinutes.optional(),
    version: z
      .number({ error: typeError('an integer') })
      .int()
      .positive()
      .optional(),
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'version'), { message: 'nothing to change', path: [] });

/** Field-named issues; an unknown key is named itself (zod reports it on the object). */
export function inputIssues(issues: readonly z.core.$ZodIssue[]): { field: string; message: string }[] {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: formatPath([...i.path, k]), message: 'unknown field' }))
      : issuesFromZod([i]).map((x) => (x.field === '' ? { ...x, field: 'body' } : x)),
  );
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new InputError(inputIssues(r.error.issues));
  return r.data;
}

export interface RegistryActor {
  id: string;
  ip?: string | null | undefined;
}

const dayText = formatEpochDay;

export async function createEtp(db: Db, input: unknown, actor: RegistryActor, now: Date): Promise<Etp> {
  const v = parse(etpCreateInput, input);
  const e: Etp = {
    id: v.id,
    name: v.name,
    owner: v.owner,
    domain: v.domain,
    ips: v.ips,
    services: v.services,
    state: v.state,
    stateSinceMs: v.stateSince ?? now.getTime(),
    authRotations: [...new Set(v.authRotations.map(dayText))].sort(),
    minFailureMinutes: v.minFailureMinutes,
    source: 'api',
    version: 1,
  };
  return db.transaction(async (tx) => {
    if (await getEtp(tx, e.id, true))
      throw new KuzetError('conflict', `ETP "${e.id}" already exists; change it with PATCH /api/v1/etps/${e.id}`, {
        field: 'id',
        status: 409,
      });
    await writeEtp(tx, e);
    await audit(tx, { actor: actor.id, ip: actor.ip, action: 'etp.create', subject: e.id, before: null, after: etpJson(e) });
    return e;
  });
}

export async function updateEtp(db: Db, id: string, input: unknown, actor: RegistryActor, now: Date): Promise<Etp> {
  const v = parse(etpPatchInput, input);
  return db.transaction(async (tx) => {
    const before = await requireEtp(tx, id, true);
    if (v.version !== undefined && v.version !== before.version)
      throw new KuzetError(
        'conflict',
        `ETP "${id}" is at version ${before.version}, not ${v.version}: re-read it and apply the change again`,
        { field: 'version', status: 409 },
      );
    const stateChanged = v.state !== undefined && v.state !== before.state;
    const after: Etp = {
      ...before,
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.owner !== undefined ? { owner: v.owner } : {}),
      ...(v.domain !== undefined ? { domain: v.domain } : {}),
      ...(v.ips !== undefined ? { ips: v.ips } : {}),
      ...(v.services !== undefined ? { services: v.services } : {}),
      ...(v.state !== undefined ? { state: v.state } : {}),
      ...(v.authRotations !== undefined ? { authRotations: [...new Set(v.authRotations.map(dayText))].sort() } : {}),
      ...(v.minFailureMinutes !== undefined ? { minFailureMinutes: v.minFailureMinutes } : {}),
      stateSinceMs: v.stateSince ?? (stateChanged ? now.getTime() : before.stateSinceMs),
      source: 'api',
      version: before.version + 1,
    };
    await writeEtp(tx, after);
    await audit(tx, { actor: actor.id, ip: actor.ip, action: 'etp.update', subject: id, before: etpJson(before), after: etpJson(after) });
    return after;
  });
}

/** Sets the connection state (a disconnection decision); audited by the caller's transaction. */
export async function setConnection(tx: Queryable, before: Etp, state: EtpState, sinceMs: number): Promise<Etp> {
  const after: Etp = {
    ...before,
    state,
    stateSinceMs: sinceMs,
    version: before.version + 1,
    source: before.source === 'config' && before.version === 1 ? 'api' : before.source,
  };
  await writeEtp(tx, after);
  return after;
}
