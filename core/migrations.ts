/**
 * Versioned schema migrations, applied at start by {@link migrate} in one transaction.
 * Never edit a released migration: add a new one. Each statement is run on its own (PGlite and
 * node-postgres both take one statement per parameterised query).
 */
import type { Migration } from './migration.ts';
import { ACKNOWLEDGEMENT_MIGRATIONS } from './migrations/acknowledgements.ts';
import { APPEAL_MIGRATIONS } from './migrations/appeals.ts';
import { BILINGUAL_TEXT_MIGRATIONS } from './migrations/bilingual-text.ts';
import { CONSOLE_MIGRATIONS } from './migrations/console.ts';
import { ETP_MIGRATIONS } from './migrations/etp.ts';
import { META_MIGRATIONS } from './migrations/meta.ts';
import { ONCALL_ROTA_MIGRATIONS } from './migrations/oncall-rota.ts';
import { PUBLIC_SURFACE_MIGRATIONS } from './migrations/public-surface.ts';
import { SLA_CLOCK_MIGRATIONS } from './migrations/sla-clocks.ts';

export type { Migration } from './migration.ts';

/**
 * Version ranges: 1–29 here (results, incidents, notices, wiring); 30–39 ETP registry and ledger
 * (`migrations/etp.ts`); 40–49 console accounts and sessions (`migrations/console.ts`); 50–59
 * meta-monitoring and reliability (`migrations/meta.ts`); 60–69 the public surface (`migrations/public-surface.ts`);
 * 90–94 acknowledging and escalating incident alerts (`migrations/acknowledgements.ts`).
 */
const BASE: readonly Migration[] = [
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
  {
    version: 3,
    name: 'incidents: with whom an energy-366 level was agreed',
    statements: ['ALTER TABLE incidents ADD COLUMN level_agreed_with text'],
  },
  {
    version: 10,
    name: 'notices: maintenance windows, notices and their versions, deliveries, Slack threads, subscriptions',
    statements: [
      `CREATE TABLE maintenance_windows (
        id text PRIMARY KEY,
        system text NOT NULL,
        input jsonb NOT NULL,
        plan jsonb NOT NULL,
        unplanned boolean NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        phase text NOT NULL,
        notice_id text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE notices (
        id text PRIMARY KEY,
        subject_kind text NOT NULL,
        subject_id text NOT NULL,
        system text NOT NULL,
        subject jsonb NOT NULL,
        content_hash text NOT NULL,
        published_version integer NOT NULL DEFAULT 0,
        published_hash text,
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subject_kind, subject_id)
      )`,
      `CREATE TABLE notice_versions (
        notice_id text NOT NULL REFERENCES notices(id),
        version integer NOT NULL,
        phase text NOT NULL,
        subject jsonb NOT NULL,
        texts jsonb NOT NULL,
        clocks jsonb NOT NULL DEFAULT '[]',
        templates jsonb NOT NULL,
        published_at timestamptz NOT NULL,
        published_by text NOT NULL,
        PRIMARY KEY (notice_id, version)
      )`,
      `CREATE TABLE notice_deliveries (
        key text PRIMARY KEY,
        event text NOT NULL,
        channel text NOT NULL,
        recipient text NOT NULL,
        state text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sending_at timestamptz,
        sent_at timestamptz
      )`,
      'CREATE INDEX notice_deliveries_state ON notice_deliveries (state)',
      'CREATE TABLE notice_threads (thread_key text NOT NULL, channel text NOT NULL, ts text NOT NULL, PRIMARY KEY (thread_key, channel))',
      `CREATE TABLE notice_subscriptions (
        id text PRIMARY KEY,
        email text NOT NULL,
        system text NOT NULL,
        token text NOT NULL UNIQUE,
        state text NOT NULL,
        lang text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        UNIQUE (email, system)
      )`,
    ],
  },
];

export const MIGRATIONS: readonly Migration[] = [
  ...BASE,
  ...ETP_MIGRATIONS,
  ...CONSOLE_MIGRATIONS,
  ...META_MIGRATIONS,
  ...PUBLIC_SURFACE_MIGRATIONS,
  ...APPEAL_MIGRATIONS,
  ...SLA_CLOCK_MIGRATIONS,
  ...ONCALL_ROTA_MIGRATIONS,
  ...BILINGUAL_TEXT_MIGRATIONS,
  ...ACKNOWLEDGEMENT_MIGRATIONS,
].sort((a, b) => a.version - b.version);
