/**
 * Single sign-on end to end, without the internet: a real OpenID Connect provider (`oidc-provider`)
 * in this process on 127.0.0.1:0 with a test client and accounts whose `groups` claim is mapped to
 * roles, a full kuzet (PGlite, the real Redis), and a hand-driven browser (fetch, redirects followed
 * one by one, a cookie jar) that signs in on the provider's own login form.
 *
 * Covers: a mapped person lands on /console signed in with the highest mapped role; an unmapped one
 * gets 403 and no session; a missing, tampered, replayed or foreign state gets 400; the provider's
 * refusal is shown; a role change at the provider is applied and audited with before/after; the
 * sign-in is audited with method, who and IP; the password form refuses an SSO account; a provider
 * name never takes over a local account; sign-out everywhere ends an SSO session; signing out of an
 * SSO session ends the provider's session too (RP-initiated logout), a password session stays local.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Provider from 'oidc-provider';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, tempDir, uniqueName } from '../test/support.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { LABELS } from './i18n.ts';
import { OidcClients } from './sso.ts';
import { createUser, setPassword } from './users.repo.ts';

const CLIENT_ID = 'kuzet-console';
const CLIENT_SECRET = 'a-client-secret-for-the-test-provider';
const PASSWORD = 'correct horse battery staple';

/** The provider's people; `groups` is read on every sign-in, so a test may change it. */
const ACCOUNTS: Record<string, { preferred_username: string; name: string; groups: string[] }> = {
  'sub-aigerim': { preferred_username: 'aigerim', name: 'Айгерим Сейткали', groups: ['staff', 'kuzet-operators'] },
  'sub-dana': { preferred_username: 'dana', name: 'Дана Омарова', groups: ['kuzet-viewers', 'kuzet-admins'] },
  'sub-bolat': { preferred_username: 'bolat', name: 'Болат Ержанов', groups: ['staff'] },
  'sub-erlan': { preferred_username: 'erlan', name: 'Ерлан Нуров', groups: ['kuzet-viewers'] },
  'sub-impostor': { preferred_username: 'ada', name: 'Not the local Ada', groups: ['kuzet-admins'] },
  'sub-saule': { preferred_username: 'saule', name: 'Сауле', groups: ['kuzet-operators'] },
  'sub-gulnar': { preferred_username: 'gulnar', name: 'Гүлнар Әбілқайыр', groups: ['kuzet-viewers'] },
};

type Res = { status: number; location: string | null; text: string; setCookies: string[]; url: string };

/** A browser by hand: one cookie jar (cookies do not depend on the port), redirects followed one by one. */
class Browser {
  jar = new Map<string, string>();
  constructor(
    readonly kuzet: string,
    readonly ip: string,
  ) {}

  async req(url: string, o: { method?: string; form?: Record<string, string> } = {}): Promise<Res> {
    const headers: Record<string, string> = {};
    // kuzet sits behind a proxy here (X-Forwarded-For), so each test has its own address for throttling and the audit log.
    if (url.startsWith(this.kuzet)) headers['x-forwarded-for'] = this.ip;
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (o.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: o.method ?? (o.form ? 'POST' : 'GET'),
      headers,
      redirect: 'manual',
      ...(o.form ? { body: new URLSearchParams(o.form).toString() } : {}),
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair as string).split('=');
      const value = v.join('=');
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.jar.delete((k as string).trim());
      else this.jar.set((k as string).trim(), value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), setCookies, url };
  }

  /**
   * Starts SSO on kuzet and goes through the provider (its login form with `login`, then its consent
   * form) up to the redirect back to kuzet's callback, which is returned, not yet followed.
   */
  async toCallback(login: string, start = '/console/login/oidc'): Promise<string> {
    let url = `${this.kuzet}${start}`;
    for (let hop = 0; hop < 20; hop++) {
      if (url.startsWith(`${this.kuzet}/console/login/oidc/callback`)) return url;
      const r = await this.req(url);
      if (r.status >= 300 && r.status < 400 && r.location) {
        url = new URL(r.location, url).href;
        continue;
      }
      const action = /<form[^>]*action="([^"]+)"/.exec(r.text)?.[1];
      assert.ok(
        r.status === 200 && action,
        `expected a redirect or the provider's form at ${url}, got ${r.status}: ${r.text.slice(0, 300)}`,
      );
      const form: Record<string, string> = {};
      for (const m of r.text.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
        form[m[1] as string] = m[2] as string;
      if (/name="login"/.test(r.text)) Object.assign(form, { login, password: 'any password' });
      const posted = await this.req(new URL(action.replace(/&amp;/g, '&'), url).href, { form });
      assert.ok(posted.location, `the provider answered its form with ${posted.status}: ${posted.text.slice(0, 300)}`);
      url = new URL(posted.location, url).href;
    }
    throw new Error('too many hops before the callback');
  }

  /** Signs in through the provider; returns the callback's answer. */
  async sso(login: string, start?: string): Promise<Res> {
    return this.req(await this.toCallback(login, start));
  }

  session = () => this.jar.get('kuzet_session');
}

