/**
 * The delivery outbox (`notice_deliveries`) and Slack threads (`notice_threads`): every statement of
 * notices/delivery.ts. Writers take the caller's `Queryable`, so an insert joins its transaction.
 */
import type { Queryable } from '../core/db.ts';
import type { RenderedNotice } from './langs.ts';
import type { MessageAction } from './channels/types.ts';

export interface DeliveryPayload {
  threadKey: string;
  texts: RenderedNotice;
  data: Record<string, unknown>;
  unsubscribeUrl?: string | undefined;
  /** Buttons of the message (the alert's Acknowledge). */
  actions?: readonly MessageAction[] | undefined;
  /** The thread's first message is replaced by these texts, without its buttons. */
  replaceParent?: { texts: RenderedNotice } | undefined;
  /** Chat member ids the message calls by name. */
  mentions?: readonly string[] | undefined;
  /** 1 for the on-call engineers (they hear it first), 5 for everyone else. */
  priority: number;
}

/** One delivery of the outbox, as the fan-out makes it. */
export interface DeliveryRow {
  key: string;
  event: string;
  channel: string;
  recipient: string;
  payload: DeliveryPayload;
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

/** Inserts the rows (in the caller's transaction); a key already there is left alone. */
export async function insertDeliveries(tx: Queryable, rows: readonly DeliveryRow[]): Promise<void> {
  for (const r of rows) {
    await tx.query(
      "INSERT INTO notice_deliveries (key, event, channel, recipient, state, payload) VALUES ($1, $2, $3, $4, 'pending', $5::jsonb) ON CONFLICT (key) DO NOTHING",
      [r.key, r.event, r.channel, r.recipient, JSON.stringify(r.payload)],
    );
  }
}

export async function threadTs(db: Queryable, threadKey: string, channel: string): Promise<string | undefined> {
  return (await db.query<{ ts: string }>('SELECT ts FROM notice_threads WHERE thread_key = $1 AND channel = $2', [threadKey, channel]))[0]
    ?.ts;
}

export async function saveThreadTs(db: Queryable, threadKey: string, channel: string, ts: string): Promise<void> {
  await db.query('INSERT INTO notice_threads (thread_key, channel, ts) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    threadKey,
    channel,
    ts,
  ]);
}

export interface StoredDelivery {
  key: string;
  event: string;
  channel: string;
  recipient: string;
  state: string;
  payload: DeliveryPayload;
}

export async function deliveryByKey(db: Queryable, key: string): Promise<StoredDelivery | undefined> {
  return (
    await db.query<StoredDelivery>('SELECT key, event, channel, recipient, state, payload FROM notice_deliveries WHERE key = $1', [key])
  )[0];
}

export async function markSending(db: Queryable, key: string): Promise<void> {
  await db.query("UPDATE notice_deliveries SET state = 'sending', attempts = attempts + 1, sending_at = now() WHERE key = $1", [key]);
}

export async function markSent(db: Queryable, key: string): Promise<void> {
  await db.query("UPDATE notice_deliveries SET state = 'sent', sent_at = now(), last_error = NULL WHERE key = $1", [key]);
}

/** Back to `pending` with the error, for the next try. */
export async function markRetry(db: Queryable, key: string, error: string): Promise<void> {
  await db.query("UPDATE notice_deliveries SET state = 'pending', last_error = $2 WHERE key = $1", [key, error]);
}

export async function markDead(db: Queryable, key: string, error: string): Promise<void> {
  await db.query("UPDATE notice_deliveries SET state = 'dead', last_error = $2 WHERE key = $1", [key, error]);
}

/** Rows still waiting five seconds after their insert (a crash between commit and enqueue, Redis away). */
export async function waitingDeliveries(db: Queryable): Promise<{ key: string; payload: DeliveryPayload }[]> {
  return db.query<{ key: string; payload: DeliveryPayload }>(
    "SELECT key, payload FROM notice_deliveries WHERE state IN ('pending', 'sending') AND created_at < now() - interval '5 seconds' ORDER BY created_at LIMIT 1000",
  );
}

/** Deliveries waiting over five minutes, per channel, with the last error. */
export async function stuckDeliveries(db: Queryable): Promise<{ channel: string; waiting: number; lastError: string | null }[]> {
  const rows = await db.query<{ channel: string; waiting: string; last_error: string | null }>(
    "SELECT channel, count(*) AS waiting, max(last_error) AS last_error FROM notice_deliveries WHERE state IN ('pending', 'sending') AND created_at < now() - interval '5 minutes' GROUP BY channel ORDER BY channel",
  );
  return rows.map((r) => ({ channel: r.channel, waiting: Number(r.waiting), lastError: r.last_error }));
}

/** One page of deliveries, the newest first; a position is (created_at in microseconds, key). */
export async function deliveriesPage(
  db: Queryable,
  o: { state?: string | undefined; limit: number; after?: readonly [number, string] | undefined },
): Promise<{ items: DeliveryState[]; next?: [number, string] }> {
  const pos = '(extract(epoch FROM created_at) * 1000000)::bigint';
  const params: unknown[] = [o.limit + 1];
  const where: string[] = [];
  if (o.state) where.push(`state = $${params.push(o.state)}`);
  if (o.after) where.push(`(${pos}, key) < ($${params.push(String(o.after[0]))}::bigint, $${params.push(o.after[1])})`);
  const rows = await db.query<{
    key: string;
    event: string;
    channel: string;
    recipient: string;
    state: string;
    attempts: number;
    last_error: string | null;
    pos: string;
  }>(
    `SELECT key, event, channel, recipient, state, attempts, last_error, ${pos} AS pos FROM notice_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${pos} DESC, key DESC LIMIT $1`,
    params,
  );
  const page = rows.slice(0, o.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      key: r.key,
      event: r.event,
      channel: r.channel,
      recipient: r.recipient,
      state: r.state,
      attempts: r.attempts,
      lastError: r.last_error,
    })),
    ...(rows.length > o.limit && last ? { next: [Number(last.pos), last.key] as [number, string] } : {}),
  };
}

export async function listDeliveries(db: Queryable, state: string | undefined, limit: number): Promise<DeliveryState[]> {
  const rows = await db.query<{
    key: string;
    event: string;
    channel: string;
    recipient: string;
    state: string;
    attempts: number;
    last_error: string | null;
  }>(
    `SELECT key, event, channel, recipient, state, attempts, last_error FROM notice_deliveries ${state ? 'WHERE state = $2' : ''} ORDER BY created_at DESC LIMIT $1`,
    state ? [limit, state] : [limit],
  );
  return rows.map((r) => ({
    key: r.key,
    event: r.event,
    channel: r.channel,
    recipient: r.recipient,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
  }));
}
