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
import type { KuzetConfig } from '../core/config.ts';
import type { Db, Queryable } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import { CHANNELS, type ChannelMessage, type ThreadStore } from './channels/index.ts';
import type { RenderedNotice } from './templates.ts';

export const DELIVERY_QUEUE = 'notice-delivery';
export type ChannelConfig = KuzetConfig['notifications']['channels'][number];

export interface DeliveryPayload {
  threadKey: string;
  texts: RenderedNotice;
  data: Record<string, unknown>;
  unsubscribeUrl?: string | undefined;
  /** 1 for the on-call engineers (they hear it first), 5 for everyone else. */
  priority: number;
}

export interface DeliveryRow {
  key: string;
  event: string;
  channel: string;
  recipient: string;
  payload: DeliveryPayload;
}

export interface EmailRecipient {
  email: string;
  /** On-call engineers get priority. */
  oncall?: boolean;
  unsubscribeUrl?: string | undefined;
}

/** Pure fan-out of one event to every configured channel and e-mail recipient. */
export function fanOut(event: string, payload: Omit<DeliveryPayload, 'priority' | 'unsubscribeUrl'>, channels: readonly ChannelConfig[], emails: readonly EmailRecipient[], opts: { chat?: boolean } = {}): DeliveryRow[] {
  const rows: DeliveryRow[] = [];
  const add = (channel: string, recipient: string, priority: number, unsubscribeUrl?: string) =>
    rows.push({ key: `${event}|${channel}|${recipient}`, event, channel, recipient, payload: { ...payload, priority, ...(unsubscribeUrl ? { unsubscribeUrl } : {}) } });
  let firstEmail = true;
  for (const ch of channels) {
    if (ch.type === 'slack' && opts.chat !== false) add(ch.id, ch.channel, 1);
    else if (ch.type === 'webhook' && opts.chat !== false) add(ch.id, ch.url, 3);
    else if (ch.type === 'email') {
      const seen = new Set<string>();
      const once = (email: string, priority: number, unsubscribeUrl?: string) => {
        if (seen.has(email.toLowerCase())) return;
        seen.add(email.toLowerCase());
        add(ch.id, email, priority, unsubscribeUrl);
      };
      if (opts.chat !== false) for (const to of ch.to) once(to, 1);
      // Public recipients get one e-mail, through the first e-mail channel only.
      if (firstEmail) for (const r of emails) once(r.email, r.oncall ? 1 : 5, r.unsubscribeUrl);
      firstEmail = false;
    }
  }
  return rows;
}

/** Inserts the rows (in the caller's transaction); a key already there is left alone. */
export async function insertDeliveries(tx: Queryable, rows: readonly DeliveryRow[]): Promise<void> {
  for (const r of rows) {
    await tx.query("INSERT INTO notice_deliveries (key, event, channel, recipient, state, payload) VALUES ($1, $2, $3, $4, 'pending', $5::jsonb) ON CONFLICT (key) DO NOTHING", [r.key, r.event, r.channel, r.recipient, JSON.stringify(r.payload)]);
  }
}

