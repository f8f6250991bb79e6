/** Migrations 50–59: meta-monitoring and reliability. Never edit a released one: add a new one. */
import type { Migration } from '../migration.ts';

export const META_MIGRATIONS: readonly Migration[] = [
  {
    version: 50,
    name: 'check results keyed by their results-stream entry; kuzet.silent episodes',
    statements: [
      // A batch replayed after a crash between the commit and the stream XACK inserts nothing twice.
      // Rows written before this migration (and results not read from the stream) keep NULL, which never conflicts.
      'ALTER TABLE check_results ADD COLUMN stream_id text',
      'CREATE UNIQUE INDEX check_results_stream_id ON check_results (stream_id)',
      `CREATE TABLE meta_silences (
        id text PRIMARY KEY,
        grp text NOT NULL,
        scope text NOT NULL,
        region text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        detail jsonb NOT NULL
      )`,
      'CREATE UNIQUE INDEX meta_silences_open ON meta_silences (grp) WHERE ended_at IS NULL',
      'CREATE INDEX meta_silences_started ON meta_silences (started_at)',
    ],
  },
];
