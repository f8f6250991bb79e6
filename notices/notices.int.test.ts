/**
 * Notices end to end on PGlite + Redis, through the real HTTP API: maintenance planning with lead-time
 * verdicts and EX-MAINT, versioned bilingual notices, delivery to a real SMTP server, a local Slack
 * Web API endpoint and a signed webhook, dead letters, acknowledgements, subscriptions, the status site.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createApi } from '../api/server.ts';
import { Metrics } from '../collector/metrics.ts';
import { StatusBoard } from '../collector/status.ts';
import { createToken } from '../core/auth.ts';
import { parseConfig, type KuzetConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, REDIS_URL, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { contentHash, legacyContentHash } from './content.ts';
import { parseSubject } from './model.ts';
import { DEFAULT_TEMPLATE_DIR } from './templates.ts';
import { NoticeRuntime } from './runtime.ts';
import { startSlack, startSmtp, startWebhook } from './test-support.ts';

const SECRET = 'webhook-secret-0123456789';
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;

describe('notices over the API', { timeout: 240_000 }, () => {
  let db: Db;
  let redis: Redis;
  let server: Server;
  let base = '';
  let rt: NoticeRuntime;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let slack: Awaited<ReturnType<typeof startSlack>>;
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  let cfg: KuzetConfig;
  let operator = '';
  let viewer = '';
  const prefix = uniqueName('ntc');
  const dir = tempDir('kuzet-tpl-');
  const dead: string[] = [];
  const stall = { value: false };

  const api = async (method: string, path: string, body?: unknown, token = operator, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return {
      status: res.status, // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
      json: json as Record<string, any>,
      headers: res.headers,
      text,
    };
  };

  before(async () => {
    [smtp, slack, hook] = await Promise.all([startSmtp(), startSlack(), startWebhook()]);
    cpSync(DEFAULT_TEMPLATE_DIR, dir.path, { recursive: true });
    cfg = parseConfig(
      JSON.stringify({
        notifications: {
          channels: [
            { id: 'oncall', type: 'slack', token: 'xoxb-test', channel: '#kuzet-oncall', apiUrl: slack.url },
            { id: 'mail', type: 'email', smtpUrl: smtp.url, from: 'kuzet@operator.kz', to: ['oncall@operator.kz'] },
            { id: 'hook', type: 'webhook', url: hook.url, secret: SECRET },
          ],
        },
        systems: {
          portal: {
            name: 'Веб-портал госзакупок',
            kind: 'portal',
            policy: 'portal-692',
            modules: ['homepage', 'search', 'eshop'],
            owners: [{ name: 'Минфин', email: 'owner@minfin.kz' }],
          },
          etp1: {
            name: 'ЭТП Один',
            kind: 'etp',
            policy: 'etp-em',
            modules: ['orders'],
            owners: [{ name: 'Владелец ЭТП', email: 'etp1@etp.kz' }],
            targets: [
              { id: 'orders', module: 'orders', service: 'orders' },
              { id: 'orders-test', module: 'orders', service: 'test-orders', environment: 'test' },
            ],
          },
        },
      }),
      PROBES,
      {},
    );
    const real = await openDb({ dataDir: 'memory://' });
    await migrate(real);
    // A database whose queries hang while `stall` is set, as a slow database would.
    db = {
      ...real,
      query: (sql, params) => (stall.value ? new Promise(() => undefined) : real.query(sql, params)),
      close: () => real.close(),
    } as Db;
    operator = (await createToken(real, { role: 'operator', name: 'op' })).token;
    viewer = (await createToken(real, { role: 'viewer', name: 'view' })).token;
    const status = new StatusBoard();
    rt = new NoticeRuntime({
      db: () => db,
      config: () => cfg,
      log: silentLogger,
      board: () => status.snapshot(cfg, new Date()),
      publicUrl: () => base,
      templatesDir: dir.path,
      delivery: { attempts: 3, backoffMs: 300, sweepEveryMs: 2_000, onDead: (r) => dead.push(r.key) },
      site: { dbTimeoutMs: 500, refreshMs: 1_000 },
    });
    await rt.start();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await rt.attachRedis(redis, prefix);
    const app = createApi({
      config: () => cfg,
      db: () => db,
      metrics: new Metrics(),
      status,
      readiness: async () => [],
      log: silentLogger,
      notices: { db: () => db, notices: () => rt },
    });
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    stall.value = false;
    await rt?.close();
    await new Promise<void>((r) => server?.close(() => r()));
    server?.closeAllConnections();
    redis?.disconnect();
    await dropRedisPrefix(prefix);
    await db?.close();
    await Promise.all([smtp?.close(), slack?.close(), hook?.close()]);
    dir.remove();
  });

  const T0 = Math.floor(Date.now() / 1000) * 1000;
  const start = T0 + 10 * DAY;
  const maintenanceBody = (over: Record<string, unknown> = {}) => ({
    system: 'portal',
    modules: ['search'],
    startsAt: iso(start),
    endsAt: iso(start + 4 * 3_600_000),
    description: { ru: 'Обновление модуля поиска', kk: 'Іздеу модулін жаңарту' },
    responsible: [{ name: 'Иванов Иван', role: 'дежурный инженер', phone: '+7 701 111 2233', email: 'ivanov@operator.kz' }],
    procurements: [{ id: 'ANN-555', method: 'competition', deadlines: { acceptanceEnd: iso(start + 3_600_000) } }],
    ...over,
  });

  let windowId = '';
  test('an operator plans maintenance: verdicts, EX-MAINT, scheduled jobs, notice published and delivered', async () => {
    assert.equal((await api('POST', '/api/v1/maintenance', maintenanceBody(), '')).status, 401);
    assert.equal((await api('POST', '/api/v1/maintenance', maintenanceBody(), viewer)).status, 403);
    const bad = await api('POST', '/api/v1/maintenance', maintenanceBody({ endsAt: iso(start - 1000) }));
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.field, 'endsAt');

    const r = await api('POST', '/api/v1/maintenance', maintenanceBody());
    assert.equal(r.status, 201, r.text);
    windowId = r.json.id;
    assert.equal(r.json.unplanned, false);
    assert.deepEqual(
      r.json.plan.verdicts.map((v: { audience: string; met: boolean }) => [v.audience, v.met]),
      [['portal-users', true]],
    );
    assert.equal(r.json.plan.extensions[0].rule, 'EX-MAINT');
    assert.equal(r.json.plan.extensions[0].extended, iso(start + 5 * 3_600_000));
    assert.deepEqual(
      r.json.scheduled.map((j: { kind: string }) => j.kind),
      ['remind', 'start', 'complete'],
    );
    assert.equal(r.json.notice.publishedVersion, 1);
    assert.match(r.json.notice.versions[0].texts.ru.text, /ANN-555/);

    const mails = await waitFor(
      () =>
        smtp.mails.filter((m) => m.text.includes(windowId)).length >= 2 ? smtp.mails.filter((m) => m.text.includes(windowId)) : undefined,
      { timeoutMs: 60_000, what: 'maintenance e-mails' },
    );
    const toOwner = mails.find((m) => m.to.includes('owner@minfin.kz'));
    assert.ok(toOwner, `recipients: ${mails.map((m) => m.to).join(', ')}`);
    assert.match(toOwner.text, /Техникалық және профилактикалық жұмыстар/);
    assert.match(toOwner.text, /Технические и профилактические работы/);
    assert.match(toOwner.html, /Іздеу модулін жаңарту/);
    assert.match(toOwner.subject, /жұмыстар.*\/.*работы/);
    assert.ok(mails.some((m) => m.to.includes('oncall@operator.kz')));
    const call = await waitFor(() => slack.calls.find((c) => String(c.args.text).includes(windowId)), {
      timeoutMs: 60_000,
      what: 'slack message',
    });
    assert.equal(call.token, 'xoxb-test');
    assert.equal(call.args.channel, '#kuzet-oncall');
    const hookCall = await waitFor(() => hook.calls.find((c) => c.body.includes(windowId)), { timeoutMs: 60_000, what: 'webhook' });
    assert.equal(hookCall.signature, `sha256=${createHmac('sha256', SECRET).update(hookCall.body).digest('hex')}`);
    assert.match(hookCall.key, /^notice:ntc_[0-9a-f]+:v1\|hook\|/);

    const audit = await db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'maintenance.%' OR action LIKE 'notice.%'",
    );
    assert.ok(audit.some((a) => a.action === 'maintenance.plan') && audit.some((a) => a.action === 'notice.publish'));
  });

  test('maintenance too late for the ETP lead time is flagged and announced as unplanned works with contacts', async () => {
    const r = await api(
      'POST',
      '/api/v1/maintenance',
      maintenanceBody({
        system: 'etp1',
        modules: ['orders'],
        procurements: [],
        startsAt: iso(Date.now() + 3_600_000),
        endsAt: iso(Date.now() + 2 * 3_600_000),
      }),
    );
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.unplanned, true);
    assert.equal(r.json.plan.verdicts[0].audience, 'etp-owners');
    assert.equal(r.json.plan.verdicts[0].met, false);
    const texts = r.json.notice.versions[0].texts;
    assert.match(texts.ru.title, /Внеплановые технические работы/);
    assert.match(texts.kk.title, /Жоспардан тыс/);
    assert.match(texts.ru.text, /Иванов Иван \(дежурный инженер\), тел\. \+7 701 111 2233/);
    await waitFor(() => smtp.mails.find((m) => m.to.includes('etp1@etp.kz') && m.text.includes(r.json.id)), {
      timeoutMs: 60_000,
      what: 'ETP owner e-mail',
    });
  });

  test('the scheduled jobs move a short window to started, then completed, re-publishing each time', async () => {
    const s0 = Date.now() + 2_000;
    const r = await api('POST', '/api/v1/maintenance', maintenanceBody({ procurements: [], startsAt: iso(s0), endsAt: iso(s0 + 2_000) }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.unplanned, true);
    assert.deepEqual(
      r.json.scheduled.map((j: { kind: string }) => j.kind),
      ['start', 'complete'],
    );
    const done = await waitFor(
      async () => {
        const n = await api('GET', `/api/v1/notices/${r.json.noticeId}`, undefined, viewer);
        return n.json.versions?.some((v: { phase: string }) => v.phase === 'maintenance-completed') ? n.json : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the window completed' },
    );
    assert.deepEqual(
      done.versions.map((v: { phase: string }) => v.phase),
      ['maintenance-completed', 'maintenance-started', 'maintenance-planned'],
    );
    assert.equal(done.active, false);
    assert.match(done.versions[0].texts.ru.title, /Технические работы завершены/);
    const w = await api('GET', `/api/v1/maintenance/${r.json.id}`, undefined, viewer);
    assert.equal(w.json.phase, 'maintenance-completed');
  });

  let noticeId = '';
  const incident = (over: Record<string, unknown> = {}) => ({
    kind: 'incident',
    id: 'INC-2026-000777',
    system: 'portal',
    modules: ['search'],
    policy: 'portal-692',
    level: 'medium',
    phase: 'opened',
    description: { ru: 'Поиск не работает <img src=x onerror=alert(1)>', kk: 'Іздеу жұмыс істемейді' },
    startedAt: iso(T0 - 3_600_000),
    confirmedAt: iso(T0 - 600_000),
    plannedFixAt: iso(T0 + 2 * 3_600_000),
    affected: [{ announcement: '778899', lot: '2' }],
    recipients: [
      { email: 'reporter@supplier.kz', role: 'reporter' },
      { email: 'supplier@supplier.kz', role: 'supplier' },
    ],
    ...over,
  });

  test('incident notice: preview, operator publish (SLA clock met), change re-publishes as v2 in the Slack thread', async () => {
    const pre = await api('POST', '/api/v1/notices/preview', incident(), viewer);
    assert.equal(pre.status, 200, pre.text);
    assert.match(pre.json.texts.ru.title, /уровень критичности: средний/);
    const draft = await api('POST', '/api/v1/notices', incident());
    noticeId = draft.json.notice.id;
    assert.equal(draft.json.notice.publishedVersion, 0);
    assert.equal((await api('POST', `/api/v1/notices/${noticeId}/publish`, undefined, viewer)).status, 403);
    const pub = await api('POST', `/api/v1/notices/${noticeId}/publish`);
    assert.equal(pub.status, 200, pub.text);
    assert.equal(pub.json.publishedVersion, 1);
    assert.deepEqual(
      pub.json.versions[0].clocks.map((c: { timer: string; met: boolean }) => [c.timer, c.met]),
      [['SLA-P-MED-HOME', true]],
    );
    const first = await waitFor(() => slack.calls.find((c) => String(c.args.text).includes('INC-2026-000777')), {
      timeoutMs: 60_000,
      what: 'first slack message',
    });
    assert.equal(first.args.thread_ts, undefined);
    for (const who of ['reporter@supplier.kz', 'supplier@supplier.kz', 'owner@minfin.kz']) {
      const m = await waitFor(() => smtp.mails.find((x) => x.to.includes(who) && x.text.includes('INC-2026-000777')), {
        timeoutMs: 60_000,
        what: `mail to ${who}`,
      });
      assert.match(m.text, /Техникалық іркіліс/);
      assert.match(m.text, /Технический сбой/);
      assert.match(m.text, /778899\/2/);
      assert.ok(!m.html.includes('<img'), 'the description is escaped in the HTML part');
    }
    const changed = await api('POST', '/api/v1/notices', incident({ plannedFixAt: iso(Date.now() + 5 * 3_600_000), phase: 'updated' }));
    assert.equal(changed.json.republished, true);
    assert.equal(changed.json.notice.publishedVersion, 2);
    assert.equal(changed.json.notice.versions.length, 2);
    const reply = await waitFor(() => slack.calls.find((c) => String(c.args.text).includes('INC-2026-000777') && c.args.thread_ts), {
      timeoutMs: 60_000,
      what: 'slack thread reply',
    });
    assert.equal(reply.args.thread_ts, first.ts);
    const same = await api(
      'POST',
      '/api/v1/notices',
      incident({ plannedFixAt: changed.json.notice.subject.plannedFixAt, phase: 'updated', recipients: [] }),
    );
    assert.equal(same.json.republished, false, 'recipients are not a published field');

    // A notice published before hashes sorted their keys (its hashes stored the old way): the same content re-published nothing.
    const stored = (await db.query<{ subject: Record<string, unknown> }>('SELECT subject FROM notices WHERE id = $1', [noticeId]))[0]!;
    const old = legacyContentHash(parseSubject(stored.subject));
    assert.notEqual(old, contentHash(parseSubject(stored.subject)), 'the two hashes differ for this subject');
    await db.query('UPDATE notices SET content_hash = $2, published_hash = $2 WHERE id = $1', [noticeId, old]);
    const again = await api(
      'POST',
      '/api/v1/notices',
      incident({ plannedFixAt: changed.json.notice.subject.plannedFixAt, phase: 'updated' }),
    );
    assert.equal(again.json.republished, false, 'an upgrade re-publishes nothing');
    assert.equal(again.json.notice.unpublishedChanges, false);
    assert.equal(again.json.notice.publishedVersion, 2);
  });

  test('a broken template stops the publish with its name and line; nothing is stored', async () => {
    writeFileSync(join(dir.path, 'default/resolved.kk.hbs'), 'Жойылды\n{{description}}\n{{resolvdAt}}\n');
    try {
      const r = await api('POST', '/api/v1/notices', incident({ phase: 'resolved', resolvedAt: iso(Date.now()) }));
      assert.equal(r.status, 422, r.text);
      assert.match(r.json.error.message, /default\/resolved\.kk\.hbs line 3/);
      const n = await api('GET', `/api/v1/notices/${noticeId}`, undefined, viewer);
      assert.equal(n.json.publishedVersion, 2);
    } finally {
      cpSync(join(DEFAULT_TEMPLATE_DIR, 'default/resolved.kk.hbs'), join(dir.path, 'default/resolved.kk.hbs'));
    }
  });

  test('acknowledgement e-mail with the incident id, due within SLA-P-ID', async () => {
    const r = await api('POST', '/api/v1/notices/acknowledgements', {
      incidentId: 'INC-2026-000901',
      email: 'user@bidder.kz',
      system: 'portal',
      registeredAt: iso(Date.now()),
    });
    assert.equal(r.status, 202, r.text);
    const m = await waitFor(() => smtp.mails.find((x) => x.to.includes('user@bidder.kz')), { timeoutMs: 60_000, what: 'acknowledgement' });
    assert.match(m.subject, /INC-2026-000901/);
    assert.match(m.text, /Инциденттің бірегей нөмірі: INC-2026-000901/);
    assert.match(m.text, /Уникальный номер инцидента: INC-2026-000901/);
  });

  test('subscription: double opt-in, one-click unsubscribe in every e-mail', async () => {
    const s = await api('POST', '/status/subscribe', { email: 'fan@example.kz', system: 'portal', lang: 'ru' }, '');
    assert.equal(s.status, 202, s.text);
    const confirm = await waitFor(() => smtp.mails.find((m) => m.to.includes('fan@example.kz')), {
      timeoutMs: 60_000,
      what: 'confirmation',
    });
    const link = /(http:\/\/\S+\/status\/subscribe\/confirm\?token=\S+)/.exec(confirm.text)?.[1];
    assert.ok(link, confirm.text);
    assert.match(confirm.text, /Подтвердите подписку/);
    assert.equal((await fetch(link)).status, 200);
    await api('POST', '/api/v1/notices', incident({ phase: 'resolved', resolvedAt: iso(Date.now()) }));
    const notice = await waitFor(() => smtp.mails.find((m) => m.to.includes('fan@example.kz') && m.text.includes('INC-2026-000777')), {
      timeoutMs: 60_000,
      what: 'notice to subscriber',
    });
    const unsub = /<([^>]+)>/.exec(notice.headers['list-unsubscribe'] ?? '')?.[1];
    assert.ok(unsub, JSON.stringify(notice.headers));
    assert.equal(notice.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    assert.equal(
      (
        await fetch(unsub, {
          method: 'POST',
          body: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
      200,
    );
    const rows = await db.query<{ state: string }>("SELECT state FROM notice_subscriptions WHERE email = 'fan@example.kz'");
    assert.equal(rows[0]?.state, 'unsubscribed');
  });

  test('the status site: languages, ETag, CSP, feeds, widget, and it keeps serving with the database stalled', async () => {
    await rt.site.refresh();
    const kk = await fetch(`${base}/status`);
    const html = await kk.text();
    assert.equal(kk.status, 200);
    assert.match(html, /<html lang="kk">/);
    assert.match(kk.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.doesNotMatch(kk.headers.get('content-security-policy') ?? '', /script-src/);
    assert.match(kk.headers.get('cache-control') ?? '', /max-age=/);
    assert.ok(!html.includes('<img src=x'), 'escaped');
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;|Іздеу жұмыс істемейді/);
    assert.match(html, /ЭТП Один/);
    assert.match(html, /test-orders/);
    assert.match(html, /<form method="post" action="status\/subscribe">/);
    const ru = await fetch(`${base}/status`, { headers: { 'accept-language': 'en;q=1, ru;q=0.8, kk;q=0.5' } });
    assert.match(await ru.text(), /<html lang="ru">/);
    assert.match(await (await fetch(`${base}/status?lang=ru`, { headers: { 'accept-language': 'kk' } })).text(), /lang="ru"/);
    const etag = kk.headers.get('etag') ?? '';
    assert.equal((await fetch(`${base}/status`, { headers: { 'if-none-match': etag } })).status, 304);
    const json = (await (await fetch(`${base}/status.json`)).json()) as {
      notices: { id: string }[];
      maintenance: { id: string }[];
      etps: unknown[];
      uptime: { days: unknown[] }[];
      services: { environment: string }[];
    };
    assert.ok(json.notices.some((n) => n.id === noticeId));
    assert.ok(json.maintenance.some((m) => m.id === windowId));
    assert.equal(json.uptime[0]?.days.length, 90);
    assert.deepEqual(json.services.map((s) => s.environment).sort(), ['productive', 'test']);
    assert.match(await (await fetch(`${base}/status.rss?lang=ru`)).text(), /<rss version="2.0">[\s\S]*INC-2026-000777/);
    assert.match(await (await fetch(`${base}/status.atom`)).text(), /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="kk">/);
    const widget = await fetch(`${base}/status/widget?lang=ru`);
    assert.match(widget.headers.get('content-security-policy') ?? '', /frame-ancestors \*/);
    assert.match(await (await fetch(`${base}/status/widget.js`)).text(), /createElement\('iframe'\)/);

    stall.value = true;
    try {
      await fetch(`${base}/api/v1/notices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
        body: JSON.stringify(incident()),
        signal: AbortSignal.timeout(1_000),
      }).catch(() => undefined);
      // Something changed, so the next refresh reads the database, which does not answer.
      rt.site.invalidate();
      await rt.site.refresh();
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${base}/status`, { signal: AbortSignal.timeout(5_000) });
        assert.equal(r.status, 200);
        await r.arrayBuffer();
      }
      const j = (await (await fetch(`${base}/status.json`, { signal: AbortSignal.timeout(5_000) })).json()) as { stale: boolean };
      assert.equal(j.stale, true);
    } finally {
      stall.value = false;
    }
  });

  test('a channel that stays down: deliveries retry, then the dead-letter list and an alert', async () => {
    cfg = {
      ...cfg,
      notifications: {
        channels: [...cfg.notifications.channels, { id: 'broken', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: SECRET }],
      },
    };
    const r = await api('POST', '/api/v1/notices', { ...incident(), id: 'INC-2026-000999', description: { ru: 'ещё один сбой' } });
    assert.equal(r.status, 200, r.text);
    await api('POST', `/api/v1/notices/${r.json.notice.id}/publish`);
    const row = await waitFor(
      async () =>
        (await api('GET', '/api/v1/notices/deliveries?state=dead', undefined, viewer)).json.items?.find(
          (d: { channel: string }) => d.channel === 'broken',
        ),
      { timeoutMs: 90_000, what: 'dead letter' },
    );
    assert.equal(row.attempts, 3);
    assert.match(row.lastError, /webhook:/);
    assert.ok(dead.includes(row.key));
    assert.equal((await fetch(`${base}/status`)).status, 200);
  });
});