const jobIdOf = (key: string) => `d${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

export interface DeliveryOptions {
  db: Db;
  connection: Redis;
  prefix: string;
  channels: () => readonly ChannelConfig[];
  log: Logger;
  attempts?: number;
  backoffMs?: number;
  /** BullMQ lock duration: how soon a job of a killed process is taken over (default 30 s). */
  lockDurationMs?: number;
  sweepEveryMs?: number;
  concurrency?: number;
  onDead?: (row: { key: string; channel: string; recipient: string; error: string }) => void;
}

export interface DeliveryState {
  key: string;
  event: string;
  channel: string;
  recipient: string;
  state: string;
  attempts: number;
  lastError: string | null;
}

export class Deliveries {
  readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConn: Redis | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly threads: ThreadStore;

  constructor(private readonly o: DeliveryOptions) {
    this.queue = new Queue(DELIVERY_QUEUE, { connection: o.connection, prefix: o.prefix });
    this.queue.on('error', () => undefined);
    const db = o.db;
    this.threads = {
      get: async (k, ch) => (await db.query<{ ts: string }>('SELECT ts FROM notice_threads WHERE thread_key = $1 AND channel = $2', [k, ch]))[0]?.ts,
      set: async (k, ch, ts) => void (await db.query('INSERT INTO notice_threads (thread_key, channel, ts) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [k, ch, ts])),
    };
  }

  /** Queues the rows' jobs (idempotent: the job id is the key's hash). */
  async enqueue(rows: readonly { key: string; payload: { priority: number } }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.queue.addBulk(
      rows.map((r) => ({
        name: 'deliver',
        data: { key: r.key },
        opts: { jobId: jobIdOf(r.key), attempts: this.o.attempts ?? 8, backoff: { type: 'exponential', delay: this.o.backoffMs ?? 5_000 }, priority: r.payload.priority, removeOnComplete: true, removeOnFail: 1000 },
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
    this.sweeper = setInterval(() => void this.sweep().catch((e: unknown) => this.o.log.warn({ err: (e as Error).message }, 'delivery sweep failed')), every);
    this.sweeper.unref();
  }

  private async process(data: { key: string }, attemptsMade: number, attempts: number): Promise<string> {
    const db = this.o.db;
    const row = (await db.query<{ key: string; event: string; channel: string; recipient: string; state: string; payload: DeliveryPayload }>('SELECT key, event, channel, recipient, state, payload FROM notice_deliveries WHERE key = $1', [data.key]))[0];
    if (!row || row.state === 'sent' || row.state === 'dead') return 'skipped';
    const cfg = this.o.channels().find((c) => c.id === row.channel);
    const channel = cfg && CHANNELS[cfg.type];
    if (!cfg || !channel) {
      await this.dead(row, `channel "${row.channel}" is no longer configured`);
      throw new UnrecoverableError(`channel "${row.channel}" is no longer configured`);
    }
    await db.query("UPDATE notice_deliveries SET state = 'sending', attempts = attempts + 1, sending_at = now() WHERE key = $1", [row.key]);
    const msg: ChannelMessage = { key: row.key, event: row.event, threadKey: row.payload.threadKey, recipient: row.recipient, texts: row.payload.texts, data: row.payload.data, unsubscribeUrl: row.payload.unsubscribeUrl, resumed: row.state === 'sending' };
    const r = await channel.send(cfg as never, msg, { signal: this.abort.signal, threads: this.threads });
    if (r.ok) {
      await db.query("UPDATE notice_deliveries SET state = 'sent', sent_at = now(), last_error = NULL WHERE key = $1", [row.key]);
      return 'sent';
    }
    if (!r.retryable || attemptsMade + 1 >= attempts) {
      await this.dead(row, r.error);
      throw new UnrecoverableError(r.error);
    }
    await db.query("UPDATE notice_deliveries SET state = 'pending', last_error = $2 WHERE key = $1", [row.key, r.error]);
    throw new Error(r.error);
  }

  private async dead(row: { key: string; channel: string; recipient: string }, error: string) {
    await this.o.db.query("UPDATE notice_deliveries SET state = 'dead', last_error = $2 WHERE key = $1", [row.key, error]);
    this.o.log.error({ key: row.key, channel: row.channel, recipient: row.recipient, err: error }, 'notice delivery failed for good: moved to the dead-letter list');
    this.o.onDead?.({ key: row.key, channel: row.channel, recipient: row.recipient, error });
  }

  /** Re-queues rows still waiting (a crash between commit and enqueue, Redis away) and logs what is stuck. */
  async sweep(): Promise<void> {
    const rows = await this.o.db.query<{ key: string; payload: DeliveryPayload }>("SELECT key, payload FROM notice_deliveries WHERE state IN ('pending', 'sending') AND created_at < now() - interval '5 seconds' ORDER BY created_at LIMIT 1000");
    await this.enqueue(rows);
    const stuck = await this.stuck();
    if (stuck.length > 0) this.o.log.warn({ stuck }, 'notice deliveries are waiting: the channel is failing; they retry with backoff');
  }

  /** Deliveries waiting over five minutes, per channel, with the last error. */
  async stuck(): Promise<{ channel: string; waiting: number; lastError: string | null }[]> {
    const rows = await this.o.db.query<{ channel: string; waiting: string; last_error: string | null }>(
      "SELECT channel, count(*) AS waiting, max(last_error) AS last_error FROM notice_deliveries WHERE state IN ('pending', 'sending') AND created_at < now() - interval '5 minutes' GROUP BY channel ORDER BY channel",
    );
    return rows.map((r) => ({ channel: r.channel, waiting: Number(r.waiting), lastError: r.last_error }));
  }

  /** One page of deliveries, the newest first; a position is (created_at in microseconds, key). */
  async listPage(o: { state?: string | undefined; limit: number; after?: readonly [number, string] | undefined }): Promise<{ items: DeliveryState[]; next?: [number, string] }> {
    const pos = '(extract(epoch FROM created_at) * 1000000)::bigint';
    const params: unknown[] = [o.limit + 1];
    const where: string[] = [];
    if (o.state) where.push(`state = $${params.push(o.state)}`);
    if (o.after) where.push(`(${pos}, key) < ($${params.push(String(o.after[0]))}::bigint, $${params.push(o.after[1])})`);
    const rows = await this.o.db.query<{ key: string; event: string; channel: string; recipient: string; state: string; attempts: number; last_error: string | null; pos: string }>(
      `SELECT key, event, channel, recipient, state, attempts, last_error, ${pos} AS pos FROM notice_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${pos} DESC, key DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, o.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ key: r.key, event: r.event, channel: r.channel, recipient: r.recipient, state: r.state, attempts: r.attempts, lastError: r.last_error })),
      ...(rows.length > o.limit && last ? { next: [Number(last.pos), last.key] as [number, string] } : {}),
    };
  }

  async list(state?: string, limit = 200): Promise<DeliveryState[]> {
    const rows = await this.o.db.query<{ key: string; event: string; channel: string; recipient: string; state: string; attempts: number; last_error: string | null }>(
      `SELECT key, event, channel, recipient, state, attempts, last_error FROM notice_deliveries ${state ? 'WHERE state = $2' : ''} ORDER BY created_at DESC LIMIT $1`,
      state ? [limit, state] : [limit],
    );
    return rows.map((r) => ({ key: r.key, event: r.event, channel: r.channel, recipient: r.recipient, state: r.state, attempts: r.attempts, lastError: r.last_error }));
  }

  async close(): Promise<void> {
    this.abort.abort();
    if (this.sweeper) clearInterval(this.sweeper);
    await this.worker?.close();
    await this.queue.close();
    this.workerConn?.disconnect();
  }
}
