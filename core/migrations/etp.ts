/** Migrations 30–39: ETP registry, failure-day ledger, decisions. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const ETP_MIGRATIONS: readonly Migration[] = [];
