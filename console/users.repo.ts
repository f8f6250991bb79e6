/**
 * Console accounts, sessions and sign-in throttling in the database. Every write is audited in the
 * same transaction (who, when, IP, before/after; role changes too, 003 §34). Time is passed in.
 *
 * Throttling: 5 wrong passwords in a row lock the account for 15 minutes (the owner is told so on the
 * form, and an admin can unlock it); 20 failures from one address within 15 minutes refuse further
 * attempts from it until the window passes, so one address cannot lock out every account quickly.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../core/audit.ts';
import { ROLES, type Actor, type Role } from '../core/auth.ts';
import type { Db, Queryable } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError, issuesFromZod } from '../core/errors.ts';
import { DUMMY_HASH, checkPasswordStrength, hashPassword, verifyPassword } from './passwords.ts';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
export const IP_MAX_FAILURES = 20;
export const IP_WINDOW_MS = 15 * 60_000;
/** A session ends after this long without a request, and in any case this long after sign-in. */
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_MAX_MS = 24 * 3_600_000;

export interface ActorRef {
  id: string;
  ip?: string | null | undefined;
}

export interface ConsoleUser {
  id: string;
  username: string;
  name: string | null;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
  failedLogins: number;
  lockedUntil: Date | null;
  /** Signs in through single sign-on (sso.ts): no password here, its role comes from the identity provider. */
  sso: boolean;
}

export type UserRow = {
  id: string;
  username: string;
  name: string | null;
  role: Role;
  password_hash: string;
  created_at: Date;
  disabled_at: Date | null;
  failed_logins: number;
  locked_until: Date | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
};

export const toUser = (r: UserRow): ConsoleUser => ({
  id: r.id,
  username: r.username,
  name: r.name,
  role: r.role,
  createdAt: new Date(r.created_at),
  disabledAt: r.disabled_at ? new Date(r.disabled_at) : null,
  failedLogins: Number(r.failed_logins),
  lockedUntil: r.locked_until ? new Date(r.locked_until) : null,
  sso: r.oidc_subject !== null && r.oidc_subject !== undefined,
});

/** The actor id a console user acts under in timelines and the audit log. */
export const actorId = (username: string) => `user:${username}`;
export const actorOf = (u: ConsoleUser): Actor => ({ id: actorId(u.username), role: u.role, name: u.name });

export const usernameSchema = z
  .string({ error: 'required' })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, '2–64 characters: latin letters, digits, . _ -');
export const newUserInput = z.strictObject({
  username: usernameSchema,
  name: z
    .string()
    .trim()
    .max(200, 'at most 200 characters')
    .optional()
    .transform((v) => v || undefined),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  password: z.string({ error: 'required' }),
});

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new InputError(issuesFromZod(r.error.issues));
  return r.data;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export async function createUser(db: Db, input: unknown, actor: ActorRef): Promise<ConsoleUser> {
  const v = parse(newUserInput, input);
  checkPasswordStrength(v.password, v.username);
  const hash = await hashPassword(v.password);
  const id = `usr_${randomBytes(6).toString('hex')}`;
  return db.transaction(async (tx) => {
    const taken = await tx.query('SELECT 1 FROM console_users WHERE username = $1', [v.username]);
    if (taken.length > 0) throw new KuzetError('conflict', `user "${v.username}" exists already`, { status: 409, field: 'username' });
    const rows = await tx.query<UserRow>(
      'INSERT INTO console_users (id, username, name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [id, v.username, v.name ?? null, v.role, hash],
    );
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'user.create',
      subject: v.username,
      after: { username: v.username, name: v.name ?? null, role: v.role },
    });
    return toUser(rows[0] as UserRow);
  });
}

export async function listUsers(db: Queryable): Promise<ConsoleUser[]> {
  return (await db.query<UserRow>('SELECT * FROM console_users ORDER BY username')).map(toUser);
}

