/**
 * The transactional outbox (issue item 7): an incident change and its event are written in the same
 * database transaction, so neither exists without the other; a publisher moves unpublished events to
 * BullMQ (job id = the idempotency key, so a re-publish after a crash is a no-op) and a consumer keeps
 * its own offset in the database, so after a crash it replays from the last event it finished.
 */
import type { Queue } from 'bullmq';
import type { Db, Queryable } from '../../core/db.ts';
import {
  consumerOffset,
  insertOutboxRow,
  markOutboxPublished,
  outboxRowsAfter,
  saveConsumerOffset,
  unpublishedOutboxRows,
  type OutboxRow,
} from './outbox.repo.ts';

export const EVENT_TYPES = [
  'incident.registered',
  'incident.confirmed',
  'incident.refuted',
  'incident.updated',
  'incident.resolved',
  'incident.closed',
  'sla.warning',
  'sla.breached',
  'digest.daily',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENTS_QUEUE = 'incident-events';

export interface OutboxEvent {
  id: number;
  /** Idempotency key: the same change always has the same key; a consumer skips a key it has seen. */
  key: string;
  type: EventType;
  incidentId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** The publishers of this process, woken when an event of this process has committed. */
const publishers = new Set<() => void>();

/** Writes an event in the caller's transaction; a second event with the same key is dropped. */
export async function emit(
  tx: Queryable,
  e: { type: EventType; key: string; incidentId?: string | null; payload: Record<string, unknown> },
): Promise<void> {
  await insertOutboxRow(tx, { type: e.type, key: e.key, incidentId: e.incidentId ?? null, payload: e.payload });
  const wake = () => publishers.forEach((w) => w());
  if (tx.afterCommit) tx.afterCommit(wake);
  else wake();
}

type Row = OutboxRow & { type: EventType };
const toEvent = (r: Row): OutboxEvent => ({
  id: Number(r.id),
  key: r.key,
  type: r.type,
  incidentId: r.incident_id,
  payload: r.payload,
  createdAt: new Date(r.created_at),
});

/** Events after `afterId`, in order. */
export async function readOutbox(db: Queryable, afterId: number, limit = 500): Promise<OutboxEvent[]> {
  const rows = (await outboxRowsAfter(db, afterId, limit)) as Row[];
  return rows.map(toEvent);
}

/**
 * The BullMQ job id of an outbox row: its key and the row's own creation time. The key alone repeats
 * across stores (a fresh database numbers incidents from INC-YYYY-000001 again) while Redis keeps up
 * to 1,000 finished jobs, so a fresh store behind the same Redis prefix had its events dropped as
 * duplicates: no alert, no notice. A re-publish of the same row still has the same id.
 */
const eventJobId = (e: Pick<OutboxEvent, 'key' | 'createdAt'>): string => `${e.key}|${e.createdAt.getTime()}`.replace(/:/g, '|');

/**
 * Publishes unpublished events to the BullMQ queue, oldest first. A crash between `addBulk` and the
 * update re-publishes the same events with the same job ids, which BullMQ ignores.
 */
export async function publishPending(db: Db, queue: Queue, limit = 500): Promise<number> {
  const rows = (await unpublishedOutboxRows(db, limit)) as Row[];
  if (rows.length === 0) return 0;
  const events = rows.map(toEvent);
  await queue.addBulk(
    events.map((e) => ({
      name: e.type,
      data: { key: e.key, type: e.type, incidentId: e.incidentId, payload: e.payload, outboxId: e.id },
      opts: { jobId: eventJobId(e), removeOnComplete: 1000, removeOnFail: 1000 },
    })),
  );
  await markOutboxPublished(
    db,
    events.map((e) => e.id),
  );
  return events.length;
}

/**
 * Publishes the outbox: at once when an event written by this process has committed, and every
 * `intervalMs` (default 2 s) for events other processes wrote (the CLI, a second kuzet). Polling
 * every 500 ms was a fifth of an idle kuzet's database queries (#19). `stop()` waits for the current round.
 */
export function startPublisher(db: Db, queue: Queue, opts: { intervalMs?: number; onError?: (e: Error) => void } = {}) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const round = async (): Promise<void> => {
    try {
      while (!stopped && (await publishPending(db, queue)) > 0);
    } catch (e) {
      opts.onError?.(e as Error);
    }
  };
  const kick = () => {
    if (stopped) return;
    // A wake during a round gets a round of its own after it: its event may have committed too late for this one.
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    running = round().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        kick();
      } else if (!stopped) timer = setTimeout(kick, opts.intervalMs ?? 2_000);
    });
  };
  publishers.add(kick);
  kick();
  return {
    async stop() {
      stopped = true;
      publishers.delete(kick);
      if (timer) clearTimeout(timer);
      while (running) await running;
    },
  };
}

/**
 * A consumer reading the outbox itself, at least once: it handles each event, then stores its offset.
 * After a crash it starts again after the last stored offset, so events are replayed, never lost; the
 * handler makes them idempotent with `event.key`.
 */
export class OutboxConsumer {
  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly handler: (e: OutboxEvent) => Promise<void>,
  ) {}

  async offset(): Promise<number> {
    return consumerOffset(this.db, this.name);
  }

  /** Handles every event after the stored offset; returns how many. A throw leaves the offset at the last handled event. */
  async drain(limit = 500): Promise<number> {
    let n = 0;
    let last = await this.offset();
    for (;;) {
      const events = await readOutbox(this.db, last, limit);
      if (events.length === 0) return n;
      for (const e of events) {
        await this.handler(e);
        last = e.id;
        n++;
        await saveConsumerOffset(this.db, this.name, last);
      }
    }
  }
}
