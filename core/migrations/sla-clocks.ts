/** Migrations 80–89: SLA clocks. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const SLA_CLOCK_MIGRATIONS: readonly Migration[] = [
  {
    version: 80,
    name: 'SLA clocks: untimed duties (no due time, done or not done) and the one extension of a clock',
    statements: [
      // SLA-P-LOW-FIXED (002 §15.3, new §13.3) is tracked done / not done and has no due time.
      'ALTER TABLE incident_clocks ALTER COLUMN due_at DROP NOT NULL',
      // SLA-E-ETP-RESOLVE (000 App.4 §1.5): extended once, by the operator; due_at then holds the new due time
      // and this the original one, the reason and who extended it when.
      'ALTER TABLE incident_clocks ADD COLUMN extension jsonb',
    ],
  },
];
