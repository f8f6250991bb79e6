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
  {
    version: 2,
    name: 'incidents, timeline, SLA clocks, detector state, appeals, tokens, outbox, procurement and tariff registries',
    statements: [
      'CREATE TABLE incident_counters (year integer PRIMARY KEY, last integer NOT NULL)',
      `CREATE TABLE incidents (
        id text PRIMARY KEY,
        year integer NOT NULL,
        seq integer NOT NULL,
        source text NOT NULL,
        system text,
        module text,
        policy text NOT NULL,
        state text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        title text NOT NULL,
        started_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        registered_at timestamptz NOT NULL,
        user_detected_at timestamptz,
        recovered_at timestamptz,
        analysing_at timestamptz,
        confirmed_at timestamptz,
        refuted_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        proposed_level text,
        proposal jsonb,
        level text,
        level_reason text,
        kind text,
        planned_fix_at timestamptz,
        actual_fix_at timestamptz,
        cause text,
        measures text,
        recommendations text,
        refute_evidence text,
        decision text,
        probable_cause text,
        evidence jsonb NOT NULL DEFAULT '{}',
        extensions jsonb,
        linked_to text REFERENCES incidents (id),
        detector_key text,
        detector_episode integer,
        UNIQUE (year, seq)
      )`,
      'CREATE INDEX incidents_started ON incidents (started_at)',
      'CREATE INDEX incidents_state ON incidents (state)',
      `CREATE TABLE incident_timeline (
        id bigserial PRIMARY KEY,
        incident_id text NOT NULL REFERENCES incidents (id),
        at timestamptz NOT NULL,
        actor text NOT NULL,
        ip text,
        action text NOT NULL,
        before jsonb,
        after jsonb
      )`,
      'CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id)',
      `CREATE TABLE incident_clocks (
        incident_id text NOT NULL REFERENCES incidents (id),
        timer text NOT NULL,
        started_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        met_at timestamptz,
        informational boolean NOT NULL DEFAULT false,
        warned_at timestamptz,
        breached_at timestamptz,
        PRIMARY KEY (incident_id, timer)
      )`,
      'CREATE INDEX incident_clocks_due ON incident_clocks (due_at) WHERE met_at IS NULL',
      'CREATE TABLE detector_checks (check_key text PRIMARY KEY, state jsonb NOT NULL)',
      'CREATE TABLE detector_modules (module_key text PRIMARY KEY, state jsonb NOT NULL, incident_id text REFERENCES incidents (id))',
      `CREATE TABLE appeals (
        id bigserial PRIMARY KEY,
        incident_id text NOT NULL UNIQUE REFERENCES incidents (id),
        organisation text NOT NULL,
        bin_iin text NOT NULL,
        email text NOT NULL,
        phone text NOT NULL,
        description text NOT NULL,
        detected_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        ip text,
        upload_token_hash text NOT NULL,
        linked_incident_id text REFERENCES incidents (id)
      )`,
      `CREATE TABLE appeal_attachments (
        id bigserial PRIMARY KEY,
        appeal_id bigint NOT NULL REFERENCES appeals (id),
        name text NOT NULL,
        type text NOT NULL,
        bytes bigint NOT NULL,
        sha256 text NOT NULL,
        path text NOT NULL,
        at timestamptz NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        role text NOT NULL,
        name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`,
      `CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        key text NOT NULL UNIQUE,
        type text NOT NULL,
        incident_id text,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`,
      'CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL',
      'CREATE TABLE outbox_offsets (consumer text PRIMARY KEY, last_id bigint NOT NULL)',
      `CREATE TABLE procurements (
        id text PRIMARY KEY,
        announcement text NOT NULL,
        lot text NOT NULL,
        method text NOT NULL,
        system text,
        module text,
        affected boolean,
        protocol_formed_at timestamptz,
        deadlines jsonb NOT NULL,
        suppliers jsonb NOT NULL DEFAULT '[]',
        imported_at timestamptz NOT NULL
      )`,
      'CREATE TABLE tariffs (id text PRIMARY KEY, supplier text, valid_until date NOT NULL, imported_at timestamptz NOT NULL)',
    ],
  },
];