export async function getUser(db: Queryable, username: string): Promise<ConsoleUser | undefined> {
  const r = (await db.query<UserRow>('SELECT * FROM console_users WHERE username = $1', [username.trim().toLowerCase()]))[0];
  return r ? toUser(r) : undefined;
}

async function lockUser(tx: Queryable, username: string): Promise<UserRow> {
  const r = (await tx.query<UserRow>('SELECT * FROM console_users WHERE username = $1 FOR UPDATE', [username]))[0];
  if (!r) throw new NotFoundError(`no console user "${username}"`);
  return r;
}

/** Role change (audited with before and after; kept with the audit log, 003 §34). */
export async function setRole(db: Db, username: string, role: unknown, actor: ActorRef): Promise<ConsoleUser> {
  const v = parse(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }), role);
  return db.transaction(async (tx) => {
    const before = await lockUser(tx, username);
    if (before.role === 'admin' && v !== 'admin') await assertAnotherAdmin(tx, username);
    const rows = await tx.query<UserRow>('UPDATE console_users SET role = $2 WHERE username = $1 RETURNING *', [username, v]);
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'user.role',
      subject: username,
      before: { role: before.role },
      after: { role: v },
    });
    return toUser(rows[0] as UserRow);
  });
}

async function assertAnotherAdmin(tx: Queryable, username: string): Promise<void> {
  const n = await tx.query("SELECT 1 FROM console_users WHERE role = 'admin' AND disabled_at IS NULL AND username <> $1", [username]);
  if (n.length === 0)
    throw new KuzetError('conflict', 'the last active admin cannot lose the admin role or be disabled', { status: 409, field: 'role' });
}

/** Disables (signing the user out everywhere) or enables an account. */
export async function setDisabled(db: Db, username: string, disabled: boolean, actor: ActorRef, now: Date): Promise<ConsoleUser> {
  return db.transaction(async (tx) => {
    const before = await lockUser(tx, username);
    if (disabled && before.role === 'admin') await assertAnotherAdmin(tx, username);
    const rows = await tx.query<UserRow>(
      'UPDATE console_users SET disabled_at = $2, failed_logins = 0, locked_until = NULL WHERE username = $1 RETURNING *',
      [username, disabled ? now.toISOString() : null],
    );
    if (disabled)
      await tx.query('UPDATE console_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [
        before.id,
        now.toISOString(),
      ]);
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: disabled ? 'user.disable' : 'user.enable',
      subject: username,
      before: { disabled: before.disabled_at !== null },
      after: { disabled },
    });
    return toUser(rows[0] as UserRow);
  });
}

/** Sets a new password; every session of the user ends. */
export async function setPassword(db: Db, username: string, password: string, actor: ActorRef, now: Date): Promise<void> {
  checkPasswordStrength(password, username);
  const hash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const u = await lockUser(tx, username);
    if (u.oidc_subject)
      throw new KuzetError('conflict', `"${username}" signs in through single sign-on; its password is kept by the identity provider`, {
        status: 409,
        field: 'username',
      });
    await tx.query('UPDATE console_users SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1', [u.id, hash]);
    await tx.query('UPDATE console_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [u.id, now.toISOString()]);
    await audit(tx, { actor: actor.id, ip: actor.ip, action: 'user.password', subject: username, after: { sessionsRevoked: true } });
  });
}

export type SignInResult =
  | { ok: true; user: ConsoleUser; session: { id: string; csrf: string } }
  | { ok: false; reason: 'invalid' | 'locked' | 'throttled'; retryAfterS?: number };

/** The `throttled` answer when this address has failed too often within the window, else undefined. */
async function ipThrottle(db: Db, ip: string, now: Date): Promise<SignInResult | undefined> {
  const since = new Date(now.getTime() - IP_WINDOW_MS).toISOString();
  const fromIp = await db.query<{ n: string | number; first: Date | null }>(
    'SELECT count(*) AS n, min(at) AS first FROM console_login_failures WHERE ip = $1 AND at > $2',
    [ip, since],
  );
  const ipFailures = Number(fromIp[0]?.n ?? 0);
  if (ipFailures >= IP_MAX_FAILURES) {
    const first = fromIp[0]?.first ? new Date(fromIp[0].first).getTime() : now.getTime();
    return { ok: false, reason: 'throttled', retryAfterS: Math.max(1, Math.ceil((first + IP_WINDOW_MS - now.getTime()) / 1000)) };
  }
  return undefined;
}

