/**
 * Versioned schema migrations, applied at start by {@link migrate} in one transaction.
 * Never edit a released migration: add a new one. Each statement is run on its own (PGlite and
 * node-postgres both take one statement per parameterised query).
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'check results, current state, audit log',
    statements: [
      `CREATE TABLE check_results (
        id bigserial PRIMARY KEY,
        check_key text NOT NULL,
        system text NOT NULL,
        target text NOT NULL,
        check_id text NOT NULL,
        region text NOT NULL,
        ok boolean NOT NULL,
        latency_ms double precision NOT NULL,
        error_kind text,
        message text NOT NULL,
        at timestamptz NOT NULL,
        observations jsonb
      )`,
      'CREATE INDEX check_results_key_at ON check_results (check_key, at)',
      'CREATE INDEX check_results_at ON check_results (at)',
      `CREATE TABLE check_state (
        check_key text NOT NULL,
        region text NOT NULL,
        system text NOT NULL,
        target text NOT NULL,
        check_id text NOT NULL,
        ok boolean NOT NULL,
        latency_ms double precision NOT NULL,
        error_kind text,
        message text NOT NULL,
        at timestamptz NOT NULL,
        since timestamptz NOT NULL,
        PRIMARY KEY (check_key, region)
      )`,
      `CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        ip text,
        action text NOT NULL,
        subject text,
        before jsonb,
        after jsonb
      )`,
      'CREATE INDEX audit_log_at ON audit_log (at)',
    ],
  },
];
