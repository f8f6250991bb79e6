/** Migrations 30–39: ETP registry, failure-day ledger, decisions. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const ETP_MIGRATIONS: readonly Migration[] = [
  {
    version: 30,
    name: 'ETP registry, recorded failure episodes, failure-day ledger, streak events, disconnection decisions',
    statements: [
      // One row per ETP; `source` says whether the config seeded it or an operator created it over the API.
      `CREATE TABLE etps (
        id text PRIMARY KEY,
        name text NOT NULL,
        owner jsonb NOT NULL,
        domain text,
        ips jsonb NOT NULL DEFAULT '[]',
        services jsonb NOT NULL DEFAULT '[]',
        state text NOT NULL,
        state_since timestamptz,
        auth_rotations jsonb NOT NULL DEFAULT '[]',
        min_failure_minutes double precision NOT NULL DEFAULT 1,
        source text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Failure episodes not seen by kuzet's own checks: recorded by an operator, or replayed by the demo.
      `CREATE TABLE etp_episodes (
        id bigserial PRIMARY KEY,
        etp text NOT NULL REFERENCES etps (id),
        service text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        source text NOT NULL,
        note text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX etp_episodes_etp ON etp_episodes (etp, started_at)',
      `CREATE TABLE etp_failure_days (
        etp text NOT NULL REFERENCES etps (id),
        day date NOT NULL,
        failure_ms bigint NOT NULL,
        PRIMARY KEY (etp, day)
      )`,
      // Warnings and threshold events, once per ETP, date and type: the key that makes notifications idempotent.
      `CREATE TABLE etp_streak_events (
        etp text NOT NULL REFERENCES etps (id),
        day date NOT NULL,
        type text NOT NULL,
        streak integer NOT NULL,
        decision_due_by timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (etp, day, type)
      )`,
      `CREATE TABLE etp_decisions (
        id text PRIMARY KEY,
        etp text NOT NULL REFERENCES etps (id),
        threshold_day date NOT NULL,
        decision text NOT NULL,
        disconnect_at timestamptz,
        reason text NOT NULL,
        actor text NOT NULL,
        decided_at timestamptz NOT NULL
      )`,
      'CREATE INDEX etp_decisions_etp ON etp_decisions (etp, decided_at)',
    ],
  },
  {
    version: 31,
    name: 'ETP decisions on other grounds (§47.1, 47.2, 47.4) have no threshold date',
    statements: ['ALTER TABLE etp_decisions ALTER COLUMN threshold_day DROP NOT NULL'],
  },
];
