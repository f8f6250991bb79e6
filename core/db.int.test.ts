import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dropPgSchema, PG_URL, uniqueName } from '../test/support.ts';
import { migrate, openDb, type Db } from './db.ts';
import { KuzetError } from './errors.ts';
import { MIGRATIONS } from './migrations.ts';

// The contract every database engine must pass: the same SQL, the same migrations, the same results.
const engines: { name: string; open(): Promise<{ db: Db; cleanup(): Promise<void> }> }[] = [
  {
    name: 'pglite',
    async open() {
      const db = await openDb({ dataDir: 'memory://' });
      return { db, cleanup: () => db.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = uniqueName('kuzet_db');
      const db = await openDb({ databaseUrl: PG_URL, schema });
      return {
        db,
        async cleanup() {
          await db.close();
          await dropPgSchema(schema);
        },
      };
    },
  },
];

for (const engine of engines) {
  describe(`db contract: ${engine.name}`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ db, cleanup } = await engine.open());
    });
    after(() => cleanup());

    it('applies every migration once, and again is a no-op', async () => {
      assert.deepEqual(
        await migrate(db),
        MIGRATIONS.map((m) => m.version),
      );
      assert.deepEqual(await migrate(db), []);
      const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
    });

    it('a failing migration aborts with its message and leaves the schema as it was', async () => {
      const bad = [
        ...MIGRATIONS,
        { version: 900, name: 'good part', statements: ['CREATE TABLE half_done (id int)'] },
        { version: 901, name: 'broken', statements: ['CREATE TABLE also_half (id int)', 'ALTER TABLE no_such_table ADD COLUMN x int'] },
      ];
      await assert.rejects(migrate(db, bad), (e: unknown) => {
        assert.ok(e instanceof KuzetError);
        assert.equal(e.code, 'migration_failed');
        assert.match(e.message, /migration 901 \(broken\) failed: .*no_such_table.*nothing was applied/);
        return true;
      });
      const tables = await db.query<{ n: string | number }>(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('half_done','also_half') AND table_schema = current_schema()",
      );
      assert.equal(Number(tables[0]?.n), 0);
      const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version >= 900');
      assert.equal(versions.length, 0);
    });

    it('rolls a transaction back on a throw', async () => {
      await db.query('CREATE TABLE IF NOT EXISTS tx_probe (v int)');
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO tx_probe VALUES (1)');
          throw new Error('boom');
        }),
        /boom/,
      );
      const rows = await db.query('SELECT * FROM tx_probe');
      assert.equal(rows.length, 0);
    });
  });
}
