/** Migrations 95–99: mutes and silenced alerts (issue #21 item 3). Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const ONCALL_ROTA_MIGRATIONS: readonly Migration[] = [
  {
    version: 95,
    name: 'mutes of checks, targets and modules; alerts silenced by a mute or a maintenance window',
    statements: [
      // One row per mute; it ends by itself at ends_at, or early when unmuted (ended_at, ended_by).
      `CREATE TABLE mutes (
        id text PRIMARY KEY,
        scope text NOT NULL,
        subject text NOT NULL,
        system text NOT NULL,
        reason text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        created_by text NOT NULL,
        created_ip text,
        ended_at timestamptz,
        ended_by text
      )`,
      'CREATE INDEX mutes_ends_at ON mutes (ends_at)',
      // The one decision per alert (an incident's on-call alert), so a replayed event decides nothing twice.
      `CREATE TABLE silenced_alerts (
        alert_key text PRIMARY KEY,
        incident_id text NOT NULL,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        cause_id text NOT NULL,
        detail jsonb NOT NULL
      )`,
      'CREATE INDEX silenced_alerts_incident ON silenced_alerts (incident_id)',
    ],
  },
];
