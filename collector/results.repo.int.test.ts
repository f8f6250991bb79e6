import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate, openDb, type Db } from '../core/db.ts';
import { dropPgSchema, PG_URL, uniqueName } from '../test/support.ts';
import { enforceRetention, insertResults, listResults, listStates, type KeyedResult } from './results.repo.ts';

const base = {
  key: 'portal/homepage/http',
  system: 'portal',
  target: 'homepage',
  check: 'http',
  region: 'astana',
  latencyMs: 12.5,
  message: 'ok',
};
const result = (at: string, ok: boolean, extra: Partial<KeyedResult> = {}): KeyedResult => ({
  ...base,
  ok,
  errorKind: ok ? null : 'connect',
  at: new Date(at),
  ...extra,
});

for (const engine of ['pglite', 'postgres'] as const) {
  describe(`results repo on ${engine}`, () => {
    let db: Db;
    const schema = uniqueName('kuzet_results');
    before(async () => {
      db = engine === 'pglite' ? await openDb({ dataDir: 'memory://' }) : await openDb({ databaseUrl: PG_URL, schema });
      await migrate(db);
    });
    after(async () => {
      await db.close();
      if (engine === 'postgres') await dropPgSchema(schema);
    });

    it('stores a batch, keeps the current state and when it last flipped', async () => {
      await insertResults(db, [
        result('2026-03-20T10:00:00+05:00', true),
        result('2026-03-20T10:01:00+05:00', false, { message: 'connection refused', observations: { code: 'ECONNREFUSED' } }),
        result('2026-03-20T10:02:00+05:00', false, { message: 'connection refused' }),
        result('2026-03-20T10:02:00+05:00', true, { region: 'almaty' }),
      ]);
      const states = await listStates(db);
      const astana = states.find((s) => s.region === 'astana');
      assert.equal(astana?.ok, false);
      assert.equal(astana?.errorKind, 'connect');
      assert.equal(astana?.since.toISOString(), new Date('2026-03-20T10:01:00+05:00').toISOString());
      assert.equal(states.find((s) => s.region === 'almaty')?.ok, true);
      // A later batch that stays down keeps `since`; an older result never overwrites a newer state.
      await insertResults(db, [
        result('2026-03-20T10:03:00+05:00', false),
        result('2026-03-20T09:00:00+05:00', true, { region: 'almaty' }),
      ]);
      const again = await listStates(db);
      assert.equal(again.find((s) => s.region === 'astana')?.since.toISOString(), new Date('2026-03-20T10:01:00+05:00').toISOString());
      assert.equal(again.find((s) => s.region === 'almaty')?.at.toISOString(), new Date('2026-03-20T10:02:00+05:00').toISOString());
    });

    it('pages results newest first within [from, to)', async () => {
      const q = { checkKey: base.key, from: new Date('2026-03-20T00:00:00+05:00'), to: new Date('2026-03-21T00:00:00+05:00') };
      const p1 = await listResults(db, { ...q, limit: 3 });
      assert.equal(p1.items.length, 3);
      assert.ok(p1.nextCursor);
      const p2 = await listResults(db, { ...q, limit: 3, cursor: p1.nextCursor });
      assert.equal(p2.items.length, 3);
      assert.equal(p2.nextCursor, undefined);
      const all = [...p1.items, ...p2.items];
      assert.equal(new Set(all.map((r) => r.id)).size, 6);
      const refused = all.find((r) => r.observations);
      assert.deepEqual(refused?.observations, { code: 'ECONNREFUSED' });
      const narrow = await listResults(db, {
        checkKey: base.key,
        from: new Date('2026-03-20T10:01:00+05:00'),
        to: new Date('2026-03-20T10:02:00+05:00'),
        limit: 10,
      });
      assert.equal(narrow.items.length, 1);
    });

    it('retention deletes only results older than the limit', async () => {
      const now = new Date('2026-06-20T10:00:00+05:00');
      await insertResults(db, [result('2026-06-19T10:00:00+05:00', true)]);
      const deleted = await enforceRetention(db, now, 90);
      assert.equal(deleted, 6);
      const left = await listResults(db, { checkKey: base.key, from: new Date('2026-01-01T00:00:00Z'), to: now, limit: 100 });
      assert.equal(left.items.length, 1);
    });
  });
}
