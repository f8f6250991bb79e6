/**
 * Outbox replay after a killed consumer (PostgreSQL): a consumer process is SIGKILLed mid-stream; a
 * new one resumes from the stored offset, so every event is handled, and deduplicating by the
 * idempotency key leaves each handled exactly once. Publishing twice to BullMQ adds each job once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { migrate, openDb, type Db } from '../../core/db.ts';
import { dropPgSchema, dropRedisPrefix, PG_URL, REDIS_URL, tempDir, uniqueName, waitFor } from '../../test/support.ts';
import { EVENTS_QUEUE, OutboxConsumer, emit, publishPending, readOutbox } from './outbox.ts';

describe('outbox on PostgreSQL', () => {
  let db: Db;
  const schema = uniqueName('kzoutbox');
  const prefix = uniqueName('kzoutbox');
  const dir = tempDir();

  before(async () => {
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
    await db.transaction(async (tx) => {
      for (let i = 0; i < 40; i++)
        await emit(tx, { type: 'incident.updated', key: `INC-2026-000001:e${i}`, incidentId: 'INC-2026-000001', payload: { i } });
      await emit(tx, { type: 'incident.updated', key: 'INC-2026-000001:e0', incidentId: 'INC-2026-000001', payload: { dup: true } });
    });
  });
  after(async () => {
    await db.close();
    await dropPgSchema(schema);
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('the same idempotency key is stored once', async () => {
    assert.equal((await readOutbox(db, 0, 1000)).length, 40);
  });

  it('a killed consumer process is replayed from its offset: nothing lost, duplicates removed by key', async () => {
    const file = join(dir.path, 'handled.txt');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./outbox-consumer.fixture.ts', import.meta.url).pathname, PG_URL, schema, file],
      { stdio: 'ignore' },
    );
    const exited = new Promise((r) => child.on('exit', r));
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= 12, {
      what: 'child handled some events',
      timeoutMs: 20_000,
      intervalMs: 10,
    });
    child.kill('SIGKILL');
    await exited;
    const before = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.ok(before.length < 40, `the child was killed mid-stream (${before.length} handled)`);
    const seen = new Set(before);
    const handledOnce = [...seen];
    const resumed = new OutboxConsumer(db, 'notifier', async (e) => {
      if (seen.has(e.key)) return; // idempotency key: the event in flight at the kill comes again
      seen.add(e.key);
      handledOnce.push(e.key);
    });
    const offset = await resumed.offset();
    assert.ok(offset > 0 && offset <= before.length, `offset ${offset} after ${before.length} handled`);
    await resumed.drain();
    assert.deepEqual(
      handledOnce,
      (await readOutbox(db, 0, 1000)).map((e) => e.key),
    );
  });

  it('publishing to BullMQ twice (a crash before marking) adds each job once', async () => {
    const conn = new Redis(REDIS_URL);
    const queue = new Queue(EVENTS_QUEUE, { connection: conn, prefix });
    try {
      assert.equal(await publishPending(db, queue), 40);
      await db.query('UPDATE outbox SET published_at = NULL');
      assert.equal(await publishPending(db, queue), 40);
      assert.equal(await publishPending(db, queue), 0);
      assert.equal(await queue.count(), 40);
    } finally {
      await queue.close();
      conn.disconnect();
    }
  });

  it("a fresh store behind the same Redis prefix publishes its events, though their keys repeat the old store's", async () => {
    // `kuzet demo` after deleting ./data/demo: incidents are numbered from INC-2026-000001 again while
    // Redis still holds the old store's jobs; with the key alone as job id BullMQ dropped them silently.
    const schema2 = uniqueName('kzoutbox2');
    const db2 = await openDb({ databaseUrl: PG_URL, schema: schema2 });
    const conn = new Redis(REDIS_URL);
    const queue = new Queue(EVENTS_QUEUE, { connection: conn, prefix });
    try {
      await migrate(db2);
      await db2.transaction((tx) =>
        emit(tx, { type: 'incident.updated', key: 'INC-2026-000001:e0', incidentId: 'INC-2026-000001', payload: { store: 2 } }),
      );
      const before = await queue.count();
      assert.equal(await publishPending(db2, queue), 1);
      assert.equal(await queue.count(), before + 1);
    } finally {
      await queue.close();
      conn.disconnect();
      await db2.close();
      await dropPgSchema(schema2);
    }
  });
});