/** The provider, listening before it exists so its issuer (with the port) is known to kuzet's config. */
async function listen(): Promise<{ server: Server; url: string; handle(h: (req: IncomingMessage, res: ServerResponse) => void): void }> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.writeHead(503).end();
  const server = createServer((q, s) => handler(q, s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, handle: (h) => (handler = h) };
}

describe('console single sign-on (OIDC)', () => {
  let k: KuzetHandle;
  let idp: Awaited<ReturnType<typeof listen>>;
  const prefix = uniqueName('kzsso');
  const dir = tempDir();
  const auditOf = (subject: string) =>
    k.db.query<{ actor: string; ip: string | null; action: string; before: unknown; after: Record<string, unknown> | null }>(
      'SELECT actor, ip, action, before, after FROM audit_log WHERE subject = $1 ORDER BY id',
      [subject],
    );

  before(async () => {
    idp = await listen();
    const config = parseConfig(
      JSON.stringify({
        server: { trustedProxies: ['127.0.0.1/32'] },
        redis: { prefix },
        storage: { dataDir: 'memory://' },
        console: {
          oidc: {
            issuer: idp.url,
            clientId: CLIENT_ID,
            clientSecret: '${KUZET_TEST_OIDC_SECRET}',
            scopes: ['openid', 'profile', 'groups'],
            roles: { 'kuzet-viewers': 'viewer', 'kuzet-operators': 'operator', 'kuzet-admins': 'admin' },
          },
        },
      }),
      PROBES,
      { KUZET_TEST_OIDC_SECRET: CLIENT_SECRET },
    );
    k = await startKuzet({
      config,
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      workers: false,
      env: {},
      artifactsDir: join(dir.path, 'artifacts'),
    });
    await createUser(k.db, { username: 'ada', role: 'admin', password: PASSWORD }, { id: 'test' });

    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const provider = new Provider(idp.url, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${k.url}/console/login/oidc/callback`],
          post_logout_redirect_uris: [`${k.url}/console/login`],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [{ ...key, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
      cookies: { keys: ['a cookie key for the test provider'] },
      claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
      // Claims of the granted scopes go into the ID token itself (as Keycloak's mappers do).
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      async findAccount(_ctx, sub) {
        const a = ACCOUNTS[sub];
        return a ? { accountId: sub, claims: async () => ({ sub, ...a }) } : undefined;
      },
    });
    idp.handle(provider.callback());
  });

  after(async () => {
    await k?.close();
    await new Promise((r) => idp?.server.close(r));
    idp?.server.closeAllConnections();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('shows “Sign in with SSO” beside the password form, in Kazakh and in Russian', async () => {
    const b = new Browser(k.url, '203.0.113.1');
    const kk = await b.req(`${k.url}/console/login?next=%2Fconsole%2Fincidents`);
    assert.equal(kk.status, 200);
    // Handlebars writes "=" as &#x3D; in attributes; the browser reads it back as "=".
    assert.match(
      kk.text,
      new RegExp(`<a class="button" href="/console/login/oidc\\?next&#x3D;%2Fconsole%2Fincidents" data-sso>${LABELS.kk.ssoButton}</a>`),
    );
    assert.match(kk.text, /name="password"/, 'the password form stays');
    const ru = await b.req(`${k.url}/console/login?lang=ru`);
    assert.match(ru.text, new RegExp(`data-sso>${LABELS.ru.ssoButton}<`));
    assert.equal(LABELS.ru.ssoButton, 'Войти через SSO');
    assert.equal(LABELS.kk.ssoButton, 'SSO арқылы кіру');
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, keeping the state in an HttpOnly cookie', async () => {
    const b = new Browser(k.url, '203.0.113.2');
    const r = await b.req(`${k.url}/console/login/oidc?next=%2Fconsole%2Fetps`);
    assert.equal(r.status, 302);
    const auth = new URL(r.location as string);
    assert.equal(auth.origin, idp.url);
    const p = auth.searchParams;
    assert.equal(p.get('client_id'), CLIENT_ID);
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('redirect_uri'), `${k.url}/console/login/oidc/callback`);
    assert.equal(p.get('scope'), 'openid profile groups');
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.match(p.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((p.get('nonce') ?? '').length >= 32);
    const cookie = r.setCookies.find((c) => c.startsWith('kuzet_oidc_state='));
    assert.ok(cookie, r.setCookies.join(' | '));
    assert.equal(cookie.split(';')[0], `kuzet_oidc_state=${p.get('state')}`);
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /samesite=lax/i);
    assert.match(cookie, /path=\/console\/login\/oidc/i);
    // The verifier never leaves the server: nothing in the URL or the cookies carries it.
    const rows = await k.db.query<{ code_verifier: string }>('SELECT code_verifier FROM console_oidc_logins');
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(!r.location?.includes(row.code_verifier) && !cookie.includes(row.code_verifier));
  });

  it('signs a mapped person in with the highest mapped role, the same session cookie as the password form, and audits it', async () => {
    const b = new Browser(k.url, '203.0.113.3');
    const cb = await b.sso('sub-aigerim', '/console/login/oidc?next=%2Fconsole%2Fincidents');
    assert.equal(cb.status, 302, cb.text.slice(0, 500));
    assert.equal(cb.location, '/console/incidents');
    const cookie = cb.setCookies.find((c) => c.startsWith('kuzet_session='));
    assert.ok(cookie, cb.setCookies.join(' | '));
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /samesite=lax/i);
    assert.ok(
      cb.setCookies.some((c) => /^kuzet_oidc_state=;/.test(c)),
      'the state cookie is cleared',
    );
    const board = await b.req(`${k.url}/console`);
    assert.equal(board.status, 200);
    assert.match(board.text, /data-user="aigerim"/);
    const [user] = await k.db.query<{ role: string; name: string; password_hash: string; oidc_issuer: string; oidc_subject: string }>(
      "SELECT role, name, password_hash, oidc_issuer, oidc_subject FROM console_users WHERE username = 'aigerim'",
    );
    assert.deepEqual(user, {
      role: 'operator',
      name: 'Айгерим Сейткали',
      password_hash: '',
      oidc_issuer: idp.url,
      oidc_subject: 'sub-aigerim',
    });

    const dana = new Browser(k.url, '203.0.113.4');
    assert.equal((await dana.sso('sub-dana')).location, '/console');
    const admin = await dana.req(`${k.url}/console/users`);
    assert.equal(admin.status, 200, 'kuzet-admins beats kuzet-viewers: dana is admin');
    assert.match(admin.text, /data-username="aigerim"[^]*?data-sso>SSO</);

    const log = await auditOf('aigerim');
    assert.deepEqual(
      log.map((a) => a.action),
      ['user.create', 'console.sign-in'],
    );
    assert.equal(log[0]?.actor, 'system:oidc');
    assert.deepEqual(log[1], {
      actor: 'user:aigerim',
      ip: '203.0.113.3',
      action: 'console.sign-in',
      before: null,
      after: { method: 'oidc', role: 'operator', issuer: idp.url },
    });
  });

  it('refuses a person whose groups map to no role with 403 and no session; there is no default role', async () => {
    const b = new Browser(k.url, '203.0.113.5');
    const cb = await b.sso('sub-bolat');
    assert.equal(cb.status, 403);
    assert.ok(cb.text.includes(LABELS.kk.ssoNoRole.replace('{claim}', 'groups')), cb.text.slice(0, 800));
    assert.ok(!cb.setCookies.some((c) => c.startsWith('kuzet_session=')), 'no session cookie');
    assert.equal(b.session(), undefined);
    const board = await b.req(`${k.url}/console`);
    assert.equal(board.status, 302);
    assert.match(board.location ?? '', /^\/console\/login/);
    assert.equal((await k.db.query("SELECT 1 FROM console_users WHERE username = 'bolat'")).length, 0, 'no account is made');
    const log = await auditOf('bolat');
    assert.equal(log.length, 1);
    assert.equal(log[0]?.action, 'console.sign-in-refused');
    assert.equal(log[0]?.ip, '203.0.113.5');
    assert.deepEqual(log[0]?.after, { method: 'oidc', reason: 'no-role', issuer: idp.url, sub: 'sub-bolat', claimValues: ['staff'] });
  });

  it('refuses a missing, tampered, foreign or replayed state with 400 and a clear message, and opens no session', async () => {
    const badState = async (b: Browser, url: string) => {
      const r = await b.req(url);
      assert.equal(r.status, 400, `${url}: ${r.text.slice(0, 300)}`);
      assert.ok(r.text.includes(LABELS.kk.ssoBadState), r.text.slice(0, 800));
      assert.ok(!r.setCookies.some((c) => c.startsWith('kuzet_session=')));
      assert.equal((await b.req(`${k.url}/console`)).status, 302, 'not signed in');
    };
    const tampered = new Browser(k.url, '203.0.113.6');
    const cb = new URL(await tampered.toCallback('sub-saule'));
    const good = cb.searchParams.get('state') as string;
    cb.searchParams.set('state', `${good.slice(0, -2)}xy`);
    await badState(tampered, cb.href);

    const missing = new Browser(k.url, '203.0.113.7');
    const cb2 = new URL(await missing.toCallback('sub-saule'));
    cb2.searchParams.delete('state');
    await badState(missing, cb2.href);

    // The answer completes only in the browser that started the sign-in (the state cookie binds it).
    const starter = new Browser(k.url, '203.0.113.8');
    const foreignUrl = await starter.toCallback('sub-saule');
    await badState(new Browser(k.url, '203.0.113.9'), foreignUrl);

    // Used once: the same answer replayed in the same browser is refused.
    const once = new Browser(k.url, '203.0.113.10');
    const url = await once.toCallback('sub-saule');
    const cookie = once.jar.get('kuzet_oidc_state') as string;
    assert.equal((await once.req(url)).status, 302);
    once.jar.delete('kuzet_session');
    once.jar.set('kuzet_oidc_state', cookie);
    await badState(once, url);

    const failures = await k.db.query<{ after: { reason: string } }>(
      "SELECT after FROM audit_log WHERE action = 'console.sign-in-failed' AND ip LIKE '203.0.113.%' ORDER BY id",
    );
    assert.deepEqual(
      failures.map((f) => f.after.reason),
      ['state mismatch', 'state missing', 'no state cookie', 'state unknown or expired'],
    );
  });

  it('shows the provider’s refusal (error=access_denied) as 403', async () => {
    const b = new Browser(k.url, '203.0.113.11');
    const start = await b.req(`${k.url}/console/login/oidc`);
    const state = new URL(start.location as string).searchParams.get('state') as string;
    const r = await b.req(
      `${k.url}/console/login/oidc/callback?error=access_denied&error_description=${encodeURIComponent('the user said no')}&state=${state}`,
    );
    assert.equal(r.status, 403);
    assert.ok(r.text.includes(LABELS.kk.ssoRefused.replace('{reason}', 'access_denied: the user said no')), r.text.slice(0, 800));
    assert.equal(b.session(), undefined);
  });

  it('applies a role change made at the provider on the next sign-in and audits it with before and after', async () => {
    const first = new Browser(k.url, '203.0.113.12');
    assert.equal((await first.sso('sub-erlan')).status, 302);
    assert.match((await first.req(`${k.url}/console`)).text, /data-user="erlan"/);
    assert.equal((await first.req(`${k.url}/console/users`)).status, 403, 'a viewer');

    (ACCOUNTS['sub-erlan'] as { groups: string[] }).groups = ['kuzet-operators'];
    const second = new Browser(k.url, '203.0.113.13');
    assert.equal((await second.sso('sub-erlan')).status, 302);
    const log = await auditOf('erlan');
    assert.deepEqual(
      log.map((a) => a.action),
      ['user.create', 'console.sign-in', 'user.role', 'console.sign-in'],
    );
    assert.deepEqual(log[2], {
      actor: 'system:oidc',
      ip: '203.0.113.13',
      action: 'user.role',
      before: { role: 'viewer' },
      after: { role: 'operator', source: 'oidc', claimValues: ['kuzet-operators'] },
    });
    assert.equal(log[3]?.after?.role, 'operator');

    // Losing every mapped group at the provider: refused, the account keeps no new session.
    (ACCOUNTS['sub-erlan'] as { groups: string[] }).groups = [];
    const third = new Browser(k.url, '203.0.113.14');
    assert.equal((await third.sso('sub-erlan')).status, 403);
    assert.equal(third.session(), undefined);
  });

  it('refuses the password form for an SSO account (same answer as a wrong password) and an admin cannot set its password', async () => {
    const sso = new Browser(k.url, '203.0.113.15');
    assert.equal((await sso.sso('sub-saule')).status, 302);
    const b = new Browser(k.url, '203.0.113.16');
    // Any password is refused, the one an SSO account has not (empty) among them.
    for (const password of [PASSWORD, '']) {
      const page = await b.req(`${k.url}/console/login`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
      const r = await b.req(`${k.url}/console/login`, { form: { _csrf: csrf, username: 'saule', password } });
      assert.equal(r.status, 401);
      assert.ok(r.text.includes(LABELS.kk.wrongPassword));
      assert.equal(b.session(), undefined);
    }
    const refused = (await auditOf('saule')).filter((a) => a.action === 'console.sign-in-refused');
    assert.equal(refused.length, 2);
    assert.deepEqual(refused[0]?.after, { reason: 'sso-account' });
    await assert.rejects(
      setPassword(k.db, 'saule', 'a brand new password here', { id: 'test' }, new Date()),
      /"saule" signs in through single sign-on/,
    );
  });

  it('never lets a provider name take over a local account', async () => {
    const b = new Browser(k.url, '203.0.113.17');
    const cb = await b.sso('sub-impostor');
    assert.equal(cb.status, 403);
    assert.ok(cb.text.includes(LABELS.kk.ssoNameTaken.replace('{name}', 'ada')), cb.text.slice(0, 800));
    assert.equal(b.session(), undefined);
    const [ada] = await k.db.query<{ oidc_subject: string | null; name: string | null }>(
      "SELECT oidc_subject, name FROM console_users WHERE username = 'ada'",
    );
    assert.deepEqual(ada, { oidc_subject: null, name: null });
  });

  it('discovers the provider once, and again after a failure rather than keeping it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const down = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const clients = new OidcClients();
    const settings = (issuer: string) => ({
      issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scopes: ['openid'],
      usernameClaim: 'preferred_username',
      roleClaim: 'groups',
      roles: { a: 'admin' as const },
    });
    await assert.rejects(clients.get(settings(down)), /fetch failed|ECONNREFUSED/);
    const up = clients.get(settings(idp.url));
    assert.equal((await up).serverMetadata().issuer, idp.url);
    assert.equal(clients.get(settings(idp.url)), up, 'the same settings reuse the discovery');
    await assert.rejects(clients.get(settings(down)));
    assert.notEqual(clients.get(settings(idp.url)), up, 'after other settings failed, the provider is discovered again');
  });

  it('ends an SSO session with sign-out everywhere', async () => {
    const a = new Browser(k.url, '203.0.113.18');
    const c = new Browser(k.url, '203.0.113.19');
    await a.sso('sub-aigerim');
    await c.sso('sub-aigerim');
    const page = await a.req(`${k.url}/console`);
    assert.equal(page.status, 200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const out = await a.req(`${k.url}/console/logout-everywhere`, { form: { _csrf: csrf } });
    assert.equal(out.status, 303);
    assert.equal((await c.req(`${k.url}/console`)).status, 302, 'the other device is signed out too');
  });

  it('signs an SSO user out at the provider too: end-session endpoint with id_token_hint and post_logout_redirect_uri', async () => {
    const b = new Browser(k.url, '203.0.113.20');
    assert.equal((await b.sso('sub-gulnar')).status, 302);
    // Signed in at the provider: without kuzet's cookie, a new SSO start comes straight back to kuzet's callback, no login form.
    b.jar.delete('kuzet_session');
    assert.ok(!(await reachesLoginForm(b)), 'the provider session is alive before sign-out');
    assert.ok(b.session(), 'signed in to kuzet again through the provider session');

    const page = await b.req(`${k.url}/console`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const out = await b.req(`${k.url}/console/logout`, { form: { _csrf: csrf } });
    assert.equal(out.status, 303);
    const end = new URL(out.location as string);
    assert.equal(`${end.origin}${end.pathname}`, `${idp.url}/session/end`);
    assert.equal(end.searchParams.get('post_logout_redirect_uri'), `${k.url}/console/login`);
    assert.equal(end.searchParams.get('client_id'), CLIENT_ID);
    const hint = JSON.parse(
      Buffer.from((end.searchParams.get('id_token_hint') as string).split('.')[1] as string, 'base64url').toString(),
    ) as { sub: string; aud: string; iss: string };
    assert.deepEqual([hint.sub, hint.aud, hint.iss], ['sub-gulnar', CLIENT_ID, idp.url]);
    // kuzet's own session ended before the browser left.
    assert.equal(b.session(), undefined);
    assert.equal((await b.req(`${k.url}/console`)).status, 302);
    const last = await k.db.query<{ action: string }>("SELECT action FROM audit_log WHERE actor = 'user:gulnar' ORDER BY id DESC LIMIT 1");
    assert.equal(last[0]?.action, 'console.sign-out');

    // The provider asks to confirm, then sends the browser back to kuzet's sign-in page.
    const confirm = await b.req(end.href);
    assert.equal(confirm.status, 200, confirm.text.slice(0, 300));
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.text)?.[1] as string;
    const form: Record<string, string> = { logout: 'yes' };
    for (const m of confirm.text.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
      form[m[1] as string] = m[2] as string;
    const done = await b.req(new URL(action, end).href, { form });
    assert.equal(done.status, 303, done.text.slice(0, 300));
    assert.equal(done.location, `${k.url}/console/login`);
    assert.equal((await b.req(done.location)).status, 200);
    // Signed out at the provider as well: a new SSO sign-in shows the provider's login form again.
    assert.ok(await reachesLoginForm(b), 'the provider asks for the login again');

    // The token was used once: the session row keeps no ID token.
    const kept = await k.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM console_sessions s JOIN console_users u ON u.id = s.user_id WHERE u.username = 'gulnar' AND s.revoked_at IS NOT NULL AND s.oidc_id_token IS NOT NULL",
    );
    assert.equal(kept[0]?.n, 0);
  });

  it('keeps the sign-out of a password session local (no provider involved)', async () => {
    const b = new Browser(k.url, '203.0.113.21');
    const login = await b.req(`${k.url}/console/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1] as string;
    assert.equal((await b.req(`${k.url}/console/login`, { form: { _csrf: csrf, username: 'ada', password: PASSWORD } })).status, 303);
    const page = await b.req(`${k.url}/console`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const out = await b.req(`${k.url}/console/logout`, { form: { _csrf: token } });
    assert.deepEqual([out.status, out.location], [303, '/console/login']);
  });
});

/** Starts SSO and follows redirects: true when the provider shows its login form, false when it comes straight back to kuzet. */
async function reachesLoginForm(b: Browser): Promise<boolean> {
  let url = `${b.kuzet}/console/login/oidc`;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(`${b.kuzet}/console/login/oidc/callback`)) {
      await b.req(url); // complete it, so no pending sign-in is left half done
      return false;
    }
    const r = await b.req(url);
    if (r.status >= 300 && r.status < 400 && r.location) {
      url = new URL(r.location, url).href;
      continue;
    }
    if (/name="login"/.test(r.text)) return true;
    // The consent form: accept and go on.
    const action = /<form[^>]*action="([^"]+)"/.exec(r.text)?.[1];
    assert.ok(action, `unexpected page at ${url}: ${r.status}`);
    const form: Record<string, string> = {};
    for (const m of r.text.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
      form[m[1] as string] = m[2] as string;
    const posted = await b.req(new URL(action.replace(/&amp;/g, '&'), url).href, { form });
    url = new URL(posted.location as string, url).href;
  }
  throw new Error('too many hops');
}
