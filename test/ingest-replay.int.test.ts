/**
 * A batch replayed after a crash between the database commit and the stream XACK stores nothing twice:
 * each row carries its results-stream entry id (migration 50) and the insert skips ids already there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { ResultIngestor } from '../collector/ingest.ts';
import { Metrics } from '../collector/metrics.ts';
import { resultStreamKey, RESULT_GROUP } from '../collector/queues.ts';
import { encodeResult } from '../collector/result-codec.ts';
import { insertResults, type KeyedResult } from '../collector/results.repo.ts';
import { dropPgSchema, dropRedisPrefix, PG_URL, REDIS_URL, uniqueName, waitFor } from './support.ts';

const result = (i: number): KeyedResult => ({
  key: 'portal/homepage/http',
  system: 'portal',
  target: 'homepage',
  check: 'http',
  region: 'astana',
  ok: i % 3 !== 0,
  latencyMs: 10 + i,
  errorKind: i % 3 !== 0 ? null : 'http-status',
  message: `run ${i}`,
  at: new Date(Date.UTC(2026, 2, 20, 5, 0, i)),
});

const count = async (db: Db) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM check_results'))[0]?.n);

describe('replayed ingest batches', () => {
  const schema = uniqueName('kuzet_replay');
  const prefix = uniqueName('kuzet-replay');
  let db: Db;
  let redis: Redis;
  before(async () => {
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    redis.disconnect();
    await db.close();
    await dropPgSchema(schema);
    await dropRedisPrefix(prefix);
  });

  it('insertResults skips a stream entry already stored, and still stores results without one', async () => {
    const batch = [1, 2, 3].map((i) => ({ ...result(i), streamId: `1700000000000-${i}` }));
    await db.transaction((tx) => insertResults(tx, batch));
    await db.transaction((tx) => insertResults(tx, [...batch, { ...result(4), streamId: '1700000000000-4' }]));
    await db.transaction((tx) => insertResults(tx, [result(5), result(5)]));
    assert.equal(await count(db), 6);
  });

  it('an ingestor stopped after the commit and before the XACK replays the batch on restart without duplicates', async () => {
    await db.query('DELETE FROM check_results');
    const key = resultStreamKey(prefix);
    for (let i = 0; i < 20; i++) await redis.xadd(key, '*', 'r', encodeResult('portal/homepage/http', result(i)));
    const metrics = new Metrics();
    let hookCalls = 0;
    // The after-commit hook fails: the batch is committed but never acknowledged, as in a crash at that point.
    const first = new ResultIngestor({
      connection: redis,
      prefix,
      db,
      metrics,
      sinks: [],
      log: silentLogger,
      afterCommit: [
        async () => {
          hookCalls++;
          throw new Error('crash after commit');
        },
      ],
    });
    await first.start();
    await waitFor(() => hookCalls > 0, { what: 'the first commit' });
    await first.close();
    assert.equal(await count(db), 20);
    const pending = (await redis.xpending(key, RESULT_GROUP)) as [number, ...unknown[]];
    assert.equal(pending[0], 20, 'the batch stays pending in Redis');

    const second = new ResultIngestor({ connection: redis, prefix, db, metrics: new Metrics(), sinks: [], log: silentLogger });
    await second.start();
    await waitFor(async () => ((await redis.xpending(key, RESULT_GROUP)) as [number])[0] === 0, { what: 'the replay acknowledged' });
    await second.close();
    assert.equal(await count(db), 20, 'the replayed batch added no row');
    const ids = await db.query<{ stream_id: string }>('SELECT stream_id FROM check_results');
    assert.equal(new Set(ids.map((r) => r.stream_id)).size, 20);
  });
});
