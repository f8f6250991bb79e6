/** Migrations 70–79: appeals. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const APPEAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 70,
    name: 'many appeals per incident: a flood about one module attaches to its open incident (issue #16 item 5)',
    statements: [
      'ALTER TABLE appeals DROP CONSTRAINT appeals_incident_id_key',
      'CREATE INDEX appeals_incident_id ON appeals (incident_id)',
      'CREATE INDEX incidents_system_module ON incidents (system, module, registered_at)',
    ],
  },
  {
    version: 71,
    name: "appeals' intake channel (web, email, voice, phone): the energy desk's clocks start from mail and voice messages (issue #17 item 12)",
    statements: ["ALTER TABLE appeals ADD COLUMN channel text NOT NULL DEFAULT 'web'"],
  },
];
