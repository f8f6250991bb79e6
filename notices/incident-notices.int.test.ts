/**
 * Issue #6's path in `kuzet demo` (PGlite, the real Redis, the demo's own Slack endpoint and SMTP
 * peer): a portal fault → a Slack message and a draft notice; confirming as high publishes it in
 * Kazakh and Russian on /status and the feeds, e-mails reach the owner and the supplier of the affected
 * procurement, SLA-P-HIGH-HOME is met; a new planned fix re-publishes as `updated`; resolving publishes
 * the resolution with the extension facts; replaying every event changes nothing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { readOutbox } from '../incidents/index.ts';
import { REDIS_URL, dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { startDemo, type DemoHandle } from '../demo/index.ts';
import { IncidentNotices } from './incident-notices.ts';

const TOKEN = 'kzt_incident_notices_test_token_1234567890';

describe('incident events → notices and on-call alerts (demo)', () => {
  let demo: DemoHandle;
  const dir = tempDir();
  const prefix = uniqueName('kzinc-notices');

  before(async () => {
    demo = await startDemo({
      port: 0,
      portalPort: 0,
      dataDir: join(dir.path, 'data'),
      redisPrefix: prefix,
      log: silentLogger,
      env: { KUZET_DEMO_TOKEN: TOKEN, REDIS_URL },
      incidents: { detector: { failuresToOpen: 2 }, slaTickMs: 500 },
    });
    await demo.kuzet.redisReady;
  });
  after(async () => {
    await demo?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> => {
    const res = await fetch(`${demo.kuzet.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, never> };
  };
  type Notice = { id: string; kind: string; subjectId: string; publishedVersion: number; active: boolean };
  const noticeOf = async (id: string) =>
    ((await api('GET', '/api/v1/notices')).body.items as Notice[]).find((n) => n.kind === 'incident' && n.subjectId === id);

  it('fault → Slack + draft; confirmed high → published kk/ru, mailed, clock met; re-planned → updated; resolved → resolution with extensions', async () => {
    await fetch(`${demo.sim.url}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'search', fault: 'http-500' }),
    });
    const inc = await waitFor(
      async () =>
        ((await api('GET', '/api/v1/incidents?system=portal')).body.items as { id: string; module: string }[] | undefined)?.find(
          (i) => i.module === 'search',
        ),
      { what: 'incident registered', timeoutMs: 40_000, intervalMs: 250 },
    );

    // On-call hear it first: a Slack message naming the incident; then a draft notice, not public.
    const slack = await waitFor(() => demo.peers.slack.calls.find((c) => String(c.args.text ?? '').includes(inc.id)), {
      what: 'Slack alert',
      timeoutMs: 15_000,
    });
    assert.equal(slack.args.channel, '#kuzet-oncall');
    assert.match(String(slack.args.text), /зарегистрирован инцидент|инциденті тіркелді/);
    const draft = await waitFor(() => noticeOf(inc.id), { what: 'draft notice', timeoutMs: 15_000 });
    assert.equal(draft.publishedVersion, 0);
    // 001 §19: the owner's IT and security unit hears of the proposed high failure on receipt, before any
    // confirmation or public notice; that message alone meets SLA-P-OWNER-MEDHIGH (receipt + 5 min).
    type ClockView = { timer: string; state: string; startedAt: string; dueAt: string; metAt: string | null };
    const unitMail = await waitFor(
      () => demo.peers.smtp.mails.find((m) => m.to.includes('it-security@demo.kuzet.local') && m.subject.includes(inc.id)),
      { what: 'mail to the owner IT and security unit', timeoutMs: 20_000 },
    );
    assert.match(unitMail.subject, /модуль «Поиск объявлений»|«Хабарландыруларды іздеу» модулі/);
    const ownerClock = await waitFor(
      async () =>
        ((await api('GET', `/api/v1/incidents/${inc.id}`)).body.clocks as ClockView[]).find(
          (x) => x.timer === 'SLA-P-OWNER-MEDHIGH' && x.metAt !== null,
        ),
      { what: 'SLA-P-OWNER-MEDHIGH met', timeoutMs: 10_000 },
    );
    const incView = (await api('GET', `/api/v1/incidents/${inc.id}`)).body as { receivedAt: string; confirmedAt: string | null };
    assert.equal(ownerClock.startedAt, incView.receivedAt);
    assert.equal(incView.confirmedAt, null, 'met before confirmation');
    assert.equal(ownerClock.state, 'met');
    const before = (await (await fetch(`${demo.kuzet.url}/status.json`)).json()) as { notices: { id: string }[] };
    assert.ok(!before.notices.some((n) => n.id === draft.id), 'a draft is not on the status site');

    // A procurement of the search module whose acceptance ends inside the failure window.
    const soonMs = Date.now() + 4_000;
    await api('POST', '/api/v1/procurements', [
      {
        announcement: '16660001-1',
        lot: '2',
        method: 'competition',
        module: 'search',
        deadlines: { acceptanceEnd: formatAstana(soonMs) },
        suppliers: [{ name: 'ТОО Жеткізуші', email: 'supplier@demo.kuzet.local' }],
      },
    ]);
    assert.equal((await api('POST', `/api/v1/incidents/${inc.id}/transition`, { to: 'analysing' })).status, 200);
    const planned = formatAstana(Date.now() + 40 * 60_000);
    const c = await api('POST', `/api/v1/incidents/${inc.id}/transition`, {
      to: 'confirmed',
      level: 'high',
      levelReason: 'search is down for everyone',
      kind: 'third-party-conditions',
      plannedFixAt: planned,
    });
    assert.equal(c.status, 200, JSON.stringify(c.body));

    const published = await waitFor(
      async () => {
        const n = await noticeOf(inc.id);
        return n && n.publishedVersion >= 1 ? n : undefined;
      },
      { what: 'notice published', timeoutMs: 15_000 },
    );
    type StatusJson = { notices: { id: string; level: string; texts: Record<'kk' | 'ru', { title: string; text: string }> }[] };
    const site = await waitFor(
      async () => ((await (await fetch(`${demo.kuzet.url}/status.json`)).json()) as StatusJson).notices.find((n) => n.id === published.id),
      { what: 'notice on /status.json', timeoutMs: 10_000 },
    );
    assert.equal(site.level, 'high');
    assert.match(site.texts.ru.title, /высокий/);
    assert.match(site.texts.kk.title, /жоғары/);
    assert.match(site.texts.ru.text, /16660001-1\/2/);
    // Modules by their configured human names, never by config ids (issue #17 item 14).
    assert.match(site.texts.ru.text, /модуля «Поиск объявлений»/);
    assert.match(site.texts.kk.text, /«Хабарландыруларды іздеу» модулінің/);
    for (const l of ['ru', 'kk'] as const) assert.doesNotMatch(`${site.texts[l].title}\n${site.texts[l].text}`, /«search»|: search\b/);
    assert.match(String(slack.args.text), /модуль «Поиск объявлений»|«Хабарландыруларды іздеу» модулі/);
    const html = await (await fetch(`${demo.kuzet.url}/status?lang=kk`)).text();
    assert.match(html, /жоғары/);
    const rss = await (await fetch(`${demo.kuzet.url}/status.rss`)).text();
    assert.match(rss, new RegExp(inc.id));

    // E-mails: the owner of the portal and the supplier of the affected procurement.
    await waitFor(() => demo.peers.smtp.mails.some((m) => m.to.includes('owner@demo.kuzet.local') && m.subject.includes('высокий')), {
      what: 'mail to the owner',
      timeoutMs: 20_000,
    });
    await waitFor(() => demo.peers.smtp.mails.some((m) => m.to.includes('supplier@demo.kuzet.local')), {
      what: 'mail to the supplier',
      timeoutMs: 20_000,
    });
    const clocks = await waitFor(
      async () => {
        const cl = (await api('GET', `/api/v1/incidents/${inc.id}`)).body.clocks as { timer: string; state: string }[];
        return cl.find((x) => x.timer === 'SLA-P-HIGH-HOME')?.state === 'met' ? cl : undefined;
      },
      { what: 'SLA-P-HIGH-HOME met', timeoutMs: 10_000 },
    );
    assert.equal(clocks.find((x) => x.timer === 'SLA-P-HIGH-OWNER')?.state, 'met');

    // Another event about the incident with nothing a reader sees changed (a clock met, evidence joined)
    // leaves the notice at version 1, `opened`: the stored subject comes back from JSONB with its keys
    // reordered, and that alone once published an `updated` copy a second after the first.
    await new IncidentNotices(servicesOf(demo)).reconcile(inc.id);
    const once = (await api('GET', `/api/v1/notices/${published.id}`)).body as { versions: { version: number; phase: string }[] };
    assert.deepEqual(
      once.versions.map((v) => [v.version, v.phase]),
      [[1, 'opened']],
    );

    // A new planned fix time re-publishes as `updated` (001 §14.1–14.2).
    // The detector may touch the incident meanwhile (another check of the module joins): re-read its version on 409, as a client would.
    const later = formatAstana(Date.now() + 90 * 60_000);
    let patched = 0;
    for (let i = 0; i < 5 && patched !== 200; i++) {
      const version = (await api('GET', `/api/v1/incidents/${inc.id}`)).body.version as number;
      patched = (await api('PATCH', `/api/v1/incidents/${inc.id}`, { plannedFixAt: later, reason: 'the vendor needs more time', version }))
        .status;
    }
    assert.equal(patched, 200);
    const updated = await waitFor(
      async () => {
        const n = (await api('GET', `/api/v1/notices/${published.id}`)).body as { versions: { version: number; phase: string }[] };
        return n.versions.find((v) => v.phase === 'updated');
      },
      { what: 'updated version', timeoutMs: 15_000 },
    );
    assert.equal(updated.version, 2);

    // Resolve after the acceptance end: the resolution carries the actual fix time and the extension.
    await fetch(`${demo.sim.url}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: '*', fault: 'none' }),
    });
    while (Date.now() < soonMs + 1500) await new Promise((r) => setTimeout(r, 200));
    const res = await api('POST', `/api/v1/incidents/${inc.id}/transition`, {
      to: 'resolved',
      actualFixAt: formatAstana(Date.now() - 500),
      cause: { kk: 'іздеу сервері HTTP 500 қайтарды', ru: 'сервер поиска вернул HTTP 500' },
      measures: { kk: 'іздеу қызметі қайта іске қосылды', ru: 'служба поиска перезапущена' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const resolved = await waitFor(
      async () => {
        const n = (await api('GET', `/api/v1/notices/${published.id}`)).body as {
          active: boolean;
          versions: { version: number; phase: string; texts: Record<'kk' | 'ru', { title: string; text: string }> }[];
        };
        return n.versions.find((v) => v.phase === 'resolved') ? n : undefined;
      },
      { what: 'resolution published', timeoutMs: 15_000 },
    );
    assert.equal(resolved.active, false);
    const last = resolved.versions.find((v) => v.phase === 'resolved')!;
    assert.match(last.texts.ru.text, /16660001-1\/2/);
    assert.match(last.texts.ru.text, /сервер поиска вернул HTTP 500/);
    assert.match(last.texts.ru.text, /Принятые меры: служба поиска перезапущена/);
    // Each language gets the operator's words in that language (issue #21 item 6).
    assert.match(last.texts.kk.text, /іздеу сервері HTTP 500 қайтарды/);
    assert.match(last.texts.kk.text, /Қабылданған шаралар: іздеу қызметі қайта іске қосылды/);
    assert.doesNotMatch(last.texts.kk.text, /сервер поиска/);

    // Replaying every event of the incident changes nothing: no new version, no new delivery, no audit entry.
    const versionsBefore = resolved.versions.length;
    const counts = async () => {
      const audit = (
        await demo.kuzet.db.query<{ n: string }>("SELECT count(*)::text AS n FROM audit_log WHERE actor = 'system:incident-notices'")
      )[0]!.n;
      const deliveries = (await demo.kuzet.db.query<{ n: string }>('SELECT count(*)::text AS n FROM notice_deliveries'))[0]!.n;
      return `${audit} audit entries, ${deliveries} deliveries`;
    };
    // The demo's own incident-notices may still be finishing the resolution (clocks, deliveries): start from quiet counts.
    let quiet = await counts();
    await waitFor(
      async () => {
        const now = await counts();
        const same = now === quiet;
        quiet = now;
        return same;
      },
      { what: 'quiet counts', timeoutMs: 10_000, intervalMs: 500 },
    );
    const handler = new IncidentNotices({ ...servicesOf(demo) });
    for (const e of (await readOutbox(demo.kuzet.db, 0, 10_000)).filter((x) => x.incidentId === inc.id))
      await handler.handle({ key: e.key, type: e.type, incidentId: e.incidentId, payload: e.payload, outboxId: e.id });
    const after = (await api('GET', `/api/v1/notices/${published.id}`)).body as { versions: unknown[] };
    assert.equal(after.versions.length, versionsBefore);
    assert.equal(await counts(), quiet);
  });

  it('a low appeal: the level, then after the fix "works finished, failure fixed" to the reporter; SLA-P-LOW-FIXED untimed, done, on the timeline (002 §15.3)', async () => {
    const reporter = 'reporter-low@demo.kuzet.local';
    const ap = await api('POST', '/api/v1/appeals', {
      organisation: 'ТОО Ромашка',
      binIin: '850101300005',
      email: reporter,
      phone: '+7 701 123 45 67',
      description: 'не открывается вход в систему',
      detectedAt: formatAstana(Date.now() - 5 * 60_000),
      system: 'portal',
      module: 'auth',
    });
    assert.equal(ap.status, 201, JSON.stringify(ap.body));
    const id = ap.body.incidentId as string;
    // A second user's appeal about the module attaches to the incident, with its own SLA-P-LOW-NOTIFY (#16 item 5).
    const second = 'reporter-low-2@demo.kuzet.local';
    const ap2 = await api('POST', '/api/v1/appeals', {
      organisation: 'ТОО Лютик',
      binIin: '920101300000',
      email: second,
      phone: '+7 701 123 45 68',
      description: 'тоже не открывается вход',
      detectedAt: formatAstana(Date.now() - 4 * 60_000),
      system: 'portal',
      module: 'auth',
    });
    assert.equal(ap2.status, 201, JSON.stringify(ap2.body));
    assert.equal(ap2.body.incidentId, id, 'attached to the open incident');
    assert.equal((await api('POST', `/api/v1/incidents/${id}/transition`, { to: 'analysing' })).status, 200);
    const c = await api('POST', `/api/v1/incidents/${id}/transition`, {
      to: 'confirmed',
      level: 'low',
      levelReason: 'one user, a local browser problem',
      kind: 'user-computer-limitations',
      plannedFixAt: formatAstana(Date.now() + 30 * 60_000),
    });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    await waitFor(() => demo.peers.smtp.mails.find((m) => m.to.includes(reporter) && m.subject.includes(id)), {
      what: 'level notice to the reporter',
      timeoutMs: 20_000,
    });
    await waitFor(() => demo.peers.smtp.mails.find((m) => m.to.includes(second) && m.subject.includes(id)), {
      what: 'level notice to the attached appeal reporter',
      timeoutMs: 20_000,
    });
    type ClockView = { timer: string; state: string; dueAt: string | null; metAt: string | null };
    const clocksOf = async () => (await api('GET', `/api/v1/incidents/${id}`)).body.clocks as ClockView[];
    // The one level notice reached both users: both clocks are met, the attached appeal's own copy too (it was left to breach).
    const notify = await waitFor(
      async () => {
        const all = (await clocksOf()).filter((x) => x.timer.split('@')[0] === 'SLA-P-LOW-NOTIFY');
        return all.length === 2 && all.every((x) => x.state === 'met') ? all : undefined;
      },
      { what: 'SLA-P-LOW-NOTIFY met for both appeals', timeoutMs: 10_000 },
    );
    assert.ok(
      notify.some((x) => x.timer === `SLA-P-LOW-NOTIFY@appeal-${String(ap2.body.appealId)}`),
      JSON.stringify(notify),
    );
    assert.equal(
      (await clocksOf()).find((x) => x.timer === 'SLA-P-LOW-FIXED'),
      undefined,
      'no duty before the fix',
    );

    const r = await api('POST', `/api/v1/incidents/${id}/transition`, {
      to: 'resolved',
      actualFixAt: formatAstana(Date.now() - 1000),
      cause: { kk: 'браузер кэші', ru: 'кэш браузера' },
      measures: { kk: 'пайдаланушыға кэшті тазалау ұсынылды', ru: 'пользователю рекомендовано очистить кэш' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const fixed = await waitFor(
      () => demo.peers.smtp.mails.find((m) => m.to.includes(reporter) && /работы завершены|жұмыс жүргізу аяқталды/.test(m.subject)),
      { what: '"works finished" mail to the reporter', timeoutMs: 20_000 },
    );
    assert.match(fixed.subject, new RegExp(id));
    const duty = await waitFor(async () => (await clocksOf()).find((x) => x.timer === 'SLA-P-LOW-FIXED' && x.state === 'met'), {
      what: 'SLA-P-LOW-FIXED done',
      timeoutMs: 10_000,
    });
    assert.equal(duty.dueAt, null, 'untimed');
    const timeline = (await api('GET', `/api/v1/incidents/${id}`)).body.timeline as { action: string; after: { timer?: string } | null }[];
    assert.ok(
      timeline.some((t) => t.action === 'clock.met' && t.after?.timer === 'SLA-P-LOW-FIXED'),
      'on the timeline',
    );
  });

  it('an ETP appeal decision is extended once, to at most the original due + 15 calendar days; shown on the clock, audited, told to the user and the operator (000 App.4 §1.5)', async () => {
    const user = 'etp-user@demo.kuzet.local';
    const ap = await api('POST', '/api/v1/appeals', {
      organisation: 'ТОО Сауда',
      binIin: '850101300005',
      email: user,
      phone: '+7 701 123 45 67',
      description: 'заказ не подтверждается',
      detectedAt: formatAstana(Date.now() - 5 * 60_000),
      system: 'etp-alpha',
      module: 'orders',
    });
    assert.equal(ap.status, 201, JSON.stringify(ap.body));
    const id = ap.body.incidentId as string;
    type ClockView = {
      timer: string;
      dueAt: string;
      extendableUntil: string | null;
      extension: { originalDueAt: string; dueAt: string; reason: string; by: string } | null;
    };
    const resolveOf = (clocks: ClockView[]) => clocks.find((c) => c.timer === 'SLA-E-ETP-RESOLVE')!;
    const before = resolveOf((await api('GET', `/api/v1/incidents/${id}`)).body.clocks as ClockView[]);
    const limit = Date.parse(before.dueAt) + 15 * 86_400_000; // Astana has no DST: 15 calendar days, same wall-clock time
    assert.equal(before.extendableUntil, formatAstana(limit));
    assert.equal(before.extension, null);
    const extend = (timer: string, body: unknown) => api('POST', `/api/v1/incidents/${id}/clocks/${timer}/extend`, body);

    const past = await extend('SLA-E-ETP-RESOLVE', { dueAt: formatAstana(limit + 1000), reason: 'waiting for the bank' });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.field, 'dueAt');
    assert.match(past.body.error.message, /at most the original due time \+ 15 calendar days/);
    assert.equal((await extend('SLA-E-ETP-RESOLVE', { dueAt: formatAstana(limit) })).body.error.field, 'reason');
    assert.equal((await extend('SLA-E-ETP-REGISTER', { dueAt: formatAstana(limit), reason: 'x' })).body.error.field, 'timer');

    const ok = await extend('SLA-E-ETP-RESOLVE', { dueAt: formatAstana(limit), reason: 'waiting for the bank' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const after = resolveOf(ok.body.clocks as ClockView[]);
    assert.equal(after.dueAt, formatAstana(limit));
    assert.equal(after.extension?.originalDueAt, before.dueAt);
    assert.equal(after.extension?.reason, 'waiting for the bank');
    assert.equal(after.extendableUntil, null);

    const again = await extend('SLA-E-ETP-RESOLVE', { dueAt: formatAstana(limit - 1000), reason: 'again' });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.field, 'timer');
    assert.match(again.body.error.message, /may be extended once/);

    // The user (the appeal's e-mail) and the operator (on-call Slack) are told; timeline and audit carry it.
    await waitFor(
      () => demo.peers.smtp.mails.find((m) => m.to.includes(user) && m.subject.includes(id) && /Продление срока|ұзартылды/.test(m.subject)),
      { what: 'extension mail to the user', timeoutMs: 20_000 },
    );
    await waitFor(
      () =>
        demo.peers.slack.calls.find((c) => String(c.args.text ?? '').includes(id) && /Продление срока|ұзартылды/.test(String(c.args.text))),
      { what: 'extension on Slack', timeoutMs: 20_000 },
    );
    const timeline = (await api('GET', `/api/v1/incidents/${id}`)).body.timeline as {
      action: string;
      after: { timer?: string; originalDueAt?: string } | null;
    }[];
    assert.ok(
      timeline.some(
        (t) => t.action === 'clock.extended' && t.after?.timer === 'SLA-E-ETP-RESOLVE' && t.after.originalDueAt === before.dueAt,
      ),
    );
    const audited = await demo.kuzet.db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM audit_log WHERE subject = $1 AND action = 'incident.clock.extended'",
      [id],
    );
    assert.equal(audited[0]?.n, '1');

    // A second user's appeal attaches with its own decision clock; extending that one tells that user alone.
    const other = 'etp-user-2@demo.kuzet.local';
    const ap2 = await api('POST', '/api/v1/appeals', {
      organisation: 'ТОО Базар',
      binIin: '920101300010',
      email: other,
      phone: '+7 701 123 45 69',
      description: 'заказ тоже не подтверждается',
      detectedAt: formatAstana(Date.now() - 4 * 60_000),
      system: 'etp-alpha',
      module: 'orders',
    });
    assert.equal(ap2.status, 201, JSON.stringify(ap2.body));
    assert.equal(ap2.body.incidentId, id, 'attached to the open incident');
    const own = `SLA-E-ETP-RESOLVE@appeal-${String(ap2.body.appealId)}`;
    const ownClock = ((await api('GET', `/api/v1/incidents/${id}`)).body.clocks as ClockView[]).find((c) => c.timer === own)!;
    const mailsToFirst = () =>
      demo.peers.smtp.mails.filter((m) => m.to.includes(user) && /Продление срока|ұзартылды/.test(m.subject)).length;
    const firstBefore = mailsToFirst();
    const ok2 = await extend(own, { dueAt: ownClock.extendableUntil!, reason: 'waiting for the bank too' });
    assert.equal(ok2.status, 200, JSON.stringify(ok2.body));
    await waitFor(
      () =>
        demo.peers.smtp.mails.find((m) => m.to.includes(other) && m.subject.includes(id) && /Продление срока|ұзартылды/.test(m.subject)),
      { what: "extension mail to the attached appeal's user", timeoutMs: 20_000 },
    );
    await waitFor(
      () =>
        demo.peers.slack.calls.filter(
          (c) => String(c.args.text ?? '').includes(id) && /Продление срока|ұзартылды/.test(String(c.args.text)),
        ).length >= 2 || undefined,
      { what: 'second extension on Slack', timeoutMs: 20_000 },
    );
    assert.equal(mailsToFirst(), firstBefore, "the first user is not told of another appeal's extension");
  });

  it('a delivery that gives up is told to on-call through the other channel', async () => {
    const handler = new IncidentNotices(servicesOf(demo));
    await handler.deadLetter({
      key: 'notice:x:v1|email|someone@demo.kuzet.local',
      channel: 'email',
      recipient: 'someone@demo.kuzet.local',
      error: '550 mailbox unavailable',
    });
    const msg = await waitFor(() => demo.peers.slack.calls.find((c) => String(c.args.text ?? '').includes('550 mailbox unavailable')), {
      what: 'dead-letter alert on Slack',
      timeoutMs: 10_000,
    });
    assert.match(String(msg.args.text), /не доставлено|жеткізілмеді/);
    // It did not go back through the channel that failed.
    const rows = await demo.kuzet.db.query<{ channel: string }>("SELECT channel FROM notice_deliveries WHERE key LIKE 'dead:%'");
    assert.ok(rows.length > 0 && rows.every((r) => r.channel !== 'email'));
  });

  it('metrics carry incidents open by level and notice deliveries by channel', async () => {
    const m = await (await fetch(`${demo.kuzet.url}/metrics`)).text();
    assert.match(m, /# TYPE kuzet_incidents_open gauge/);
    assert.match(m, /kuzet_notice_deliveries_total\{channel="slack-oncall",outcome="sent"\} \d+/);
    assert.match(m, /kuzet_notice_deadlines_total\{outcome="met"\} [1-9]/);
  });
});

/** The services a running demo offers, for a second handler in the test. */
function servicesOf(d: DemoHandle) {
  const k = d.kuzet;
  return {
    config: k.config,
    db: () => k.db,
    log: silentLogger,
    metrics: k.metrics,
    status: k.status,
    incidents: k.incidents,
    notices: k.notices,
    redis: () => undefined,
    prefix: () => '',
    readiness: async () => [],
    now: () => new Date(),
    publicUrl: () => k.url,
    artifactsDir: 'artifacts',
  };
}
