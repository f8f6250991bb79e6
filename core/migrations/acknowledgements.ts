/** Migrations 90–94: acknowledging incident alerts and escalating the unacknowledged ones. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const ACKNOWLEDGEMENT_MIGRATIONS: readonly Migration[] = [
  {
    version: 90,
    name: 'on-call: acknowledgements of incident alerts, Slack requests seen (replays), escalation steps sent',
    statements: [
      // One acknowledgement per incident: the first one wins, a repeat answers with it (idempotent).
      `CREATE TABLE incident_acks (
        incident_id text PRIMARY KEY REFERENCES incidents (id),
        acked_at timestamptz NOT NULL,
        actor text NOT NULL,
        actor_name text,
        via text NOT NULL,
        ip text,
        note text
      )`,
      // Slack's signature of each interaction request taken, for its 5 minutes of validity: a replay is refused.
      'CREATE TABLE slack_requests_seen (signature text PRIMARY KEY, at timestamptz NOT NULL)',
      'CREATE INDEX slack_requests_seen_at ON slack_requests_seen (at)',
      // One row per (incident, escalation step) once its re-notification is stored: the key that makes it once only.
      `CREATE TABLE incident_escalations (
        incident_id text NOT NULL REFERENCES incidents (id),
        step integer NOT NULL,
        due_at timestamptz NOT NULL,
        sent_at timestamptz NOT NULL,
        channel text NOT NULL,
        recipients jsonb NOT NULL,
        PRIMARY KEY (incident_id, step)
      )`,
    ],
  },
];
