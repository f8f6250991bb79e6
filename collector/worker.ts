/**
 * Check workers: take due runs from the region queues, run the probe through the runner (which owns
 * the timeout and timing and never throws), and append the result to the results stream in Redis.
 * Workers hold no database: any number of them, on any machine, feed one ingestor.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedCheck } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import { getProbe, runCheck, type CheckResult } from '../probes/index.ts';
import { checkQueueName, resultStreamKey, type CheckJobData } from './queues.ts';
import { startHeartbeat } from './heartbeat.ts';
import { encodeResult } from './result-codec.ts';

/** Bounds the results stream should the ingestor be away for long: ~1 million results, oldest trimmed. */
const STREAM_MAXLEN = 1_000_000;

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  regions: readonly string[];
  concurrency: number;
  /** The current checks by key; read on every job so a reload applies at once. */
  checks: () => ReadonlyMap<string, ResolvedCheck>;
  log: Logger;
  now?: () => Date;
  /** How often this process writes its heartbeat (default 2 s; the meta part reports silence after 3 check intervals). */
  heartbeatMs?: number;
}

export class CheckWorkers {
  private readonly workers: Worker<CheckJobData>[] = [];
  /** BullMQ does not close a connection it was handed: these are ours to close. */
  private readonly connections: Redis[] = [];
  private readonly streamKey: string;
  private heartbeat: { id: string; stop(clean: boolean): Promise<void> } | undefined;

  constructor(private readonly opts: WorkerOptions) {
    this.streamKey = resultStreamKey(opts.prefix);
  }

  start(): void {
    for (const region of this.opts.regions) {
      const connection = this.opts.connection.duplicate();
      connection.on('error', () => undefined);
      this.connections.push(connection);
      const w = new Worker<CheckJobData>(checkQueueName(region), (job) => this.process(job.data), {
        connection,
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency,
        // A check that outlives its own timeout is cut by the runner; the lock only has to outlast that.
        lockDuration: 120_000,
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

  /** Runs one due check. Exported for the benchmark and tests; never throws for a failing target. */
  async process(data: CheckJobData): Promise<CheckResult | undefined> {
    const rc = this.opts.checks().get(data.key);
    if (!rc) return undefined; // removed by a reload while the run was queued
    const probe = getProbe(rc.check.type);
    if (!probe) return undefined;
    const result = await runCheck(
      probe,
      rc.check.settings,
      { system: rc.system, target: rc.target, check: rc.check.id, region: data.region },
      { timeoutMs: rc.check.timeoutMs, ...(this.opts.now ? { now: this.opts.now } : {}) },
    );
    await this.opts.connection.xadd(this.streamKey, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'r', encodeResult(rc.key, result));
    return result;
  }

  async close(): Promise<void> {
    // A clean stop takes this worker off the heartbeat list: only a dead worker is reported silent.
    await this.heartbeat?.stop(true);
    await Promise.all(this.workers.map((w) => w.close()));
    for (const c of this.connections) c.disconnect();
  }
}
