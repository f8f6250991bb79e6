/** Migrations 60–69: the public surface (limits that hold across kuzet processes). Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const PUBLIC_SURFACE_MIGRATIONS: readonly Migration[] = [
  {
    version: 60,
    name: 'fixed-window request counters shared by every kuzet process (status-site subscriptions)',
    statements: [
      'CREATE TABLE rate_limits (key text PRIMARY KEY, n integer NOT NULL, reset_at timestamptz NOT NULL)',
      'CREATE INDEX rate_limits_reset_at ON rate_limits (reset_at)',
    ],
  },
  {
    version: 61,
    name: 'server keys (signing shared, expiring artifact links), one per purpose, the same for every kuzet process',
    statements: ['CREATE TABLE server_keys (name text PRIMARY KEY, key text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())'],
  },
];
