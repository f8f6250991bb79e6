/** Migrations 40–49: console accounts, sessions, login throttling, single sign-on. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const CONSOLE_MIGRATIONS: readonly Migration[] = [
  {
    version: 40,
    name: 'console users, sessions and failed sign-ins',
    statements: [
      `CREATE TABLE console_users (
        id text PRIMARY KEY,
        username text NOT NULL UNIQUE,
        name text,
        role text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz
      )`,
      // Only the SHA-256 of a session id is stored: a leaked table does not let anyone sign in.
      `CREATE TABLE console_sessions (
        id_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES console_users (id),
        csrf text NOT NULL,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        ip text,
        user_agent text,
        revoked_at timestamptz
      )`,
      'CREATE INDEX console_sessions_user ON console_sessions (user_id)',
      `CREATE TABLE console_login_failures (
        id bigserial PRIMARY KEY,
        username text NOT NULL,
        ip text,
        at timestamptz NOT NULL
      )`,
      'CREATE INDEX console_login_failures_ip_at ON console_login_failures (ip, at)',
      'CREATE INDEX audit_log_actor_at ON audit_log (actor, at)',
    ],
  },
  {
    version: 41,
    name: 'console single sign-on (OIDC): accounts linked to an issuer and subject, pending sign-ins',
    statements: [
      // An SSO account is found by its issuer and subject, never by its name: an identity provider
      // cannot take over a local account by sending the same preferred_username.
      'ALTER TABLE console_users ADD COLUMN oidc_issuer text',
      'ALTER TABLE console_users ADD COLUMN oidc_subject text',
      'CREATE UNIQUE INDEX console_users_oidc ON console_users (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL',
      // One row per started SSO sign-in, keyed by the SHA-256 of its state; used once, then deleted.
      `CREATE TABLE console_oidc_logins (
        state_hash text PRIMARY KEY,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        redirect_uri text NOT NULL,
        next text NOT NULL,
        ip text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    ],
  },
  {
    version: 42,
    name: 'console single sign-on: the ID token of an SSO session, for the provider sign-out (id_token_hint)',
    statements: ['ALTER TABLE console_sessions ADD COLUMN oidc_id_token text'],
  },
];
