/**
 * The journal routes: formats, content types and file names, field-named 400s (on a bare router);
 * then on a running kuzet (PGlite, the real Redis): mounted by app.ts for the viewer role, entries
 * from the incident store, the yearly reminder's BullMQ job scheduler at 09:00 Astana time on
 * January 10, and the reminder itself delivered to the operator's webhook once per year, audited.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { Queue } from 'bullmq';
import Koa from 'koa';
import { createToken } from '../core/auth.ts';
import { parseConfig } from '../core/config.ts';
import { createLogger, silentLogger } from '../core/log.ts';
import { EXTRACT_REMINDER_JOB } from './reminder.ts';
import { ENTRIES } from './fixtures.test-support.ts';
import { PROBES } from '../probes/index.ts';
import { REDIS_URL, dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { errorMiddleware } from '../api/http-util.ts';
import { JOURNAL_QUEUE, registerJournalRoutes, sendExtractReminder, type ReminderDeps } from './journal.routes.ts';

describe('GET /api/v1/journal', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = new Koa();
    const router = new Router();
    app.use(errorMiddleware(createLogger({ level: 'silent' })));
    registerJournalRoutes(router, { loadEntries: async () => ENTRIES, config: () => parseConfig('{}', PROBES), db: () => undefined });
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  it('answers each format with its content type and file name', async () => {
    const res = await fetch(`${base}/api/v1/journal?from=2026-01-01&to=2026-12-31&format=xlsx&lang=kk`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="journal_2026-01-01_2026-12-31_kk.xlsx"');
    const html = await fetch(`${base}/api/v1/journal?from=2026-03-01&to=2026-03-31&format=html`);
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(((await html.text()).match(/<td>/g) ?? []).length, 16);
    for (const [format, type, magic] of [
      ['pdf', 'application/pdf', '%PDF-'],
      ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK'],
      ['csv', 'text/csv; charset=utf-8', '\uFEFF'],
    ] as const) {
      const r = await fetch(`${base}/api/v1/journal?from=2026-03-01&to=2026-03-31&format=${format}&lang=ru`);
      assert.equal(r.status, 200, format);
      assert.equal(r.headers.get('content-type'), type, format);
      assert.equal(r.headers.get('content-disposition'), `attachment; filename="journal_2026-03-01_2026-03-31_ru.${format}"`, format);
      assert.ok(
        Buffer.from(await r.arrayBuffer())
          .toString('utf8')
          .startsWith(magic),
        format,
      );
    }
  });

  it('refuses bad input naming the field', async () => {
    for (const [q, field] of [
      ['from=2026-02-01&to=2026-01-01', 'from'],
      ['format=odt', 'format'],
      ['lang=en', 'lang'],
    ] as const) {
      const res = await fetch(`${base}/api/v1/journal?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(((await res.json()) as { error: { field: string } }).error.field, field);
    }
  });
});

describe('journal routes and the extract reminder on a running kuzet', () => {
  const prefix = uniqueName('kzjournal');
  const dir = tempDir('kuzet-journal-run-');
  let k: KuzetHandle;
  let viewer: string;
  let hook: Server;
  const received: { headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }[] = [];
  let startedAt = 0;
  let receivedDay = '';

  before(async () => {
    hook = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(data) as Record<string, unknown> });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/kuzet`;
    const yaml = `
redis: { prefix: ${prefix} }
storage: { dataDir: "memory://" }
notifications:
  channels:
    - { id: oncall-hook, type: webhook, url: "${hookUrl}", secret: "a-webhook-secret-of-some-length" }
systems:
  portal:
    name: Портал
    kind: portal
    policy: portal-692
    targets: [{ id: search, module: search }]
`;
    startedAt = Date.now();
    k = await startKuzet({
      config: parseConfig(yaml, PROBES, {}),
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      workers: false,
      env: { REDIS_URL },
      artifactsDir: dir.path,
    });
    assert.equal(await k.redisReady, true);
    viewer = (await createToken(k.db, { role: 'viewer', name: 'ministry' })).token;
    // The journal's period is by the appeal's receipt: its Astana date, not the date when a test
    // later runs (received at 23:59:59, the appeal is in yesterday's journal a second later).
    receivedDay = (
      await k.incidents.service.registerAppeal(
        {
          organisation: 'ТОО «Қазақ»',
          binIin: '990340000004',
          email: 'a@b.kz',
          phone: '+7 701 000 00 00',
          description: 'поиск не работает',
          detectedAt: new Date(Date.now() - 60_000).toISOString(),
          system: 'portal',
          module: 'search',
        },
        null,
      )
    ).receivedAt.slice(0, 10);
  });
  after(async () => {
    await k?.close();
    await new Promise<void>((r) => hook.close(() => r()));
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('the journal, extract and availability need a token; a viewer gets the store’s entries', async () => {
    const today = receivedDay;
    for (const path of [
      `/api/v1/journal?from=${today}&to=${today}`,
      `/api/v1/journal/extract?year=2026`,
      `/api/v1/availability?from=${today}&to=${today}`,
    ]) {
      assert.equal((await fetch(`${k.url}${path}`)).status, 401, path);
    }
    const res = await fetch(`${k.url}/api/v1/journal?from=${today}&to=${today}&format=csv&lang=kk`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="journal_${today}_${today}_kk.csv"`);
    const csv = await res.text();
    assert.match(csv, /"№ INC-\d{4}-000001\n/);
    assert.ok(csv.includes('ТОО «Қазақ»'));
    const extract = await fetch(`${k.url}/api/v1/journal/extract?year=${today.slice(0, 4)}&lang=kk&format=docx`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    assert.equal(extract.status, 200);
    assert.equal(extract.headers.get('content-disposition'), `attachment; filename="extract_${today.slice(0, 4)}_kk.docx"`);
    const bad = await fetch(`${k.url}/api/v1/journal/extract?year=26`, { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(((await bad.json()) as { error: { field: string } }).error.field, 'year');
  });

  it('schedules the reminder with a BullMQ job scheduler: 09:00 Astana time on January 10', async () => {
    const queue = new Queue(JOURNAL_QUEUE, { connection: { url: REDIS_URL }, prefix });
    try {
      const s = await queue.getJobScheduler(EXTRACT_REMINDER_JOB);
      assert.ok(s);
      assert.equal(s.pattern, '0 9 10 1 *');
      assert.equal(s.tz, 'Asia/Almaty');
      const next = new Date(s.next!);
      assert.equal(next.toISOString().slice(5, 16), '01-10T04:00', `next run ${next.toISOString()}`); // 09:00 at UTC+05:00
      // The next run after kuzet scheduled it (not after now: at 09:00 on January 10 that run may have begun).
      assert.ok(next.getTime() > startedAt && next.getTime() - startedAt <= 366 * 86_400_000, `next run ${next.toISOString()}`);
    } finally {
      await queue.close();
    }
  });

  it('the reminder reaches the operator’s webhook in both languages, once per year, and is audited', async () => {
    const services: ReminderDeps = { config: k.config, db: () => k.db, log: silentLogger, notices: k.notices };
    const runAt = new Date('2027-01-10T09:00:00+05:00');
    const first = await sendExtractReminder(services, runAt);
    const again = await sendExtractReminder(services, runAt);
    assert.equal(first.year, 2026);
    assert.deepEqual(again.deliveries, first.deliveries);
    const got = await waitFor(() => received.find((r) => r.body.kind === 'journal.extract-reminder'), {
      what: 'the reminder on the webhook',
      timeoutMs: 20_000,
    });
    const texts = got.body.texts as Record<'ru' | 'kk', { title: string; text: string }>;
    assert.match(texts.ru.title, /выписку из журнала учета за 2026 год/);
    assert.match(texts.kk.title, /2026 жылғы есепке алу журналынан үзінді көшірмені/);
    assert.match(texts.ru.text, /kuzet extract --year 2026/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(received.filter((r) => r.body.kind === 'journal.extract-reminder').length, 1);
    const rows = await k.db.query<{ state: string }>("SELECT state FROM notice_deliveries WHERE event = 'journal.extract-reminder:2026'");
    assert.deepEqual(
      rows.map((r) => r.state),
      ['sent'],
    );
    const audit = await k.db.query<{ actor: string; subject: string }>(
      "SELECT actor, subject FROM audit_log WHERE action = 'journal.extract-reminder'",
    );
    assert.deepEqual(audit[0], { actor: 'system:journal', subject: '2026' });
  });
});
