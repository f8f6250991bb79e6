/** Migrations 50–59: meta-monitoring and reliability. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const META_MIGRATIONS: readonly Migration[] = [];
