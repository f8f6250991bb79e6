/**
 * Result ingestion: reads the results stream as a consumer group, feeds the live sinks (metrics,
 * current status, InfluxDB) at once, then writes the batch to the database and only then acknowledges
 * it. While the database is away the batch is retried with backoff and stays pending in Redis, so a
 * crash or an outage loses nothing; entries left pending by a dead ingestor are claimed after 30 s.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Db } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import type { Metrics } from './metrics.ts';
import { RESULT_GROUP, resultStreamKey } from './queues.ts';
import { decodeEntry } from './result-codec.ts';
import { insertResults, type KeyedResult } from './results.repo.ts';

export interface LiveSink {
  /** Called once per result as soon as it is read; must not throw. */
  push(r: KeyedResult): void;
}

type StreamReply = [string, [string, string[]][]][] | null;

const CLAIM_IDLE_MS = 30_000;

export class ResultIngestor {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly key: string;
  private readonly consumer = `${hostname()}-${process.pid}`;
  /** Results written to the database since start. */
  written = 0;
  lastError: string | undefined;

  constructor(
    private readonly opts: {
      connection: Redis;
      prefix: string;
      db: Db;
      metrics: Metrics;
      sinks: LiveSink[];
      log: Logger;
      batchSize?: number;
      blockMs?: number;
      /**
       * Called with each batch after its transaction committed and before it is acknowledged; a throw
       * is retried with backoff, and a batch whose hooks did not finish stays pending (replayed after a
       * restart), so hooks must be idempotent per result.
       */
      afterCommit?: ((batch: KeyedResult[]) => Promise<void>)[];
    },
  ) {
    this.key = resultStreamKey(opts.prefix);
  }

  async start(): Promise<void> {
    await this.ensureGroup(this.opts.connection);
    this.loop = this.run();
  }

  private async ensureGroup(conn: Redis): Promise<void> {
    try {
      await conn.xgroup('CREATE', this.key, RESULT_GROUP, '0', 'MKSTREAM');
    } catch (e) {
      if (!String((e as Error).message).includes('BUSYGROUP')) throw e;
    }
  }

  private async run(): Promise<void> {
    const conn = this.opts.connection.duplicate();
    conn.on('error', () => undefined);
    // Stream entries per read: a worker's batch each (up to a bucket's checks), or a single result.
    const count = this.opts.batchSize ?? 100;
    let lastClaim = 0;
    // First our own pending entries (from a batch this consumer name did not finish), then new ones.
    let cursor = '0';
    while (!this.stopped) {
      try {
        let entries: [string, string[]][] = [];
        if (Date.now() - lastClaim > CLAIM_IDLE_MS) {
          lastClaim = Date.now();
          const claimed = (await conn.xautoclaim(this.key, RESULT_GROUP, this.consumer, CLAIM_IDLE_MS, '0', 'COUNT', count)) as [
            string,
            [string, string[]][],
          ];
          entries = (claimed[1] ?? []).filter((e) => e && e[1]);
        }
        if (entries.length === 0) {
          const reply = (await conn.xreadgroup(
            'GROUP',
            RESULT_GROUP,
            this.consumer,
            'COUNT',
            count,
            'BLOCK',
            this.opts.blockMs ?? 1000,
            'STREAMS',
            this.key,
            cursor,
          )) as StreamReply;
          entries = reply?.[0]?.[1] ?? [];
          if (cursor === '0' && entries.length === 0) cursor = '>';
        }
        if (entries.length === 0) continue;
        await this.handle(conn, entries);
      } catch (e) {
        if (this.stopped) break;
        this.lastError = (e as Error).message;
        // A Redis restarted without persistence has lost the stream and its group: make them again.
        if (this.lastError.includes('NOGROUP')) {
          cursor = '0';
          await this.ensureGroup(conn).catch(() => undefined);
        }
        this.opts.log.warn({ err: this.lastError }, 'result stream read failed; retrying');
        await sleep(1000);
      }
    }
    conn.disconnect();
  }

  private async handle(conn: Redis, entries: [string, string[]][]): Promise<void> {
    const batch: KeyedResult[] = [];
    for (const [entryId, fields] of entries) {
      try {
        for (const r of decodeEntry(entryId, fields)) {
          batch.push(r);
          this.opts.metrics.observe(r);
          for (const s of this.opts.sinks) s.push(r);
        }
      } catch (e) {
        this.opts.log.error({ err: (e as Error).message }, 'unreadable result dropped');
      }
    }
    let delay = 200;
    while (!this.stopped) {
      try {
        await this.opts.db.transaction((tx) => insertResults(tx, batch));
        this.opts.metrics.ingestBatch.observe(batch.length);
        this.written += batch.length;
        this.lastError = undefined;
        break;
      } catch (e) {
        this.opts.metrics.ingestErrors.inc();
        this.lastError = `storage: ${(e as Error).message}`;
        this.opts.log.warn({ err: this.lastError, pending: batch.length }, 'writing results failed; they stay in Redis and are retried');
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
    if (this.stopped && this.lastError) return; // left pending: the next start takes them again
    for (const hook of this.opts.afterCommit ?? []) {
      let wait = 200;
      for (;;) {
        try {
          await hook(batch);
          break;
        } catch (e) {
          if (this.stopped) return; // left pending: replayed after a restart
          this.opts.log.warn({ err: (e as Error).message, pending: batch.length }, 'after-commit hook failed; retrying');
          await sleep(wait);
          wait = Math.min(wait * 2, 10_000);
        }
      }
    }
    const ids = entries.map((e) => e[0]);
    await conn
      .multi()
      .xack(this.key, RESULT_GROUP, ...ids)
      .xdel(this.key, ...ids)
      .exec();
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
