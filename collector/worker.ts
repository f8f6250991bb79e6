/**
 * Check workers: take due batches from the region queues, run each batch's checks at once through the
 * runner (which owns the timeout and timing and never throws), and append the batch's results to the
 * results stream in Redis as one entry. Workers hold no database: any number of them, on any machine,
 * feed one ingestor.
 *
 * A worker killed mid-batch leaves its job locked; BullMQ's stalled-job check hands it to another
 * worker, which runs it again. The results and a "done" marker of the batch are written in one Redis
 * transaction, so a retried batch whose results were already written runs nothing: no double results.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedCheck } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import { getProbe, runCheck, type CheckResult } from '../probes/index.ts';
import { batchDoneKey, checkQueueName, resultStreamKey, type CheckBatchData } from './queues.ts';
import { startHeartbeat } from './heartbeat.ts';
import { Limiter } from './limiter.ts';
import { encodeBatch } from './result-codec.ts';

/** Bounds the results stream should the ingestor be away for long: ~20,000 batches (about a million results), oldest trimmed. */
const STREAM_MAXLEN = 20_000;
/** How long a batch's "done" marker outlives it: far beyond the stalled-job takeover (lock + stalled check). */
const DONE_MARKER_MS = 600_000;

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  regions: readonly string[];
  /** Checks in flight at once per region. */
  concurrency: number;
  /** The current checks by key; read on every batch so a reload applies at once. */
  checks: () => ReadonlyMap<string, ResolvedCheck>;
  log: Logger;
  now?: () => Date;
  /** How often this process writes its heartbeat (default 2 s; the meta part reports silence after 3 check intervals). */
  heartbeatMs?: number;
  /** BullMQ's job lock (default 30 s, renewed while the batch runs): a dead worker's batch is retried after about this long. */
  lockMs?: number;
}

export class CheckWorkers {
  private readonly workers: Worker<CheckBatchData>[] = [];
  /** BullMQ does not close a connection it was handed: these are ours to close. */
  private readonly connections: Redis[] = [];
  private readonly streamKey: string;
  private heartbeat: { id: string; stop(clean: boolean): Promise<void> } | undefined;

  constructor(private readonly opts: WorkerOptions) {
    this.streamKey = resultStreamKey(opts.prefix);
  }

  start(): void {
    const lockDuration = this.opts.lockMs ?? 30_000;
    for (const region of this.opts.regions) {
      const connection = this.opts.connection.duplicate();
      connection.on('error', () => undefined);
      this.connections.push(connection);
      const limiter = new Limiter(this.opts.concurrency);
      const w = new Worker<CheckBatchData>(checkQueueName(region), (job) => this.runBatch(job, limiter), {
        connection,
        prefix: this.opts.prefix,
        // Batches wait on the limiter, not on CPU: enough of them to keep it busy, few enough to leave some to other workers.
        concurrency: Math.max(2, Math.ceil(this.opts.concurrency / 4)),
        lockDuration,
        stalledInterval: lockDuration,
      });
      w.on('error', (e) => this.opts.log.warn({ err: e.message, region }, 'worker connection error'));
      this.workers.push(w);
    }
    this.heartbeat = startHeartbeat(this.opts.connection, this.opts.prefix, this.opts.regions, {
      ...(this.opts.heartbeatMs ? { everyMs: this.opts.heartbeatMs } : {}),
    });
  }

  /** Stops the heartbeat without removing it, as a process that died would (tests of silence detection). */
  async stopHeartbeat(): Promise<void> {
    await this.heartbeat?.stop(false);
    this.heartbeat = undefined;
  }

  /** Runs one due batch and reports it; returns the number of results written. */
  async runBatch(job: Pick<Job<CheckBatchData>, 'id' | 'data' | 'attemptsStarted'>, limiter: Limiter): Promise<number> {
    const done = batchDoneKey(this.opts.prefix, job.id ?? '');
    // Taken over from a worker that died: it may have reported the batch before dying.
    if (job.attemptsStarted > 1 && (await this.opts.connection.exists(done)) === 1) return 0;
    const { region, keys } = job.data;
    const runs = await Promise.all(keys.map((key) => limiter.run(() => this.runOne(key, region))));
    const items = runs.filter((r): r is { key: string; result: CheckResult } => r !== undefined);
    const tx = this.opts.connection.multi();
    if (items.length > 0) tx.xadd(this.streamKey, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'b', encodeBatch(items));
    tx.set(done, '1', 'PX', DONE_MARKER_MS);
    const replies = await tx.exec();
    const failed = replies?.find(([e]) => e);
    if (!replies || failed) throw failed?.[0] ?? new Error('the results transaction was discarded');
    return items.length;
  }

  /** Runs one check; undefined for a check removed by a reload while its batch was queued. Never throws for a failing target. */
  private async runOne(key: string, region: string): Promise<{ key: string; result: CheckResult } | undefined> {
    const rc = this.opts.checks().get(key);
    if (!rc) return undefined;
    const probe = getProbe(rc.check.type);
    if (!probe) return undefined;
    const result = await runCheck(
      probe,
      rc.check.settings,
      { system: rc.system, target: rc.target, check: rc.check.id, region },
      { timeoutMs: rc.check.timeoutMs, ...(this.opts.now ? { now: this.opts.now } : {}) },
    );
    return { key: rc.key, result };
  }

  async close(): Promise<void> {
    // A clean stop takes this worker off the heartbeat list: only a dead worker is reported silent.
    await this.heartbeat?.stop(true);
    await Promise.all(this.workers.map((w) => w.close()));
    for (const c of this.connections) c.disconnect();
  }
}
