/** Incident evidence names screenshots by the worker's path; the API turns them into run artifact URLs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate, openDb, type Db } from '../core/db.ts';
import { PG_URL, dropPgSchema, uniqueName } from '../test/support.ts';
import { screenshotUrls } from './incidents.routes.ts';

describe('screenshot URLs of incident evidence', () => {
  let db: Db;
  const schema = uniqueName('kz_shots');
  before(async () => {
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
  });
  after(async () => {
    await db.close();
    await dropPgSchema(schema);
  });

  it('finds the failed run holding each screenshot inside the failure window', async () => {
    const ins = (at: string, ok: boolean, artifacts: unknown) =>
      db.query<{ id: string }>(
        "INSERT INTO check_results (check_key, system, target, check_id, region, ok, latency_ms, error_kind, message, at, observations) VALUES ('portal/j/browser', 'portal', 'j', 'browser', 'astana', $1, 10, $2, 'm', $3, $4::jsonb) RETURNING id::text AS id",
        [ok, ok ? null : 'assertion', at, JSON.stringify({ artifacts })],
      );
    await ins('2026-03-26T09:00:00+05:00', false, [{ name: 'failure.png', path: '/art/old/failure.png', bytes: 5 }]);
    const [hit] = await ins('2026-03-26T10:00:05+05:00', false, [
      { name: 'failure.png', path: '/art/r2/failure.png', bytes: 5 },
      { name: 'trace.zip', path: '/art/r2/trace.zip', bytes: 9 },
    ]);
    const evidence = {
      details: [
        {
          key: 'portal/j/browser',
          firstFailureAt: '2026-03-26T10:00:00+05:00',
          lastFailureAt: '2026-03-26T10:00:05+05:00',
          screenshots: ['/art/r2/failure.png', '/art/gone.png'],
        },
      ],
    };
    assert.deepEqual(await screenshotUrls(db, evidence), [
      { check: 'portal/j/browser', run: hit!.id, name: 'failure.png', url: `/api/v1/runs/${hit!.id}/artifacts/failure.png` },
    ]);
    assert.deepEqual(await screenshotUrls(db, {}), []);
    assert.deepEqual(await screenshotUrls(db, { details: 'nonsense' }), []);
  });
});
