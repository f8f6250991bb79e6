/**
 * A new channel is two places: its object (here, in the test) and one line of the registry. With those
 * alone the config accepts (and checks) its fields, the fan-out gives it a delivery, and the real
 * delivery worker (PostgreSQL outbox, BullMQ on Redis) renders and sends through it, once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { parseConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { migrate, openDb, type Db } from '../../core/db.ts';
import { silentLogger } from '../../core/log.ts';
import { PROBES } from '../../probes/index.ts';
import { dropPgSchema, dropRedisPrefix, PG_URL, REDIS_URL, uniqueName, waitFor } from '../../test/support.ts';
import { Deliveries, fanOut, insertDeliveries, type ChannelConfig } from '../delivery.ts';
import { CHANNELS, deliveryKey, type Channel, type ChannelRegistry } from './index.ts';

/** What the toy channel's peer received, and how many of its sends were in flight at most. */
const inbox: { to: string; body: string; key: string }[] = [];
const flight = { now: 0, max: 0 };

// Place 1: the channel.
const toySchema = z.strictObject({ desk: z.string().min(1) });
const toyChannel: Channel<typeof toySchema, string> = {
  type: 'toy',
  schema: toySchema,
  recipients: (cfg, audience) => (audience.chat ? [{ recipient: cfg.desk, priority: 2 }] : []),
  idempotencyKey: deliveryKey,
  render: (msg) => `${msg.texts.kk.title} / ${msg.texts.ru.title}`,
  async send(cfg, msg) {
    flight.max = Math.max(flight.max, ++flight.now);
    await new Promise((resolve) => setTimeout(resolve, 50));
    flight.now--;
    inbox.push({ to: msg.recipient, body: toyChannel.render(msg), key: msg.key });
    return { ok: true, ref: `toy-${inbox.length}` };
  },
  concurrency: 1,
};
// Place 2: its line in the registry.
const registry: ChannelRegistry = { ...CHANNELS, toy: toyChannel };

const yaml = (desk: string) => `notifications:\n  channels:\n    - { id: ops-desk, type: toy, desk: "${desk}" }\n`;
const problems = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.field}: ${i.message}`);
    throw e;
  }
  return [];
};

describe('a toy channel added in two places', { timeout: 60_000 }, () => {
  const schema = uniqueName('ntc_toy');
  const prefix = uniqueName('ntctoy');
  let db: Db;
  let redis: Redis;
  let deliveries: Deliveries | undefined;
  let configured: readonly ChannelConfig[] = [];
  before(async () => {
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });
  after(async () => {
    await deliveries?.close();
    redis?.disconnect();
    await db?.close();
    await dropRedisPrefix(prefix);
    await dropPgSchema(schema);
  });

  it('the config knows it from the registry line and checks its fields', () => {
    const cfg = parseConfig(yaml('room-7'), PROBES, {}, registry);
    assert.deepEqual(cfg.notifications.channels, [{ id: 'ops-desk', type: 'toy', desk: 'room-7' }]);
    assert.deepEqual(
      problems(() => parseConfig(yaml(''), PROBES, {}, registry)),
      ['notifications.channels[0].desk: Too small: expected string to have >=1 characters'],
    );
    assert.equal(problems(() => parseConfig(yaml('room-7'), PROBES, {})).length > 0, true, 'without the registry line the type is refused');
  });

  it('a fanned-out notice is delivered through it by the real worker, once', async () => {
    const cfg = parseConfig(yaml('room-7'), PROBES, {}, registry);
    const channels = cfg.notifications.channels as readonly ChannelConfig[];
    const texts = { kk: { title: 'Іркіліс', text: 'мәтін' }, ru: { title: 'Сбой', text: 'текст' } };
    const rows = fanOut(
      'notice:INC-2026-000042:v1',
      { threadKey: 'INC-2026-000042', texts, data: {} },
      channels,
      [{ email: 'someone@example.kz' }],
      { registry },
    );
    assert.deepEqual(
      rows.map((r) => [r.key, r.channel, r.recipient, r.payload.priority]),
      [['notice:INC-2026-000042:v1|ops-desk|room-7', 'ops-desk', 'room-7', 2]],
    );
    await db.transaction((tx) => insertDeliveries(tx, rows));
    configured = channels;
    deliveries = new Deliveries({ db, connection: redis, prefix, channels: () => configured, registry, log: silentLogger, backoffMs: 100 });
    deliveries.start();
    await deliveries.enqueue(rows);
    await deliveries.enqueue(rows); // the same key again: one job, one send
    const sent = await waitFor(async () => (await deliveries!.list('sent')).find((d) => d.key === rows[0]!.key), {
      timeoutMs: 30_000,
      what: 'the toy delivery',
    });
    assert.equal(sent.attempts, 1);
    assert.deepEqual(inbox, [{ to: 'room-7', body: 'Іркіліс / Сбой', key: 'notice:INC-2026-000042:v1|ops-desk|room-7' }]);
  });

  it("the worker keeps the channel's concurrency: one send at a time with four workers free", async () => {
    const cfg = parseConfig(
      `notifications:\n  channels:\n${['a', 'b', 'c', 'd'].map((d) => `    - { id: desk-${d}, type: toy, desk: room-${d} }\n`).join('')}`,
      PROBES,
      {},
      registry,
    );
    configured = cfg.notifications.channels as readonly ChannelConfig[];
    const texts = { kk: { title: 'Жұмыстар', text: 'мәтін' }, ru: { title: 'Работы', text: 'текст' } };
    const rows = fanOut('notice:MW-1:v1', { threadKey: 'MW-1', texts, data: {} }, configured, [], { registry });
    assert.equal(rows.length, 4);
    await db.transaction((tx) => insertDeliveries(tx, rows));
    await deliveries!.enqueue(rows);
    await waitFor(async () => (await deliveries!.list('sent')).filter((d) => d.event === 'notice:MW-1:v1').length === 4 || undefined, {
      timeoutMs: 30_000,
      what: 'four toy deliveries',
    });
    assert.equal(flight.max, 1);
  });
});
