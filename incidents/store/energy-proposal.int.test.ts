/**
 * The energy platform's proposed level follows the failure through time (issue #17 item 8,
 * 003 §23.1/§23.3): a full outage from 08:55 is registered as low and, still going at 09:00, proposed
 * high from 09:00 — the change on the timeline; a failure fixed before the opening stays low.
 * PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../core/config.ts';
import { migrate, openDb, type Db } from '../../core/db.ts';
import { parseDateTimeMs } from '../../core/time.ts';
import { PROBES } from '../../probes/index.ts';
import { dropPgSchema, PG_URL, uniqueName } from '../../test/support.ts';
import { IncidentDetector, type DetectableResult } from './incident-detector.ts';
import { topologyFromConfig } from './topology.ts';

const cfg = parseConfig(
  `
systems:
  energy:
    name: Energy
    kind: portal
    policy: energy-366
    modules: [platform]
    targets:
      - { id: platform, module: platform, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/e" }] }
`,
  PROBES,
  {},
);
const topology = () => topologyFromConfig(cfg);
const T = (s: string) => parseDateTimeMs(`${s}:00+05:00`);
const down = (at: number): DetectableResult => ({
  key: 'energy/platform/http',
  system: 'energy',
  target: 'platform',
  check: 'http',
  region: 'astana',
  ok: false,
  errorKind: 'http-status',
  message: 'HTTP 503',
  at: new Date(at),
});

function suite(engine: 'pglite' | 'postgres') {
  describe(`energy level proposal through time on ${engine}`, () => {
    let db: Db;
    const schema = uniqueName('kzenergy');
    before(async () => {
      db = engine === 'postgres' ? await openDb({ databaseUrl: PG_URL, schema }) : await openDb({ dataDir: 'memory://' });
      await migrate(db);
    });
    after(async () => {
      await db.close();
      if (engine === 'postgres') await dropPgSchema(schema);
    });

    it('outage from Tue 2026-04-14 08:55: low at registration, high from 09:00 while it lasts, recorded on the timeline', async () => {
      let clock = T('2026-04-14T08:55');
      const det = new IncidentDetector({ db, topology, now: () => new Date(clock) });
      await det.load();
      for (const t of ['08:55', '08:56', '08:57']) {
        clock = T(`2026-04-14T${t}`);
        await det.handle([down(clock)]);
      }
      const [inc] = await db.query<{ id: string; proposed_level: string }>(
        "SELECT id, proposed_level FROM incidents WHERE system = 'energy'",
      );
      assert.equal(inc?.proposed_level, 'low');
      clock = T('2026-04-14T08:59');
      await det.handle([down(clock)]);
      assert.equal(
        (await db.query<{ proposed_level: string }>('SELECT proposed_level FROM incidents WHERE id = $1', [inc?.id]))[0]?.proposed_level,
        'low',
      );
      clock = T('2026-04-14T09:00');
      await det.handle([down(clock)]);
      clock = T('2026-04-14T09:01');
      await det.handle([down(clock)]);
      const row = (
        await db.query<{ proposed_level: string; proposal: { rule: string; since: number } }>(
          'SELECT proposed_level, proposal FROM incidents WHERE id = $1',
          [inc?.id],
        )
      )[0];
      assert.deepEqual([row?.proposed_level, row?.proposal.rule, row?.proposal.since], ['high', 'CL-E-HIGH', T('2026-04-14T09:00')]);
      const changes = await db.query<{ before: { proposedLevel: string }; after: { proposedLevel: string; since: string; at: string } }>(
        "SELECT before, after FROM incident_timeline WHERE incident_id = $1 AND action = 'proposal.changed' ORDER BY id",
        [inc?.id],
      );
      assert.deepEqual(
        changes.map((c) => [c.before.proposedLevel, c.after.proposedLevel, c.after.since, c.after.at]),
        [['low', 'high', '2026-04-14T09:00:00+05:00', '2026-04-14T09:00:00+05:00']],
      );
      const audited = await db.query("SELECT 1 FROM audit_log WHERE subject = $1 AND action = 'incident.proposal.changed'", [inc?.id]);
      assert.equal(audited.length, 1);
    });
  });
}

suite('pglite');
suite('postgres');
