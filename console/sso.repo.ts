/**
 * Single sign-on in the database: started sign-ins waiting for the provider's answer (state, nonce,
 * PKCE verifier kept server-side, used once), and the console accounts linked to an issuer and
 * subject. Every write is audited in its transaction; time is passed in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../core/audit.ts';
import type { Role } from '../core/auth.ts';
import type { Db } from '../core/db.ts';
import { actorId, openSession, toUser, type ConsoleUser, type UserRow } from './users.repo.ts';

/** How long the provider may take to send the browser back (the person types a password there). */
export const PENDING_LOGIN_MS = 10 * 60_000;
/** The actor of changes the identity provider makes (role changes on sign-in, new accounts). */
export const SSO_ACTOR = 'system:oidc';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  next: string;
}

export async function savePendingLogin(db: Db, p: PendingLogin, ip: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM console_oidc_logins WHERE expires_at < $1', [now.toISOString()]);
    await tx.query(
      'INSERT INTO console_oidc_logins (state_hash, nonce, code_verifier, redirect_uri, next, ip, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        sha256(p.state),
        p.nonce,
        p.codeVerifier,
        p.redirectUri,
        p.next,
        ip,
        now.toISOString(),
        new Date(now.getTime() + PENDING_LOGIN_MS).toISOString(),
      ],
    );
  });
}

/** The sign-in started with this state, removed so it cannot be answered twice; undefined when unknown or expired. */
export async function takePendingLogin(db: Db, state: string, now: Date): Promise<PendingLogin | undefined> {
  const rows = await db.query<{ nonce: string; code_verifier: string; redirect_uri: string; next: string; expires_at: Date }>(
    'DELETE FROM console_oidc_logins WHERE state_hash = $1 RETURNING nonce, code_verifier, redirect_uri, next, expires_at',
    [sha256(state)],
  );
  const r = rows[0];
  if (!r || new Date(r.expires_at).getTime() <= now.getTime()) return undefined;
  return { state, nonce: r.nonce, codeVerifier: r.code_verifier, redirectUri: r.redirect_uri, next: r.next };
}

/** Keeps the ID token of an SSO session: the provider's sign-out takes it as `id_token_hint`. */
export async function rememberIdToken(db: Db, sessionId: string, idToken: string): Promise<void> {
  await db.query('UPDATE console_sessions SET oidc_id_token = $2 WHERE id_hash = $1', [sha256(sessionId), idToken]);
}

/** The ID token of a session (by the hash of its id), removed so it is used for one sign-out only; undefined for a password session. */
export async function takeIdToken(db: Db, idHash: string): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    const row = (
      await tx.query<{ oidc_id_token: string | null }>('SELECT oidc_id_token FROM console_sessions WHERE id_hash = $1 FOR UPDATE', [idHash])
    )[0];
    if (!row?.oidc_id_token) return undefined;
    await tx.query('UPDATE console_sessions SET oidc_id_token = NULL WHERE id_hash = $1', [idHash]);
    return row.oidc_id_token;
  });
}

/** A person as the identity provider vouched for them in a validated ID token. */
export interface SsoIdentity {
  issuer: string;
  subject: string;
  username: string;
  name: string | null;
  /** Undefined when no value of the role claim is mapped. */
  role: Role | undefined;
  /** The role claim's values, kept in the audit log so a refusal can be explained. */
  claimValues: string[];
}

export type SsoSignInResult =
  | {
      ok: true;
      user: ConsoleUser;
      session: { id: string; csrf: string };
      roleChanged: { before: Role; after: Role } | undefined;
      created: boolean;
    }
  | { ok: false; reason: 'no-role' | 'disabled' | 'name-taken' };

/**
 * Signs in a person the provider vouched for: finds the account by issuer and subject (creating it
 * on first sign-in when the name is free), applies the mapped role, opens a session.
 * A name held by a local account or another subject is never taken over.
 */
export async function ssoSignIn(db: Db, id: SsoIdentity, client: { ip: string; userAgent: string }, now: Date): Promise<SsoSignInResult> {
  return db.transaction(async (tx) => {
    const refuse = async (reason: 'no-role' | 'disabled' | 'name-taken', subject: string) => {
      await audit(tx, {
        actor: actorId(subject),
        ip: client.ip,
        action: 'console.sign-in-refused',
        subject,
        after: { method: 'oidc', reason, issuer: id.issuer, sub: id.subject, claimValues: id.claimValues },
        at: now,
      });
      return { ok: false as const, reason };
    };
    let row = (
      await tx.query<UserRow>('SELECT * FROM console_users WHERE oidc_issuer = $1 AND oidc_subject = $2 FOR UPDATE', [
        id.issuer,
        id.subject,
      ])
    )[0];
    if (row?.disabled_at) return refuse('disabled', row.username);
    if (!id.role) return refuse('no-role', row?.username ?? id.username);
    let created = false;
    let roleChanged: { before: Role; after: Role } | undefined;
    if (!row) {
      const taken = await tx.query('SELECT 1 FROM console_users WHERE username = $1', [id.username]);
      if (taken.length > 0) return refuse('name-taken', id.username);
      const userId = `usr_${randomBytes(6).toString('hex')}`;
      // No password: the empty hash never verifies, and signIn refuses SSO accounts before trying.
      row = (
        await tx.query<UserRow>(
          "INSERT INTO console_users (id, username, name, role, password_hash, oidc_issuer, oidc_subject, created_at) VALUES ($1, $2, $3, $4, '', $5, $6, $7) RETURNING *",
          [userId, id.username, id.name, id.role, id.issuer, id.subject, now.toISOString()],
        )
      )[0] as UserRow;
      created = true;
      await audit(tx, {
        actor: SSO_ACTOR,
        ip: client.ip,
        action: 'user.create',
        subject: id.username,
        after: { username: id.username, name: id.name, role: id.role, sso: true, issuer: id.issuer },
        at: now,
      });
    } else if (row.role !== id.role) {
      roleChanged = { before: row.role, after: id.role };
      row = (await tx.query<UserRow>('UPDATE console_users SET role = $2 WHERE id = $1 RETURNING *', [row.id, id.role]))[0] as UserRow;
      // Kept with the audit log like every role change (003 §34); the claim values say why.
      await audit(tx, {
        actor: SSO_ACTOR,
        ip: client.ip,
        action: 'user.role',
        subject: row.username,
        before: { role: roleChanged.before },
        after: { role: roleChanged.after, source: 'oidc', claimValues: id.claimValues },
        at: now,
      });
    }
    const session = await openSession(tx, row.id, client, now);
    await audit(tx, {
      actor: actorId(row.username),
      ip: client.ip,
      action: 'console.sign-in',
      subject: row.username,
      after: { method: 'oidc', role: row.role, issuer: id.issuer },
      at: now,
    });
    return { ok: true as const, user: toUser(row), session, roleChanged, created };
  });
}
