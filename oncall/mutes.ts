/**
 * Mutes (issue #21 item 3): one check, target or module muted for a period with a reason. A mute
 * silences the on-call alert of an incident about what it covers (see silence.ts); results are still
 * stored, incidents still open, and the regulated duties still run. It ends by itself at its end, or
 * early when unmuted. Every mute and unmute is audited (who, when, from which IP; docs/rules.md §10).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../core/audit.ts';
import { duration, resolveChecks, systemOf, type KuzetConfig, type ResolvedCheck } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError } from '../core/errors.ts';
import { formatAstana, tryParseDateTimeMs } from '../core/time.ts';
import * as repo from './mutes.repo.ts';

export const MUTE_SCOPES = ['check', 'target', 'module'] as const;
export type MuteScope = (typeof MUTE_SCOPES)[number];

/** The longest mute: a longer one would hide a real failure for weeks; plan maintenance or change the config instead. */
export const MAX_MUTE_MS = 30 * 86_400_000;

/** A mute as the API, CLI and console show it. */
export interface Mute {
  id: string;
  scope: MuteScope;
  /** `system/target/check`, `system/target` or `system/module`. */
  subject: string;
  system: string;
  reason: string;
  startsAt: string;
  endsAt: string;
  by: string;
  /** `active`, `expired` (ended by itself) or `unmuted` (ended early). */
  state: 'active' | 'expired' | 'unmuted';
  endedAt: string | null;
  endedBy: string | null;
}

/** Where a check sits: what a mute of each scope must name to cover it. */
export interface CheckPlace {
  key: string;
  system: string;
  target: string;
  /** The module as the detector groups it: the target's module, else the target id. */
  module: string;
}

export const placeOf = (c: Pick<ResolvedCheck, 'key' | 'system' | 'target' | 'module'>): CheckPlace => ({
  key: c.key,
  system: c.system,
  target: c.target,
  module: c.module ?? c.target,
});

/** Whether the mute covers the check (whatever the time). */
export function muteCovers(m: Pick<Mute, 'scope' | 'subject'>, p: CheckPlace): boolean {
  if (m.scope === 'check') return m.subject === p.key;
  if (m.scope === 'target') return m.subject === `${p.system}/${p.target}`;
  return m.subject === `${p.system}/${p.module}`;
}

/** The mute covering the check among those in force, the most specific first (check, target, module). */
export function muteOf(mutes: readonly Mute[], p: CheckPlace): Mute | undefined {
  for (const scope of MUTE_SCOPES) {
    const m = mutes.find((x) => x.scope === scope && muteCovers(x, p));
    if (m) return m;
  }
  return undefined;
}

export const muteInput = z
  .strictObject({
    /** `system/target/check`. */
    check: z.string().optional(),
    /** `system/target`. */
    target: z.string().optional(),
    /** `system/module`. */
    module: z.string().optional(),
    reason: z
      .string({ error: 'required: say why (it is shown wherever the check appears)' })
      .trim()
      .min(1, 'required: say why (it is shown wherever the check appears)')
      .max(500, 'at most 500 characters'),
    /** The end, ISO 8601 with offset. */
    until: z.string().optional(),
    /** Or how long: `30m`, `2h`, seconds. */
    for: duration.optional(),
  })
  .superRefine((v, ctx) => {
    const named = MUTE_SCOPES.filter((s) => v[s] !== undefined);
    if (named.length !== 1) ctx.addIssue({ code: 'custom', path: ['check'], message: 'name exactly one of check, target or module' });
    if ((v.until === undefined) === (v.for === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['until'],
        message: 'give exactly one of until (a date-time) or for (a duration such as "2h")',
      });
  });

function issues(e: z.ZodError): { field: string; message: string }[] {
  return e.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}

/** The system of a subject naming something configured, or an input error naming the field and what is known. */
function resolveSubject(cfg: KuzetConfig, scope: MuteScope, subject: string): string {
  const [system, second, third] = subject.split('/');
  const sys = systemOf(cfg, system);
  const parts = scope === 'check' ? 3 : 2;
  const shape = { check: 'system/target/check', target: 'system/target', module: 'system/module' }[scope];
  if (subject.split('/').length !== parts || !sys) throw new InputError(`not a configured ${scope} (${shape}): "${subject}"`, scope);
  const known =
    scope === 'check'
      ? resolveChecks(cfg).some((c) => c.key === subject)
      : scope === 'target'
        ? sys.targets.some((t) => t.id === second)
        : new Set([...sys.modules, ...sys.targets.map((t) => t.module ?? t.id)]).has(second as string);
  if (!known || (scope !== 'check' && third !== undefined))
    throw new InputError(`not a configured ${scope} (${shape}): "${subject}"`, scope);
  return system as string;
}

