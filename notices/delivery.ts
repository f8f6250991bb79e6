/**
 * Delivery of notices through the channels on BullMQ, at most once per (event, recipient, channel).
 *
 * Exactly-once reasoning. Every delivery is first a row of `notice_deliveries` keyed by its
 * idempotency key, inserted in the same transaction as the notice version it carries (an outbox):
 * a crash after the commit loses nothing, because a sweeper re-enqueues rows still pending, and the
 * BullMQ job id is derived from the key, so a job is never queued twice. The worker reads the row
 * first and skips it when `sent` (a replayed or re-queued job sends nothing), marks it `sending`
 * before calling the channel and `sent` after. A process killed mid-delivery leaves its job active;
 * BullMQ's stalled-job check hands it to the next worker, which resends only rows not `sent`.
 * The one window left is a kill after the server accepted a message and before the row became
 * `sent`: then the resend carries the same key (e-mail Message-ID, webhook Idempotency-Key, Slack
 * message metadata) so the receiving side can fold it. No queue can close that window against an
 * SMTP server, which has no idempotent submit.
 *
 * Retries back off exponentially; after the last try (or a permanent refusal) the row is `dead` —
 * the dead-letter list — and `onDead` raises the alert. Rows waiting too long are reported by
 * `stuck()`, which the sweeper logs so an operator sees what is stuck and why.
 */
import { createHash } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import {
  CHANNELS,
  type ChannelConfig,
  type ChannelMessage,
  type ChannelRegistry,
  type EmailRecipient,
  type ThreadStore,
} from './channels/index.ts';
import * as repo from './delivery.repo.ts';
import type { DeliveryPayload, DeliveryRow, DeliveryState } from './delivery.repo.ts';

export const DELIVERY_QUEUE = 'notice-delivery';
export type { ChannelConfig, EmailRecipient };
export type { DeliveryPayload, DeliveryRow, DeliveryState };
export { insertDeliveries } from './delivery.repo.ts';

/**
 * Pure fan-out of one event to every configured channel, a loop over the registry: each channel says
 * whom it reaches. The people (`emails`) get one message each, through the first channel of a type only.
 */
export function fanOut(
  event: string,
  payload: Omit<DeliveryPayload, 'priority' | 'unsubscribeUrl'>,
  channels: readonly ChannelConfig[],
  emails: readonly EmailRecipient[],
  opts: { chat?: boolean; registry?: ChannelRegistry } = {},
): DeliveryRow[] {
  const registry: ChannelRegistry = opts.registry ?? CHANNELS;
  const rows: DeliveryRow[] = [];
  const served = new Set<string>();
  for (const cfg of channels) {
    const channel = Object.hasOwn(registry, cfg.type) ? registry[cfg.type] : undefined;
    if (!channel) continue;
    const people = served.has(cfg.type) ? [] : emails;
    served.add(cfg.type);
    for (const r of channel.recipients(cfg, { chat: opts.chat !== false, people })) {
      const key = channel.idempotencyKey(event, cfg.id, r.recipient);
      rows.push({
        key,
        event,
        channel: cfg.id,
        recipient: r.recipient,
        payload: { ...payload, priority: r.priority, ...(r.unsubscribeUrl ? { unsubscribeUrl: r.unsubscribeUrl } : {}) },
      });
    }
  }
  return rows;
}