/** A sign-in refused before the password counts (SSO account, locked account): the failure recorded and audited with why. */
async function refuseSignIn(db: Db, name: string, ip: string, now: Date, after: Record<string, unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO console_login_failures (username, ip, at) VALUES ($1, $2, $3)', [name, ip, now.toISOString()]);
    await audit(tx, {
      actor: actorId(name),
      ip,
      action: 'console.sign-in-refused',
      subject: name,
      after,
      at: now,
    });
  });
}

/** A wrong password, unknown or disabled user: the failure recorded, counted on a known account; true when it locks the account now. */
async function recordFailedSignIn(db: Db, row: UserRow | undefined, name: string, ip: string, now: Date): Promise<boolean> {
  let lockedNow = false;
  await db.transaction(async (tx) => {
    // Failures only count within the window; the audit log keeps them for good.
    await tx.query('DELETE FROM console_login_failures WHERE at < $1', [new Date(now.getTime() - 86_400_000).toISOString()]);
    await tx.query('INSERT INTO console_login_failures (username, ip, at) VALUES ($1, $2, $3)', [name, ip, now.toISOString()]);
    if (row && !row.disabled_at) {
      const n = Number(row.failed_logins) + 1;
      lockedNow = n >= LOCK_AFTER_FAILURES;
      await tx.query('UPDATE console_users SET failed_logins = $2, locked_until = $3 WHERE id = $1', [
        row.id,
        lockedNow ? 0 : n,
        lockedNow ? new Date(now.getTime() + LOCK_MS).toISOString() : null,
      ]);
    }
    await audit(tx, {
      actor: actorId(name || '?'),
      ip,
      action: lockedNow ? 'console.locked-out' : 'console.sign-in-failed',
      subject: name || null,
      after: { known: Boolean(row) },
      at: now,
    });
  });
  return lockedNow;
}

/**
 * Checks a password and opens a session. A wrong password, an unknown or disabled user all answer
 * `invalid` after the same scrypt work, so the form tells nothing about which accounts exist.
 */
