/**
 * A delivery worker killed (SIGKILL) while an e-mail is on the wire resumes in a new process with no
 * duplicates and no losses: PostgreSQL holds the delivery rows, Redis the BullMQ jobs, a real SMTP
 * server receives. The server refuses the message that was on the wire at the kill (the sender never
 * saw it accepted), as a real server would when the client vanishes mid-DATA.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { dropPgSchema, dropRedisPrefix, PG_URL, REDIS_URL, uniqueName, waitFor } from '../test/support.ts';
import { Deliveries, fanOut, insertDeliveries } from './delivery.ts';
import { startSlack, startSmtp } from './test-support.ts';

const N = 12;
const schema = uniqueName('ntc_crash');
const prefix = uniqueName('ntccrash');
let db: Db;
let redis: Redis;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const children: ChildProcess[] = [];

function startChild(target = smtp.url, p = prefix): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./delivery-child.ts', import.meta.url).pathname, PG_URL, schema, REDIS_URL, p, target],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => b.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
}

before(async () => {
  smtp = await startSmtp();
  db = await openDb({ databaseUrl: PG_URL, schema });
  await migrate(db);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  redis?.disconnect();
  await db?.close();
  await smtp?.close();
  await dropRedisPrefix(prefix);
  await dropPgSchema(schema);
});

test('a worker killed mid-delivery resumes with no duplicates and no losses', { timeout: 180_000 }, async () => {
  const texts = { kk: { title: 'Хабарлама', text: 'Мәтін' }, ru: { title: 'Уведомление', text: 'Текст' } };
  const rows = fanOut(
    'notice:crash:v1',
    { threadKey: 'crash', texts, data: {} },
    [{ id: 'mail', type: 'email', smtpUrl: smtp.url, from: 'kuzet@operator.kz', to: [] }],
    Array.from({ length: N }, (_, i) => ({ email: `user${i}@example.kz` })),
  );
  await db.transaction((tx) => insertDeliveries(tx, rows));

  let first = await startChild();
  let seen = 0;
  let killed = false;
  smtp.hooks.beforeAccept = () => {
    seen++;
    if (seen === 5 && !killed) {
      killed = true;
      first.kill('SIGKILL');
      return false;
    }
    return true;
  };
  const producer = new Deliveries({ db, connection: redis, prefix, channels: () => [], log: silentLogger });
  await producer.enqueue(rows);
  await waitFor(() => killed && first.signalCode === 'SIGKILL', { timeoutMs: 90_000, what: 'the kill during delivery' });
  assert.ok(smtp.mails.length >= 4 && smtp.mails.length < N, `sent before the kill: ${smtp.mails.length}`);
  const states = await db.query<{ state: string }>("SELECT state FROM notice_deliveries WHERE state <> 'sent'");
  assert.ok(
    states.some((s) => s.state === 'sending'),
    'one row was on the wire',
  );

  first = await startChild();
  await waitFor(
    async () => (await db.query<{ n: string }>("SELECT count(*) AS n FROM notice_deliveries WHERE state = 'sent'"))[0]?.n === String(N),
    { timeoutMs: 120_000, intervalMs: 250, what: 'every delivery sent' },
  );
  await new Promise((r) => setTimeout(r, 1_500)); // any duplicate would arrive now
  const recipients = smtp.mails.map((m) => m.to).sort();
  assert.equal(recipients.length, N, `received: ${recipients.join(', ')}`);
  assert.equal(new Set(recipients).size, N);
  assert.equal(new Set(smtp.mails.map((m) => m.messageId)).size, N);
  await producer.close();
  first.kill('SIGTERM');
  await new Promise((r) => first.once('exit', r));
});

test('a worker killed after Slack took a message but before it was marked sent does not post it again', { timeout: 180_000 }, async () => {
  const slackPrefix = `${prefix}s`;
  let child: ChildProcess | undefined;
  let killed = false;
  const slack = await startSlack({
    onPost: () => {
      // The third message reaches Slack, then its sender dies before the answer: the row stays `sending`.
      if (!killed && slackCalls() === 3) {
        killed = true;
        child?.kill('SIGKILL');
        return false;
      }
      return true;
    },
  });
  const slackCalls = () => slack.calls.length;
  try {
    const texts = { kk: { title: 'Хабарлама', text: 'Мәтін' }, ru: { title: 'Уведомление', text: 'Текст' } };
    const channel = { id: 'slack', type: 'slack' as const, token: 'xoxb-crash-test', channel: '#crash', apiUrl: slack.url };
    const rows = Array.from({ length: 6 }, (_, i) =>
      fanOut(`notice:slack-crash:v${i}`, { threadKey: `slack-crash-${i}`, texts, data: {} }, [channel], []),
    ).flat();
    await db.transaction((tx) => insertDeliveries(tx, rows));
    child = await startChild(`slack:${slack.url}`, slackPrefix);
    const producer = new Deliveries({ db, connection: redis, prefix: slackPrefix, channels: () => [], log: silentLogger });
    await producer.enqueue(rows);
    await waitFor(() => killed && child?.signalCode === 'SIGKILL', {
      timeoutMs: 90_000,
      what: 'the kill after Slack took the third message',
    });
    const cut = await db.query<{ key: string }>(
      "SELECT key FROM notice_deliveries WHERE state = 'sending' AND key LIKE 'notice:slack-crash:%'",
    );
    assert.equal(cut.length, 1, 'the message on the wire stays sending');

    child = await startChild(`slack:${slack.url}`, slackPrefix);
    await waitFor(
      async () =>
        (
          await db.query<{ n: string }>(
            "SELECT count(*)::text AS n FROM notice_deliveries WHERE state = 'sent' AND key LIKE 'notice:slack-crash:%'",
          )
        )[0]?.n === '6',
      { timeoutMs: 120_000, intervalMs: 250, what: 'every Slack delivery sent' },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const posts = slack.calls
      .filter((c) => c.method === 'chat.postMessage')
      .map((c) => JSON.parse(String(c.args.metadata)) as { event_payload: { key: string } });
    assert.equal(posts.length, 6, `posted: ${posts.map((p) => p.event_payload.key).join(', ')}`);
    assert.equal(new Set(posts.map((p) => p.event_payload.key)).size, 6);
    await producer.close();
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await slack.close();
    await dropRedisPrefix(slackPrefix);
  }
});
