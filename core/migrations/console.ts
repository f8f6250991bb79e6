/** Migrations 40–49: console accounts, sessions, login throttling. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const CONSOLE_MIGRATIONS: readonly Migration[] = [];
