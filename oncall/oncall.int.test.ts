/**
 * Issue #21 items 2–3 on a running kuzet (PostgreSQL, the real Redis, a local webhook as the on-call
 * channel): who is on call through the API, the iCalendar feed parsed by ical.js behind a signed link,
 * a muted check raising no alert while its results are stored and it shows muted (an unmuted one beside
 * it alerts), an appeal-opened incident never silenced, a maintenance window silencing its module and
 * excluded from availability, a mute expiring by itself, unmute early, everything audited.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { createToken } from '../core/auth.ts';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { astanaDate, formatAstana } from '../core/time.ts';
import { PROBES } from '../probes/index.ts';
import { startKuzet, type KuzetHandle } from '../app/index.ts';
import { createUser } from '../console/index.ts';
import { PG_URL, REDIS_URL, dropPgSchema, dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';

const MODULES = ['homepage', 'search', 'lots', 'auth'] as const;

/** The portal: every module answers 200 until told to fail. */
async function startPortal() {
  const failing = new Set<string>();
  const server: Server = createServer((req, res) => {
    const m = (req.url ?? '/').split('/')[1] ?? '';
    if (failing.has(m)) res.writeHead(500).end('down');
    else res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, failing, close: () => new Promise((r) => server.close(r)) };
}

/** The on-call webhook: every delivery's idempotency key and body. */
async function startHook() {
  const calls: { key: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push({ key: String(req.headers['idempotency-key'] ?? ''), body });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    calls,
    close: () => new Promise((r) => server.close(r)),
  };
}

function yaml(o: { portal: string; hook: string; prefix: string; dataDir: string }): string {
  const targets = MODULES.map(
    (m) => `      - id: ${m}
        module: ${m}
        checks: [{ id: http, type: http, url: "${o.portal}/${m}", interval: 5s, timeout: 2s }]`,
  ).join('\n');
  return `
storage: { dataDir: "${o.dataDir}" }
redis: { url: "${REDIS_URL}", prefix: ${o.prefix} }
incidents: { detector: { failuresToOpen: 2 } }
notifications:
  channels: [{ id: hook, type: webhook, url: "${o.hook}", secret: "a-secret-of-16-chars-or-more" }]
systems:
  portal:
    name: Портал
    kind: portal
    policy: portal-692
    modules: [${MODULES.join(', ')}]
    targets:
${targets}
oncall:
  people:
    - { id: aigerim, name: Айгерим, email: aigerim@operator.kz, slack: U012ABCDEF }
    - { id: bolat, name: Болат, email: bolat@operator.kz, phone: "+77011234567" }
  schedules:
    - id: primary
      layers: [{ id: weekly, members: [aigerim, bolat], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
`;
}

describe('on-call rota and mutes on a running kuzet (PostgreSQL, Redis)', () => {
  let k: KuzetHandle;
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let hook: Awaited<ReturnType<typeof startHook>>;
  let operator: string;
  let viewer: string;
  const prefix = uniqueName('kzoncall');
  const schema = uniqueName('kuzet_oncall');
  const dir = tempDir();

  before(async () => {
    portal = await startPortal();
    hook = await startHook();
    const config = parseConfig(yaml({ portal: portal.url, hook: hook.url, prefix, dataDir: join(dir.path, 'data') }), PROBES, {});
    k = await startKuzet({ config, log: silentLogger, port: 0, env: { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } });
    assert.equal(await k.redisReady, true);
    operator = (await createToken(k.db, { role: 'operator' })).token;
    viewer = (await createToken(k.db, { role: 'viewer' })).token;
  });
  after(async () => {
    await k?.close();
    await portal?.close();
    await hook?.close();
    await dropRedisPrefix(prefix);
    await dropPgSchema(schema);
    dir.remove();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = Record<string, any>;
  const api = async (method: string, path: string, o: { token?: string | null; body?: unknown } = {}) => {
    const token = o.token === undefined ? operator : o.token;
    const res = await fetch(`${k.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text,
      body: (text.startsWith('{') ? JSON.parse(text) : {}) as Json,
    };
  };

  it('who is on call: every schedule, one schedule, authenticated, bad input named', async () => {
    assert.equal((await api('GET', '/api/v1/oncall', { token: null })).status, 401);
    const now = await api('GET', '/api/v1/oncall?at=2026-12-07T09:00:00%2B05:00', { token: viewer });
    assert.equal(now.status, 200);
    const s = now.body.schedules[0];
    // 2026-12-07 is 48 weeks after 2026-01-05: member 48 % 2 = 0, from that Monday 09:00 Astana.
    assert.equal(s.onCall.person.id, 'aigerim');
    assert.equal(s.onCall.start, '2026-12-07T09:00:00+05:00');
    assert.equal(s.onCall.end, '2026-12-14T09:00:00+05:00');
    assert.equal(s.next.person.id, 'bolat');
    const one = await api('GET', '/api/v1/oncall/schedules/primary?at=2026-12-07T08:59:59%2B05:00&days=15', { token: viewer });
    assert.equal(one.body.onCall.person.id, 'bolat');
    assert.deepEqual(
      one.body.shifts.map((x: Json) => `${x.person.id} ${x.start}`),
      [
        'bolat 2026-11-30T09:00:00+05:00',
        'aigerim 2026-12-07T09:00:00+05:00',
        'bolat 2026-12-14T09:00:00+05:00',
        'aigerim 2026-12-21T09:00:00+05:00',
      ],
    );
    assert.equal((await api('GET', '/api/v1/oncall/schedules/nope')).status, 404);
    const bad = await api('GET', '/api/v1/oncall?at=monday');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'at');
  });

  it('each person’s shifts as iCalendar behind a signed link, parsed by ical.js, in Astana time', async () => {
    const people = await api('GET', '/api/v1/oncall/people', { token: viewer });
    const bolat = people.body.people.find((p: Json) => p.id === 'bolat');
    assert.equal(bolat.phone, '+77011234567');
    const path = new URL(bolat.feedUrl).pathname;
    assert.equal(path, '/api/v1/oncall/people/bolat/shifts.ics');
    // No personal data without a token or the signed link; a link for one person does not open another's.
    assert.equal((await api('GET', path, { token: null })).status, 401);
    const query = new URL(bolat.feedUrl).search;
    assert.equal((await api('GET', `/api/v1/oncall/people/aigerim/shifts.ics${query}`, { token: null })).status, 403);
    const tampered = query.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    assert.equal((await api('GET', `${path}${tampered}`, { token: null })).status, 403);
    const feed = await api('GET', `${path}${query}`, { token: null });
    assert.equal(feed.status, 200);
    assert.match(feed.type, /^text\/calendar/);
    const cal = new ICAL.Component(ICAL.parse(feed.text));
    ICAL.TimezoneService.register(cal.getFirstSubcomponent('vtimezone') as ICAL.Component);
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    assert.ok(events.length >= 12, `${events.length} shifts in 30 days back and 180 ahead`);
    for (const e of events) {
      assert.equal(e.startDate.zone?.tzid, 'Asia/Almaty');
      assert.equal(formatAstana(e.startDate.toJSDate()).slice(10), 'T09:00:00+05:00');
      assert.equal(e.endDate.toJSDate().getTime() - e.startDate.toJSDate().getTime(), 7 * 86_400_000);
      assert.equal(new Date(e.startDate.toJSDate()).getUTCDay(), 1);
    }
    // Bolat's weeks are the odd ones after 2026-01-05 (his first: 2026-01-12).
    const weeks = events.map((e) => (e.startDate.toJSDate().getTime() - Date.parse('2026-01-12T04:00:00Z')) / (7 * 86_400_000));
    assert.ok(weeks.every((w) => Number.isInteger(w) && w % 2 === 0));
    const viaToken = await api('GET', path, { token: viewer });
    assert.equal(viaToken.status, 200);
  });

  let homeMute: Json;
  it('mutes a check with a reason: operator only, bad input named, shown in the check lists', async () => {
    assert.equal(
      (await api('POST', '/api/v1/mutes', { token: viewer, body: { check: 'portal/homepage/http', reason: 'x', for: '1h' } })).status,
      403,
    );
    const noReason = await api('POST', '/api/v1/mutes', { body: { check: 'portal/homepage/http', for: '1h' } });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.field, 'reason');
    const unknown = await api('POST', '/api/v1/mutes', { body: { check: 'portal/homepage/nope', reason: 'x', for: '1h' } });
    assert.equal(unknown.body.error.field, 'check');
    const tooLong = await api('POST', '/api/v1/mutes', { body: { check: 'portal/homepage/http', reason: 'x', for: '31d' } });
    assert.equal(tooLong.status, 400);
    const created = await api('POST', '/api/v1/mutes', {
      body: { check: 'portal/homepage/http', reason: 'flapping: vendor ticket 42', for: '1h' },
    });
    assert.equal(created.status, 201);
    homeMute = created.body;
    assert.equal(homeMute.state, 'active');
    const systems = await api('GET', '/api/v1/systems', { token: viewer });
    const checks = systems.body.systems[0].targets.flatMap((t: Json) => t.checks);
    assert.deepEqual(checks.find((c: Json) => c.key === 'portal/homepage/http').muted, {
      id: homeMute.id,
      until: homeMute.endsAt,
      reason: 'flapping: vendor ticket 42',
      by: homeMute.by,
    });
    assert.equal(checks.find((c: Json) => c.key === 'portal/search/http').muted, null);
    // The public board says until when, not who or why.
    const status = await api('GET', '/api/v1/status', { token: null });
    const pub = status.body.systems[0].targets.flatMap((t: Json) => t.checks).find((c: Json) => c.key === 'portal/homepage/http');
    assert.deepEqual(pub.muted, { until: homeMute.endsAt });
  });

  const incidentOf = (module: string, source = 'monitoring') =>
    waitFor(
      async () =>
        ((await api('GET', '/api/v1/incidents?system=portal')).body.items as Json[] | undefined)?.find(
          (i) => i.module === module && i.source === source,
        ),
      { what: `${source} incident on ${module}`, timeoutMs: 60_000, intervalMs: 300 },
    );
  const alertsOf = (id: string) => hook.calls.filter((c) => c.key.includes(id) || c.body.includes(id));

  it('a muted check raises no alert (recorded on the timeline), its results are stored; an unmuted one beside it alerts', async () => {
    portal.failing.add('homepage');
    portal.failing.add('search');
    const search = await incidentOf('search');
    await waitFor(() => alertsOf(search.id).length > 0, { what: 'the alert of the unmuted check', timeoutMs: 30_000 });
    const home = await incidentOf('homepage');
    const timeline = await waitFor(
      async () => {
        const t = (await api('GET', `/api/v1/incidents/${home.id}`)).body.timeline as Json[];
        return t.some((e) => e.action === 'alert.silenced') ? t : undefined;
      },
      { what: 'alert.silenced on the timeline', timeoutMs: 20_000 },
    );
    const silenced = timeline.find((e) => e.action === 'alert.silenced') as Json;
    assert.equal(silenced.actor, 'system:oncall');
    assert.equal(silenced.after.kind, 'mute');
    assert.equal(silenced.after.id, homeMute.id);
    assert.equal(silenced.after.reason, 'flapping: vendor ticket 42');
    // The search alert went out after the homepage one was decided; give the queue a moment more all the same.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(alertsOf(home.id), []);
    const results = await api('GET', '/api/v1/checks/portal/homepage/http/results');
    assert.ok(
      (results.body.items as Json[]).some((r) => r.ok === false),
      'failed results of the muted check are stored',
    );
    const audit = await k.db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE subject = $1 AND action = 'incident.alert.silenced'",
      [home.id],
    );
    assert.equal(audit.length, 1);
    portal.failing.delete('homepage');
    portal.failing.delete('search');
  });

  it('muting never hides an incident a user appeal opened', async () => {
    const lotsMute = await api('POST', '/api/v1/mutes', { body: { module: 'portal/lots', reason: 'release', for: '1h' } });
    assert.equal(lotsMute.status, 201);
    const appeal = await api('POST', '/api/v1/appeals', {
      token: null,
      body: {
        organisation: 'ТОО Поставщик',
        binIin: '990740000683',
        email: 'supplier@example.kz',
        phone: '+7 701 123 45 67',
        description: 'Карточка лота не открывается',
        detectedAt: formatAstana(Date.now() - 60_000),
        system: 'portal',
        module: 'lots',
      },
    });
    assert.equal(appeal.status, 201, appeal.text);
    const inc = await incidentOf('lots', 'appeal');
    await waitFor(() => alertsOf(inc.id).length > 0, { what: "the appeal incident's alert", timeoutMs: 30_000 });
    const t = (await api('GET', `/api/v1/incidents/${inc.id}`)).body.timeline as Json[];
    assert.equal(t.filter((e) => e.action === 'alert.silenced').length, 0);
  });

  it('a maintenance window silences the alerts of what it covers, and availability counts it apart', async () => {
    const start = Date.now() - 60_000;
    const w = await api('POST', '/api/v1/maintenance', {
      body: {
        system: 'portal',
        modules: ['auth'],
        startsAt: formatAstana(start),
        endsAt: formatAstana(start + 3_600_000),
        description: { ru: 'Обновление подсистемы входа', kk: 'Кіру жүйесін жаңарту' },
        responsible: [{ name: 'Дежурный', email: 'duty@operator.kz' }],
      },
    });
    assert.equal(w.status, 201, w.text);
    portal.failing.add('auth');
    const inc = await incidentOf('auth');
    const t = await waitFor(
      async () => ((await api('GET', `/api/v1/incidents/${inc.id}`)).body.timeline as Json[]).find((e) => e.action === 'alert.silenced'),
      { what: 'silenced by maintenance', timeoutMs: 20_000 },
    );
    assert.equal(t.after.kind, 'maintenance');
    assert.equal(t.after.id, w.body.id);
    assert.deepEqual(alertsOf(inc.id), []);
    portal.failing.delete('auth');
    const today = astanaDate(Date.now());
    const av = await api('GET', `/api/v1/availability?from=${today}&to=${today}`, { token: viewer });
    assert.equal(av.status, 200, av.text);
    const auth = (av.body.modules as Json[]).find((m) => m.module === 'auth') as Json;
    assert.ok(auth.total.maintenanceMs > 0, 'the window is counted as maintenance');
    assert.equal(auth.total.downMs, 0, 'failures inside the window are not downtime');
    const home = (av.body.modules as Json[]).find((m) => m.module === 'homepage') as Json;
    assert.ok(home.total.downMs > 0, 'a mute is no maintenance: the muted check’s failures are downtime');
  });

  /** A signed-in console session: cookies kept, redirects not followed. */
  async function consoleSession(username: string) {
    const cookies = new Map<string, string>();
    const req = async (method: string, path: string, form?: Record<string, string>) => {
      const res = await fetch(`${k.url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...(cookies.size ? { cookie: [...cookies].map(([a, b]) => `${a}=${b}`).join('; ') } : {}),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [name, ...v] = (pair as string).split('=');
        cookies.set(name as string, v.join('='));
      }
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    };
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const login = await req('GET', '/console/login');
    const signed = await req('POST', '/console/login', { _csrf: csrf(login.text), username, password: 'correct horse battery staple' });
    assert.equal(signed.status, 303);
    return { req, csrf };
  }

  it('the console: who is on call in kk and ru, the board shows the muted check, an operator mutes and unmutes', async () => {
    await createUser(k.db, { username: 'duty', password: 'correct horse battery staple', role: 'operator' }, { id: 'system:test' });
    const c = await consoleSession('duty');
    const kk = await c.req('GET', '/console/oncall?lang=kk');
    assert.equal(kk.status, 200);
    assert.match(kk.text, /<h1>Кезекшілік<\/h1>/);
    assert.match(kk.text, /Қазір кезекші: <strong data-oncall="(aigerim|bolat)">/);
    assert.match(kk.text, /shifts\.ics\?expires(=|&#x3D;)\d+&amp;sig(=|&#x3D;)/);
    const ru = await c.req('GET', '/console/oncall?lang=ru');
    assert.match(ru.text, /Сейчас дежурит: <strong data-oncall="(aigerim|bolat)">/);
    assert.match(ru.text, new RegExp(`data-mute="${homeMute.id}" data-state="active"`));
    const board = await c.req('GET', '/console?lang=ru');
    const rowOf = (key: string) => board.text.split('</tr>').find((r) => r.includes(`<tr data-check="${key}">`)) ?? '';
    assert.match(rowOf('portal/homepage/http'), /data-muted title="flapping: vendor ticket 42 \([^)]+\)">заглушено до /);
    assert.doesNotMatch(rowOf('portal/search/http'), /data-muted/);
    const bad = await c.req('POST', '/console/mutes', {
      _csrf: c.csrf(ru.text),
      scope: 'target',
      subject: 'portal/search',
      reason: '',
      for: '1h',
    });
    assert.equal(bad.status, 400);
    const made = await c.req('POST', '/console/mutes', {
      _csrf: c.csrf(ru.text),
      scope: 'target',
      subject: 'portal/search',
      reason: 'релиз',
      for: '1h',
    });
    assert.equal(made.status, 303);
    const mutes = (await api('GET', '/api/v1/mutes')).body.mutes as Json[];
    const mine = mutes.find((m) => m.subject === 'portal/search') as Json;
    assert.equal(mine.by, 'user:duty');
    const ended = await c.req('POST', `/console/mutes/${mine.id}/end`, { _csrf: c.csrf(ru.text) });
    assert.equal(ended.status, 303);
    assert.equal(
      (await api('GET', '/api/v1/mutes')).body.mutes.some((m: Json) => m.id === mine.id),
      false,
    );
  });

  it('a mute ends by itself; unmute ends one early, once; both audited with the address', async () => {
    const short = await api('POST', '/api/v1/mutes', { body: { target: 'portal/search', reason: 'deploy', for: 1 } });
    assert.equal(short.status, 201);
    await new Promise((r) => setTimeout(r, 1200));
    const active = await api('GET', '/api/v1/mutes', { token: viewer });
    assert.equal(
      (active.body.mutes as Json[]).some((m) => m.id === short.body.id),
      false,
    );
    const all = await api('GET', '/api/v1/mutes?all=1', { token: viewer });
    assert.equal((all.body.mutes as Json[]).find((m) => m.id === short.body.id)?.state, 'expired');

    const ended = await api('DELETE', `/api/v1/mutes/${homeMute.id}`);
    assert.equal(ended.status, 200);
    assert.equal(ended.body.state, 'unmuted');
    assert.equal((await api('DELETE', `/api/v1/mutes/${homeMute.id}`)).status, 409);
    assert.equal((await api('DELETE', '/api/v1/mutes/mute_nope')).status, 404);
    const systems = await api('GET', '/api/v1/systems', { token: viewer });
    assert.equal(systems.body.systems[0].targets[0].checks[0].muted, null);
    const audit = await k.db.query<{ action: string; ip: string | null }>(
      "SELECT action, ip FROM audit_log WHERE subject = $1 AND action LIKE 'mute.%' ORDER BY id",
      [homeMute.id],
    );
    assert.deepEqual(
      audit.map((a) => a.action),
      ['mute.create', 'mute.end'],
    );
    assert.ok(audit.every((a) => a.ip && /127\.0\.0\.1/.test(a.ip)));
  });
});
