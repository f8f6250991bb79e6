/**
 * The public surface attacked from outside (issue #16 items 1, 2, 6, 7, 8, 11): kuzet started for real
 * (`startKuzet`: the HTTP app, Redis, the delivery worker) on PGlite and on PostgreSQL, with a local
 * SMTP peer, and no trusted proxy, so the test client on 127.0.0.1 is an untrusted peer that lies in
 * its forwarded headers. Each attack below succeeded against the build before the fix.
 *
 * The measured numbers go out as test diagnostics (`# appeals accepted in one minute …`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../../core/auth.ts';
import { parseConfig } from '../../core/config.ts';
import { silentLogger } from '../../core/log.ts';
import { startKuzet, type KuzetHandle } from '../../app/start.ts';
import { createUser } from '../../console/users.repo.ts';
import { startSmtp } from '../../notices/test-support.ts';
import { PROBES } from '../../probes/index.ts';
import { dropPgSchema, dropRedisPrefix, PG_URL, tempDir, uniqueName, waitFor } from '../support.ts';
import { liveTags, readRss } from './feed-reader.ts';

const PUBLIC_URL = 'https://status.operator.kz';
const PASSWORD = 'correct horse battery staple';
const APPEALS_PER_IP = 10;
const SUBSCRIBE_PER_IP = 8;
/** The console's failed sign-ins per client address per 15 minutes (console/users.repo.ts). */
const SIGN_IN_FAILURES_PER_IP = 20;

const iso = (ms: number) => `${new Date(ms + 5 * 3_600_000).toISOString().slice(0, 19)}+05:00`;
const appeal = (n: number) => ({
  organisation: `ТОО Ромашка ${n}`,
  binIin: '850101300005',
  email: `buyer${n}@romashka.kz`,
  phone: '+7 701 123 45 67',
  description: `поиск не работает (${n})`,
  detectedAt: iso(Date.now() - 60_000),
  system: 'portal',
  module: 'search',
});