export async function signIn(
  db: Db,
  username: string,
  password: string,
  client: { ip: string; userAgent: string },
  now: Date,
): Promise<SignInResult> {
  const name = username.trim().toLowerCase().slice(0, 64);
  const throttled = await ipThrottle(db, client.ip, now);
  if (throttled) return throttled;
  const row = (await db.query<UserRow>('SELECT * FROM console_users WHERE username = $1', [name]))[0];
  // An SSO account has no password (its hash is empty): the same scrypt work, so timing does not tell.
  const good = await verifyPassword(password, row && !row.oidc_subject ? row.password_hash : DUMMY_HASH);
  if (row?.oidc_subject) {
    // Same answer as a wrong password (the form tells nothing about accounts); the audit log says why.
    await refuseSignIn(db, name, client.ip, now, { reason: 'sso-account' });
    return { ok: false, reason: 'invalid' };
  }
  const locked = row?.locked_until && new Date(row.locked_until).getTime() > now.getTime();
  if (row && locked) {
    await refuseSignIn(db, name, client.ip, now, { reason: 'locked', lockedUntil: new Date(row.locked_until as Date).toISOString() });
    return { ok: false, reason: 'locked', retryAfterS: Math.ceil((new Date(row.locked_until as Date).getTime() - now.getTime()) / 1000) };
  }
  if (!row || !good || row.disabled_at) {
    const lockedNow = await recordFailedSignIn(db, row, name, client.ip, now);
    return lockedNow ? { ok: false, reason: 'locked', retryAfterS: LOCK_MS / 1000 } : { ok: false, reason: 'invalid' };
  }
  const session = await db.transaction(async (tx) => {
    await tx.query('UPDATE console_users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [row.id]);
    const opened = await openSession(tx, row.id, client, now);
    await audit(tx, {
      actor: actorId(row.username),
      ip: client.ip,
      action: 'console.sign-in',
      subject: row.username,
      after: { role: row.role },
      at: now,
    });
    return opened;
  });
  return { ok: true, user: toUser({ ...row, failed_logins: 0, locked_until: null }), session };
}

/** Opens a session for a user whose identity is established (password or single sign-on); the caller audits it. */
export async function openSession(
  tx: Queryable,
  userId: string,
  client: { ip: string; userAgent: string },
  now: Date,
): Promise<{ id: string; csrf: string }> {
  const session = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url') };
  await tx.query('DELETE FROM console_sessions WHERE expires_at < $1', [new Date(now.getTime() - 30 * 86_400_000).toISOString()]);
  await tx.query(
    'INSERT INTO console_sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)',
    [
      sha256(session.id),
      userId,
      session.csrf,
      now.toISOString(),
      new Date(now.getTime() + SESSION_MAX_MS).toISOString(),
      client.ip,
      client.userAgent.slice(0, 300),
    ],
  );
  return session;
}

export interface SessionView {
  idHash: string;
  user: ConsoleUser;
  csrf: string;
  createdAt: Date;
}

/** The live session of a cookie value (not revoked, not idle too long, not past its end); refreshes its idle clock. */
export async function lookupSession(db: Db, id: string, now: Date): Promise<SessionView | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  const idHash = sha256(id);
  const rows = await db.query<UserRow & { csrf: string; s_created_at: Date; last_seen_at: Date; expires_at: Date }>(
    `SELECT u.*, s.csrf, s.created_at AS s_created_at, s.last_seen_at, s.expires_at FROM console_sessions s JOIN console_users u ON u.id = s.user_id
     WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND u.disabled_at IS NULL`,
    [idHash],
  );
  const r = rows[0];
  if (!r) return undefined;
  const t = now.getTime();
  if (new Date(r.expires_at).getTime() <= t || new Date(r.last_seen_at).getTime() + SESSION_IDLE_MS <= t) return undefined;
  if (t - new Date(r.last_seen_at).getTime() > 60_000)
    await db.query('UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1', [idHash, now.toISOString()]);
  return { idHash, user: toUser(r), csrf: r.csrf, createdAt: new Date(r.s_created_at) };
}

export async function signOut(db: Db, idHash: string, actor: ActorRef, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('UPDATE console_sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL', [idHash, now.toISOString()]);
    await audit(tx, { actor: actor.id, ip: actor.ip, action: 'console.sign-out', at: now });
  });
}

/** Ends every session of the user (on every device). */
export async function signOutEverywhere(db: Db, username: string, actor: ActorRef, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const u = await lockUser(tx, username);
    const rows = await tx.query('UPDATE console_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1', [
      u.id,
      now.toISOString(),
    ]);
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'console.sign-out-everywhere',
      subject: username,
      after: { sessions: rows.length },
      at: now,
    });
    return rows.length;
  });
}

/** Clears a lock-out before its 15 minutes pass (an admin's decision). */
export async function unlockUser(db: Db, username: string, actor: ActorRef): Promise<void> {
  await db.transaction(async (tx) => {
    const u = await lockUser(tx, username);
    await tx.query('UPDATE console_users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [u.id]);
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'user.unlock',
      subject: username,
      before: { lockedUntil: u.locked_until ? new Date(u.locked_until).toISOString() : null },
      after: { lockedUntil: null },
    });
  });
}

export async function activeSessions(db: Queryable, username: string, now: Date): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM console_sessions s JOIN console_users u ON u.id = s.user_id WHERE u.username = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3',
    [username, now.toISOString(), new Date(now.getTime() - SESSION_IDLE_MS).toISOString()],
  );
  return Number(rows[0]?.n ?? 0);
}