const iso = (d: Date | string | null) => (d === null ? null : formatAstana(new Date(d)));

export function muteView(r: repo.MuteRow, now: Date): Mute {
  const ended = r.ended_at !== null && new Date(r.ended_at).getTime() < new Date(r.ends_at).getTime();
  const past = new Date(r.ends_at).getTime() <= now.getTime();
  return {
    id: r.id,
    scope: r.scope as MuteScope,
    subject: r.subject,
    system: r.system,
    reason: r.reason,
    startsAt: iso(r.starts_at) as string,
    endsAt: iso(r.ends_at) as string,
    by: r.created_by,
    state: ended ? 'unmuted' : past ? 'expired' : 'active',
    endedAt: ended ? iso(r.ended_at) : past ? iso(r.ends_at) : null,
    endedBy: ended ? r.ended_by : null,
  };
}

export interface MuteDeps {
  db(): Db;
  config(): KuzetConfig;
  now(): Date;
}

export interface MuteActor {
  id: string;
  ip?: string | null | undefined;
}

export class MuteService {
  constructor(private readonly d: MuteDeps) {}

  /** Mutes a check, target or module from now until `until` (or for `for`); audited. */
  async mute(input: unknown, actor: MuteActor): Promise<Mute> {
    const p = muteInput.safeParse(input);
    if (!p.success) throw new InputError(issues(p.error));
    const v = p.data;
    const scope = MUTE_SCOPES.find((s) => v[s] !== undefined) as MuteScope;
    const subject = (v[scope] as string).trim();
    const system = resolveSubject(this.d.config(), scope, subject);
    const now = this.d.now();
    const end = v.for !== undefined ? now.getTime() + v.for : tryParseDateTimeMs(v.until as string);
    if (end === undefined) throw new InputError('not an ISO 8601 date-time with offset, e.g. "2026-12-03T18:00:00+05:00"', 'until');
    const field = v.for !== undefined ? 'for' : 'until';
    if (end <= now.getTime()) throw new InputError('must be in the future', field);
    if (end - now.getTime() > MAX_MUTE_MS)
      throw new InputError('at most 30 days: a longer mute hides a real failure; plan maintenance or change the config instead', field);
    const id = `mute_${randomBytes(6).toString('hex')}`;
    const row = { id, scope, subject, system, reason: v.reason, startsAt: now, endsAt: new Date(end), by: actor.id, ip: actor.ip ?? null };
    await this.d.db().transaction(async (tx) => {
      await repo.insertMute(tx, row);
      await audit(tx, {
        actor: actor.id,
        ip: actor.ip,
        action: 'mute.create',
        subject: id,
        after: { scope, subject, reason: v.reason, endsAt: formatAstana(end) },
        at: now,
      });
    });
    return this.get(id);
  }

  /** Ends a mute now (before its end); audited. 404 when there is none, 409 when it has ended already. */
  async unmute(id: string, actor: MuteActor): Promise<Mute> {
    const now = this.d.now();
    await this.d.db().transaction(async (tx) => {
      const r = await repo.muteById(tx, id, true);
      if (!r) throw new NotFoundError(`no mute "${id}"`);
      const v = muteView(r, now);
      if (v.state !== 'active')
        throw new KuzetError('conflict', `mute ${id} has ended already (${v.state} at ${v.endedAt})`, { status: 409 });
      await repo.endMute(tx, id, now, actor.id);
      await audit(tx, {
        actor: actor.id,
        ip: actor.ip,
        action: 'mute.end',
        subject: id,
        before: { endsAt: v.endsAt },
        after: { endedAt: formatAstana(now) },
        at: now,
      });
    });
    return this.get(id);
  }

  async get(id: string): Promise<Mute> {
    const r = await repo.muteById(this.d.db(), id);
    if (!r) throw new NotFoundError(`no mute "${id}"`);
    return muteView(r, this.d.now());
  }

  /** The mutes in force now. */
  async active(): Promise<Mute[]> {
    const now = this.d.now();
    return (await repo.activeMutes(this.d.db(), now)).map((r) => muteView(r, now));
  }

  /** Mutes in force now or ended within the last `days` days, newest first. */
  async recent(days = 7): Promise<Mute[]> {
    const now = this.d.now();
    return (await repo.recentMutes(this.d.db(), new Date(now.getTime() - days * 86_400_000))).map((r) => muteView(r, now));
  }

  /** The mute in force over each configured check that has one, by check key: what every view of a check shows. */
  async byCheck(): Promise<Map<string, Mute>> {
    const mutes = await this.active();
    const out = new Map<string, Mute>();
    if (mutes.length === 0) return out;
    for (const c of resolveChecks(this.d.config())) {
      const m = muteOf(mutes, placeOf(c));
      if (m) out.set(c.key, m);
    }
    return out;
  }
}