/** Forwarded headers an attacker sets to pass for someone else. */
const spoof = (i: number): Record<string, string> => ({
  'x-forwarded-for': `198.51.100.${i % 250}, 203.0.113.${i % 250}`,
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'http',
  'x-real-ip': `192.0.2.${i % 250}`,
  forwarded: `for=192.0.2.${i % 250};host=evil.example`,
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One raw HTTP request (node:http, so `Host` can be anything, as a raw client sends it). */
function send(base: string, method: string, path: string, o: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method, headers: { ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The README's table of routes and audiences ("Who may call what"). */
function readmeRoutes(): Map<string, string> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Who may call what'));
  const out = new Map<string, string>();
  for (const m of section.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| ([^|]+) \|$/gm))
    out.set(`${m[1]} ${m[2]}`, (m[3] as string).trim());
  return out;
}

/** A concrete path for a route pattern: a plausible value for each parameter, so validation does not answer before authorisation would. */
const SAMPLES: Record<string, string> = {
  id: '1',
  name: 'screenshot.png',
  timer: 'SLA-P-REGISTER',
  username: 'ada',
  op: 'disable',
  n: '0',
  system: 'portal',
  target: 'home',
  check: 'http',
};
const concrete = (pattern: string) => pattern.replace(/:([a-zA-Z]+)/g, (_, p: string) => SAMPLES[p] ?? 'x1');

/** A refusal of a caller without credentials: 401/403, or a console page sending it to the sign-in form. */
const refused = (a: Answer) =>
  a.status === 401 || a.status === 403 || (a.status >= 300 && a.status < 400 && /^\/console\/login/.test(String(a.headers.location ?? '')));

const ENGINES = [
  { name: 'PGlite', postgres: false },
  { name: 'PostgreSQL', postgres: true },
] as const;

for (const engine of ENGINES) {
  describe(`public surface under attack (${engine.name})`, () => {
    let k: KuzetHandle;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let viewer: string;
    let operator: string;
    let incidentId: string;
    const prefix = uniqueName('kzsurface');
    const schema = uniqueName('kz_surface');
    const dir = tempDir();

    before(async () => {
      smtp = await startSmtp();
      const config = parseConfig(
        JSON.stringify({
          // No trusted proxy: every forwarded header from the test client is a lie to be ignored.
          server: { publicUrl: PUBLIC_URL, subscriptions: { perIp: { max: SUBSCRIBE_PER_IP, window: '10m' }, mailEvery: '15m' } },
          redis: { prefix },
          storage: { dataDir: engine.postgres ? dir.path : 'memory://' },
          incidents: { appeals: { perIp: { max: APPEALS_PER_IP, window: '1m' }, perBinIin: { max: 10_000, window: '1m' } } },
          notifications: { channels: [{ id: 'mail', type: 'email', smtpUrl: smtp.url, from: 'kuzet@operator.kz', to: [] }] },
          systems: {
            portal: {
              name: 'Веб-портал госзакупок',
              kind: 'portal',
              policy: 'portal-692',
              modules: ['search'],
              owners: [{ name: 'Минфин', email: 'owner@minfin.kz' }],
              targets: [{ id: 'home', module: 'search', checks: [{ id: 'http', type: 'http', url: 'http://127.0.0.1:9/' }] }],
            },
          },
        }),
        PROBES,
        {},
      );
      const env = engine.postgres ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {};
      k = await startKuzet({
        config,
        log: silentLogger,
        port: 0,
        host: '127.0.0.1',
        workers: false,
        env,
        artifactsDir: `${dir.path}/artifacts`,
      });
      assert.equal(await k.redisReady, true);
      viewer = (await createToken(k.db, { role: 'viewer', name: 'surface viewer' })).token;
      operator = (await createToken(k.db, { role: 'operator', name: 'surface operator' })).token;
      await createUser(k.db, { username: 'lock', role: 'viewer', password: PASSWORD }, { id: 'test' });
    });

    after(async () => {
      await k?.close();
      await smtp?.close();
      await dropRedisPrefix(prefix);
      if (engine.postgres) await dropPgSchema(schema).catch(() => undefined);
      dir.remove();
    });

    it('appeals from one client rotating X-Forwarded-For: the number accepted in a minute equals the per-address limit (#16 item 1)', async (t) => {
      const started = Date.now();
      const answers: Answer[] = [];
      for (let i = 0; i < 3 * APPEALS_PER_IP; i++) answers.push(await send(k.url, 'POST', '/api/v1/appeals', json(appeal(i), spoof(i))));
      const elapsed = Date.now() - started;
      const accepted = answers.filter((a) => a.status === 201);
      const limited = answers.filter((a) => a.status === 429);
      t.diagnostic(
        `appeals accepted in one minute from one client rotating X-Forwarded-For: ${accepted.length} of ${answers.length} sent in ${(elapsed / 1000).toFixed(1)} s (limit ${APPEALS_PER_IP}); ${limited.length} refused with 429`,
      );
      assert.ok(elapsed < 60_000, 'all sent within the one-minute window');
      assert.equal(accepted.length, APPEALS_PER_IP, answers.map((a) => a.status).join(','));
      assert.equal(limited.length, answers.length - APPEALS_PER_IP);
      assert.ok(Number(limited[0]?.headers['retry-after']) > 0, 'Retry-After on the refusal');
      incidentId = (JSON.parse(accepted[0]!.text) as { incidentId: string }).incidentId;
      // The audit log and the appeals keep the address the connection came from, not the one claimed.
      const ips = await k.db.query<{ ip: string | null }>(
        "SELECT DISTINCT ip FROM audit_log WHERE actor LIKE 'public:%' AND ip IS NOT NULL",
      );
      assert.deepEqual(
        ips.map((r) => r.ip),
        ['127.0.0.1'],
      );
      assert.deepEqual(
        (await k.db.query<{ ip: string }>('SELECT DISTINCT ip FROM appeals')).map((r) => r.ip),
        ['127.0.0.1'],
      );
    });

    it('console sign-in: a locked account answers as an unknown one; rotating X-Forwarded-For does not reset the per-address limit (#16 items 1, 8)', async (t) => {
      const jar = new Map<string, string>();
      const signIn = async (username: string, password: string, i: number) => {
        const cookie = () => [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
        const page = await send(k.url, 'GET', '/console/login', { headers: spoof(i) });
        for (const c of ([] as string[]).concat(page.headers['set-cookie'] ?? [])) {
          const [pair] = c.split(';');
          const [n, ...v] = (pair as string).split('=');
          jar.set(n as string, v.join('='));
        }
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
        return send(k.url, 'POST', '/console/login', {
          headers: { ...spoof(i), cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, username, password }).toString(),
        });
      };
      const message = (a: Answer) => /data-error>([^<]*)</.exec(a.text)?.[1];
      for (let i = 0; i < 5; i++) assert.equal((await signIn('lock', `wrong password ${i}`, i)).status, 401);
      const locked = await signIn('lock', PASSWORD, 5);
      const unknown = await signIn('nobody-here', PASSWORD, 6);
      assert.deepEqual(
        [locked.status, message(locked), locked.headers['retry-after']],
        [unknown.status, message(unknown), unknown.headers['retry-after']],
        'locked and unknown answer alike',
      );
      assert.equal(locked.status, 401);
      const lockAudit = await k.db.query<{ action: string; ip: string }>(
        "SELECT action, ip FROM audit_log WHERE subject = 'lock' AND action IN ('console.locked-out', 'console.sign-in-refused') ORDER BY id",
      );
      assert.deepEqual(
        lockAudit.map((a) => [a.action, a.ip]),
        [
          ['console.locked-out', '127.0.0.1'],
          ['console.sign-in-refused', '127.0.0.1'],
        ],
        'the lock holds and is audited with the real address',
      );

      const statuses: number[] = [];
      for (let i = 0; i < SIGN_IN_FAILURES_PER_IP + 5; i++) statuses.push((await signIn(`guess-${i}`, 'password guess', 100 + i)).status);
      const failures = await k.db.query<{ ip: string; n: string | number }>(
        'SELECT ip, count(*) AS n FROM console_login_failures GROUP BY ip',
      );
      t.diagnostic(
        `console sign-in attempts evaluated from one client rotating X-Forwarded-For: ${failures.map((f) => `${f.ip}=${f.n}`).join(', ')} (limit ${SIGN_IN_FAILURES_PER_IP} per 15 min); answers ${statuses.join(',')}`,
      );
      assert.deepEqual(
        failures.map((f) => [f.ip, Number(f.n)]),
        [['127.0.0.1', SIGN_IN_FAILURES_PER_IP]],
      );
      assert.equal(statuses.at(-1), 429);
    });

    it('Host and X-Forwarded-Host poisoning: the confirmation mail links to server.publicUrl (#16 item 1)', async () => {
      const r = await send(
        k.url,
        'POST',
        '/status/subscribe',
        json({ email: 'fan@example.kz', system: 'portal', lang: 'ru' }, { host: 'evil.example', ...spoof(1) }),
      );
      assert.equal(r.status, 202, r.text);
      const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('fan@example.kz')), {
        timeoutMs: 30_000,
        what: 'the confirmation mail',
      });
      assert.match(mail.text, new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/status/subscribe/confirm\\?token=`));
      assert.doesNotMatch(`${mail.text}\n${mail.html}`, /evil\.example/);
    });

    it('/status/subscribe: one mail per address per window whoever asks; requests limited per client address (#16 item 2)', async (t) => {
      const target = 'victim@example.kz';
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await send(k.url, 'POST', '/status/subscribe', json({ email: target, system: 'portal' }, spoof(i)))).status);
      // Other requesters (other processes and addresses) share the per-address window: it lives in the database.
      for (const ip of ['192.0.2.10', '192.0.2.11', '192.0.2.12'])
        await k.notices.subscriptions.subscribe({ email: target, system: 'portal' }, ip);
      // This client has now sent 7 requests (one above, six here); the 8th passes, then 429 whatever it claims to be.
      for (let i = 0; i < 4; i++)
        statuses.push(
          (await send(k.url, 'POST', '/status/subscribe', json({ email: `other${i}@example.kz`, system: 'portal' }, spoof(50 + i)))).status,
        );
      t.diagnostic(`subscribe answers from one client: ${statuses.join(',')}`);
      assert.deepEqual(statuses, [202, 202, 202, 202, 202, 202, 202, 429, 429, 429]);
      await waitFor(() => smtp.mails.some((m) => m.to.includes('other0@example.kz')), {
        timeoutMs: 30_000,
        what: 'the last accepted confirmation',
      });
      await new Promise((r) => setTimeout(r, 500));
      const toTarget = smtp.mails.filter((m) => m.to.includes(target));
      t.diagnostic(`confirmation mails to one address after ${6 + 3} requests from ${6 + 3} claimed addresses: ${toTarget.length}`);
      assert.equal(toTarget.length, 1);
      const pending = await k.db.query<{ state: string }>('SELECT state FROM notice_subscriptions WHERE email = $1', [target]);
      assert.deepEqual(
        pending.map((p) => p.state),
        ['pending'],
        'double opt-in kept: nothing confirmed by the flood',
      );
    });

    it('every route is in the README table; each one not for anyone refuses a caller without credentials (#16 item 6)', async () => {
      const table = readmeRoutes();
      const served = k.routes();
      const missing = served.filter((r) => !table.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(missing, [], 'routes served but not in the README table');
      const stale = [...table.keys()].filter((key) => !served.some((r) => `${r.method} ${r.path}` === key));
      assert.deepEqual(stale, [], 'README rows for routes that are not served');
      const open: string[] = [];
      for (const r of served) {
        const audience = table.get(`${r.method} ${r.path}`) as string;
        if (audience.startsWith('anyone')) continue;
        const path = concrete(r.path);
        const a = r.path.startsWith('/console')
          ? await send(
              k.url,
              r.method,
              path,
              r.method === 'GET' ? {} : { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' },
            )
          : await send(k.url, r.method, path, r.method === 'GET' ? { headers: spoof(1) } : json({}, spoof(1)));
        if (!refused(a)) open.push(`${r.method} ${path} (${audience}) → ${a.status} ${a.text.slice(0, 120)}`);
      }
      assert.deepEqual(open, [], 'private routes answering a caller without credentials');
      // Public, but owners' contacts only for a viewer.
      const anon = await send(k.url, 'GET', '/api/v1/systems');
      assert.equal(anon.status, 200);
      assert.doesNotMatch(anon.text, /owner@minfin\.kz|"owners"|"contacts"/);
      assert.match(
        (await send(k.url, 'GET', '/api/v1/systems', { headers: { authorization: `Bearer ${viewer}` } })).text,
        /owner@minfin\.kz/,
      );
    });

    it('hostile query strings and headers: 400 naming the field, never 500 (#16 items 7, 8)', async () => {
      const results = '/api/v1/checks/portal/home/http/results';
      const cases: [string, string][] = [
        [`${results}?cursor=99999999999999999999999`, 'cursor'],
        [`${results}?cursor=9223372036854775808`, 'cursor'],
        [`${results}?from=${encodeURIComponent('2026-02-30T10:00:00+05:00')}`, 'from'],
        [`${results}?to=${encodeURIComponent('2026-03-01T10:00:00')}`, 'to'],
        ['/api/v1/incidents?cursor=99999999999999999999999', 'cursor'],
        ['/api/v1/incidents?from=2026-02-30T10:00:00Z', 'from'],
        ['/api/v1/notices?cursor=not-a-cursor', 'cursor'],
        ['/api/v1/notices/deliveries?limit=100000', 'limit'],
        ['/api/v1/procurements?cursor=%5B1%5D', 'cursor'],
        ['/api/v1/maintenance?cursor=W10', 'cursor'],
      ];
      for (const [path, field] of cases) {
        const a = await send(k.url, 'GET', path, { headers: { authorization: `Bearer ${viewer}` } });
        assert.equal(a.status, 400, `${path}: ${a.text}`);
        assert.equal((JSON.parse(a.text) as { error: { field: string } }).error.field, field, path);
      }
      assert.equal((await send(k.url, 'GET', `${results}?cursor=9223372036854775807`)).status, 200, 'the largest bigint is still a cursor');
      // A refused console POST with a Referer that is not a URL: the error page, not a 500.
      for (const referer of ['http://[::1', '::::', 'javascript:alert(1)']) {
        const a = await send(k.url, 'POST', '/console/login', {
          headers: { referer, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'username=x&password=y',
        });
        assert.equal(a.status, 403, `${referer}: ${a.status}`);
        assert.doesNotMatch(a.text, /javascript:alert/);
      }
      // The console's same-origin check: another site cannot make itself "same origin" with forwarded headers.
      const form = (origin: string, extra: Record<string, string> = {}) =>
        send(k.url, 'POST', '/console/login', {
          headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...extra },
          body: 'username=x&password=y',
        });
      const forged = await form('http://evil.example', {
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'http',
      });
      assert.equal(forged.status, 403);
      assert.match(forged.text, /cross-site request refused/);
      const ours = await form(PUBLIC_URL);
      assert.equal(ours.status, 403, 'refused for its missing CSRF token, not for its origin');
      assert.doesNotMatch(ours.text, /cross-site request refused/);
    });

    it('RSS: notice text reaches a feed reader as text, links from server.publicUrl whatever the Host (#16 items 1, 8)', async () => {
      const hostile = 'Сбой <script>alert(1)</script><img src=x onerror=alert(2)> &lt;b&gt;';
      const notice = {
        kind: 'incident',
        id: incidentId,
        system: 'portal',
        modules: ['search'],
        policy: 'portal-692',
        level: 'medium',
        phase: 'opened',
        description: { ru: hostile, kk: hostile },
        startedAt: iso(Date.now() - 3_600_000),
        confirmedAt: iso(Date.now() - 60_000),
        plannedFixAt: iso(Date.now() + 7_200_000),
        affected: [],
        recipients: [],
      };
      const draft = await send(k.url, 'POST', '/api/v1/notices', json(notice, { authorization: `Bearer ${operator}` }));
      assert.ok(draft.status === 200 || draft.status === 201, draft.text);
      const noticeId = (JSON.parse(draft.text) as { notice: { id: string } }).notice.id;
      const published = await send(k.url, 'POST', `/api/v1/notices/${noticeId}/publish`, {
        headers: { authorization: `Bearer ${operator}` },
      });
      assert.equal(published.status, 200, published.text);
      await k.notices.site.refresh();
      const rss = await send(k.url, 'GET', '/status.rss?lang=ru', { headers: { host: 'evil.example', ...spoof(2) } });
      assert.equal(rss.status, 200);
      const feed = readRss(rss.text);
      assert.ok(feed.channelLink.startsWith(`${PUBLIC_URL}/`), feed.channelLink);
      const item = feed.items.find((i) => i.descriptionHtml.includes('alert(1)'));
      assert.ok(item, 'the notice is in the feed');
      assert.ok(item.link.startsWith(`${PUBLIC_URL}/`), item.link);
      assert.deepEqual(liveTags(item.descriptionHtml), [], 'no live tag once the XML is decoded');
      assert.doesNotMatch(rss.text, /evil\.example/);
    });
  });
}
