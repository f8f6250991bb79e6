/**
 * API tokens and roles. A token is shown once when created (`kuzet token create --role R`) and only
 * its SHA-256 is stored: tokens are 256 random bits, so a plain hash is enough (no dictionary to
 * resist) and lets a request be verified with one indexed lookup.
 *
 * Roles: `viewer` reads; `operator` also transitions and edits; `admin` also manages console users,
 * tokens and reads the audit log. A higher role may do whatever a lower one may.
 *
 * A signed-in console user (collector/console) is accepted in place of a bearer token: the console's
 * middleware puts the session's actor in `ctx.state.sessionActor` only for reads, or for writes that
 * carried the session's CSRF token, so a cookie alone never authorises a cross-site write.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Db, Queryable } from './db.ts';
import { audit } from './audit.ts';
import { findActiveToken, insertToken } from './auth.repo.ts';
import { InputError, KuzetError, UnavailableError } from './errors.ts';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  /** The token id (`tok_…`) or the console user (`user:<name>`), used in the timeline and the audit log. */
  id: string;
  role: Role;
  name: string | null;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Whether `role` may do what `needed` allows. */
export const roleAtLeast = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Roles an API token may have: machines read or operate; administration is for signed-in people. */
export const TOKEN_ROLES = ['viewer', 'operator'] as const;

export function parseRole(v: unknown, allowed: readonly Role[] = TOKEN_ROLES): Role {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw new InputError(`must be one of ${allowed.join(', ')}`, 'role');
  return v as Role;
}

/** Stores a token (a generated one unless `token` is given) and returns it with its id. */
export async function createToken(
  db: Db,
  opts: { role: Role; name?: string | undefined; token?: string | undefined; actor?: string; ip?: string | undefined },
): Promise<{ id: string; token: string; role: Role }> {
  const token = opts.token ?? `kzt_${randomBytes(32).toString('base64url')}`;
  if (token.length < 16) throw new InputError('must be at least 16 characters', 'token');
  const id = `tok_${randomBytes(6).toString('hex')}`;
  await db.transaction(async (tx) => {
    await insertToken(tx, { id, tokenHash: hashToken(token), role: opts.role, name: opts.name ?? null });
    await audit(tx, {
      actor: opts.actor ?? 'system:cli',
      ip: opts.ip,
      action: 'token.create',
      subject: id,
      after: { role: opts.role, name: opts.name ?? null },
    });
  });
  return { id, token, role: opts.role };
}

export async function verifyToken(db: Queryable, token: string): Promise<Actor | undefined> {
  // Only the roles of ROLES are ever stored (parseRole before createToken).
  return (await findActiveToken(db, hashToken(token))) as Actor | undefined;
}

/**
 * Koa middleware: 401 without a valid bearer token (or console session), 403 when its role is below
 * `role`; puts the actor in `ctx.state.actor`.
 */
export function requireRole(db: () => Db | undefined, role: Role) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('authorization');
    const session = ctx.state.sessionActor as Actor | undefined;
    if (!header && session) {
      if (RANK[session.role] < RANK[role])
        throw new KuzetError('forbidden', `the ${session.role} role may not do this; ${role} is required`, { status: 403 });
      ctx.state.actor = session;
      await next();
      return;
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m)
      throw new KuzetError(
        'unauthorized',
        'a bearer token is required (Authorization: Bearer <token>; create one with `kuzet token create --role viewer|operator`)',
        { status: 401 },
      );
    const d = db();
    if (!d) throw new UnavailableError('the database is not open yet');
    const actor = await verifyToken(d, m[1] as string);
    if (!actor) throw new KuzetError('unauthorized', 'the bearer token is not valid or was revoked', { status: 401 });
    if (RANK[actor.role] < RANK[role])
      throw new KuzetError('forbidden', `the ${actor.role} role may not do this; ${role} is required`, { status: 403 });
    ctx.state.actor = actor;
    await next();
  };
}