const jobIdOf = (key: string) => `d${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

export interface DeliveryOptions {
  db: Db;
  connection: Redis;
  prefix: string;
  channels: () => readonly ChannelConfig[];
  log: Logger;
  /** The channels by type (default: the registry of notices/channels). */
  registry?: ChannelRegistry;
  attempts?: number;
  backoffMs?: number;
  /** BullMQ lock duration: how soon a job of a killed process is taken over (default 30 s). */
  lockDurationMs?: number;
  sweepEveryMs?: number;
  concurrency?: number;
  onDead?: (row: { key: string; channel: string; recipient: string; error: string }) => void;
}

/** Sends of one channel type in flight, and those waiting for a place (a channel's `concurrency`). */
interface Gate {
  active: number;
  waiting: (() => void)[];
}

export class Deliveries {
  readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConn: Redis | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly threads: ThreadStore;
  private readonly gates = new Map<string, Gate>();

  constructor(private readonly o: DeliveryOptions) {
    this.queue = new Queue(DELIVERY_QUEUE, { connection: o.connection, prefix: o.prefix });
    this.queue.on('error', () => undefined);
    const db = o.db;
    this.threads = {
      get: (k, ch) => repo.threadTs(db, k, ch),
      set: (k, ch, ts) => repo.saveThreadTs(db, k, ch, ts),
    };
  }

  /** Queues the rows' jobs (idempotent: the job id is the key's hash). */
  async enqueue(rows: readonly { key: string; payload: { priority: number } }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.queue.addBulk(
      rows.map((r) => ({
        name: 'deliver',
        data: { key: r.key },
        opts: {
          jobId: jobIdOf(r.key),
          attempts: this.o.attempts ?? 8,
          backoff: { type: 'exponential', delay: this.o.backoffMs ?? 5_000 },
          priority: r.payload.priority,
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  }

  start(): void {
    this.workerConn = this.o.connection.duplicate();
    this.workerConn.on('error', () => undefined);
    const lockDuration = this.o.lockDurationMs ?? 30_000;
    this.worker = new Worker(DELIVERY_QUEUE, (job) => this.process(job.data as { key: string }, job.attemptsMade, job.opts.attempts ?? 1), {
      connection: this.workerConn,
      prefix: this.o.prefix,
      concurrency: this.o.concurrency ?? 4,
      lockDuration,
      stalledInterval: lockDuration,
      // A job whose process was killed is handed over; its row says whether it was already sent.
      maxStalledCount: 5,
    });
    this.worker.on('error', () => undefined);
    const every = this.o.sweepEveryMs ?? 30_000;
    this.sweeper = setInterval(
      () => void this.sweep().catch((e: unknown) => this.o.log.warn({ err: (e as Error).message }, 'delivery sweep failed')),
      every,
    );
    this.sweeper.unref();
  }

  private async process(data: { key: string }, attemptsMade: number, attempts: number): Promise<string> {
    const db = this.o.db;
    const row = await repo.deliveryByKey(db, data.key);
    if (!row || row.state === 'sent' || row.state === 'dead') return 'skipped';
    const cfg = this.o.channels().find((c) => c.id === row.channel);
    const registry: ChannelRegistry = this.o.registry ?? CHANNELS;
    const channel = cfg && Object.hasOwn(registry, cfg.type) ? registry[cfg.type] : undefined;
    if (!cfg || !channel) {
      await this.dead(row, `channel "${row.channel}" is no longer configured`);
      throw new UnrecoverableError(`channel "${row.channel}" is no longer configured`);
    }
    await repo.markSending(db, row.key);
    const msg: ChannelMessage = {
      key: row.key,
      event: row.event,
      threadKey: row.payload.threadKey,
      recipient: row.recipient,
      texts: row.payload.texts,
      data: row.payload.data,
      unsubscribeUrl: row.payload.unsubscribeUrl,
      resumed: row.state === 'sending',
      actions: row.payload.actions,
      replaceParent: row.payload.replaceParent,
      mentions: row.payload.mentions,
    };
    const r = await this.gated(cfg.type, channel.concurrency, () =>
      channel.send(cfg, msg, { signal: this.abort.signal, threads: this.threads }),
    );
    if (r.ok) {
      await repo.markSent(db, row.key);
      return 'sent';
    }
    if (!r.retryable || attemptsMade + 1 >= attempts) {
      await this.dead(row, r.error);
      throw new UnrecoverableError(r.error);
    }
    await repo.markRetry(db, row.key, r.error);
    throw new Error(r.error);
  }

  /** Runs `send` when fewer than `limit` sends of this channel type are in flight (no limit: at once). */
  private async gated<T>(type: string, limit: number | undefined, send: () => Promise<T>): Promise<T> {
    if (limit === undefined) return send();
    let gate = this.gates.get(type);
    if (!gate) this.gates.set(type, (gate = { active: 0, waiting: [] }));
    while (gate.active >= limit) await new Promise<void>((resume) => gate.waiting.push(resume));
    gate.active++;
    try {
      return await send();
    } finally {
      gate.active--;
      gate.waiting.shift()?.();
    }
  }

  private async dead(row: { key: string; channel: string; recipient: string }, error: string) {
    await repo.markDead(this.o.db, row.key, error);
    this.o.log.error(
      { key: row.key, channel: row.channel, recipient: row.recipient, err: error },
      'notice delivery failed for good: moved to the dead-letter list',
    );
    this.o.onDead?.({ key: row.key, channel: row.channel, recipient: row.recipient, error });
  }

  /** Re-queues rows still waiting (a crash between commit and enqueue, Redis away) and logs what is stuck. */
  async sweep(): Promise<void> {
    await this.enqueue(await repo.waitingDeliveries(this.o.db));
    const stuck = await this.stuck();
    if (stuck.length > 0) this.o.log.warn({ stuck }, 'notice deliveries are waiting: the channel is failing; they retry with backoff');
  }

  /** Deliveries waiting over five minutes, per channel, with the last error. */
  async stuck(): Promise<{ channel: string; waiting: number; lastError: string | null }[]> {
    return repo.stuckDeliveries(this.o.db);
  }

  /** One page of deliveries, the newest first; a position is (created_at in microseconds, key). */
  async listPage(o: {
    state?: string | undefined;
    limit: number;
    after?: readonly [number, string] | undefined;
  }): Promise<{ items: DeliveryState[]; next?: [number, string] }> {
    return repo.deliveriesPage(this.o.db, o);
  }

  async list(state?: string, limit = 200): Promise<DeliveryState[]> {
    return repo.listDeliveries(this.o.db, state, limit);
  }

  async close(): Promise<void> {
    this.abort.abort();
    if (this.sweeper) clearInterval(this.sweeper);
    await this.worker?.close();
    await this.queue.close();
    this.workerConn?.disconnect();
  }
}
