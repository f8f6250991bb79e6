/**
 * The operator extends an ETP appeal's decision deadline from the console (issue #17 item 11,
 * SLA-E-ETP-RESOLVE, 000 App.4 §1.5): the form on the clock, the bound it shows, the refusals naming
 * the field, and the extension shown on the clock afterwards, audited under the operator's name.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, tempDir, uniqueName } from '../test/support.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { createUser } from './users.repo.ts';

const PASSWORD = 'correct horse battery staple';

/** Keeps cookies, never follows redirects, sends forms. */
class Client {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  async req(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair as string).split('=');
      if (v.join('=') === '') this.cookies.delete(k as string);
      else this.cookies.set(k as string, v.join('='));
    }
    return { status: res.status, text: await res.text() };
  }
  static csrf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    assert.ok(m, 'the page has a CSRF field');
    return m[1] as string;
  }
  async signIn(username: string) {
    const page = await this.req('GET', '/console/login');
    return this.req('POST', '/console/login', { _csrf: Client.csrf(page.text), username, password: PASSWORD });
  }
}

describe('console: extending an ETP appeal decision (SLA-E-ETP-RESOLVE)', () => {
  let k: KuzetHandle;
  const prefix = uniqueName('kzclockext');
  const dir = tempDir();

  before(async () => {
    const config = parseConfig(
      JSON.stringify({
        redis: { prefix },
        storage: { dataDir: 'memory://' },
        systems: {
          'etp-one': {
            name: 'ЭТП Один',
            kind: 'etp',
            policy: 'etp-em',
            modules: ['orders'],
            moduleNames: { orders: { kk: 'Тапсырыстар', ru: 'Заказы' } },
          },
        },
      }),
      PROBES,
      {},
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
    await createUser(k.db, { username: 'oleg', role: 'operator', password: PASSWORD }, { id: 'test' });
    await createUser(k.db, { username: 'vera', role: 'viewer', password: PASSWORD }, { id: 'test' });
  });
  after(async () => {
    await k?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('offers the form with its bound, refuses past it naming dueAt, extends once, then shows the extension and no form', async () => {
    const res = await fetch(`${k.url}/api/v1/appeals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organisation: 'ТОО Сауда',
        binIin: '850101300005',
        email: 'buyer@sauda.kz',
        phone: '+7 701 123 45 67',
        description: 'заказ не подтверждается',
        detectedAt: formatAstana(Date.now() - 60_000),
        system: 'etp-one',
        module: 'orders',
      }),
    });
    assert.equal(res.status, 201);
    const { incidentId } = (await res.json()) as { incidentId: string };
    const [clock] = await k.db.query<{ due_at: Date }>(
      "SELECT due_at FROM incident_clocks WHERE incident_id = $1 AND timer = 'SLA-E-ETP-RESOLVE'",
      [incidentId],
    );
    const original = new Date(clock!.due_at).getTime();
    const limit = original + 15 * 86_400_000; // 15 calendar days, same Astana wall-clock time (no DST)

    const viewer = new Client(k.url);
    await viewer.signIn('vera');
    assert.doesNotMatch((await viewer.req('GET', `/console/incidents/${incidentId}`)).text, /data-extend=/, 'a viewer gets no form');

    const o = new Client(k.url);
    await o.signIn('oleg');
    const page = await o.req('GET', `/console/incidents/${incidentId}`);
    assert.match(page.text, /data-extend="SLA-E-ETP-RESOLVE"/);
    assert.ok(page.text.includes(formatAstana(limit)), 'the form shows the latest allowed due time');
    assert.doesNotMatch(page.text, /data-extend="SLA-E-ETP-REGISTER"/, 'only the decision clock can be extended');
    const csrf = Client.csrf(page.text);
    const wall = (ms: number) => formatAstana(ms).slice(0, 16); // as a datetime-local field sends it, Astana time

    const past = await o.req('POST', `/console/incidents/${incidentId}/clocks/SLA-E-ETP-RESOLVE/extend`, {
      _csrf: csrf,
      dueAt: wall(limit + 60_000),
      reason: 'ждём ответ банка',
    });
    assert.equal(past.status, 400);
    assert.match(past.text, /dueAt: must be at most the original due time \+ 15 calendar days/);

    const ok = await o.req('POST', `/console/incidents/${incidentId}/clocks/SLA-E-ETP-RESOLVE/extend`, {
      _csrf: csrf,
      dueAt: wall(limit),
      reason: 'ждём ответ банка',
    });
    assert.equal(ok.status, 303, ok.text);
    const after = await o.req('GET', `/console/incidents/${incidentId}`);
    assert.match(after.text, /data-extension>[^<]*ждём ответ банка/);
    assert.ok(after.text.includes(formatAstana(original)), 'the original due time is shown');
    assert.doesNotMatch(after.text, /data-extend="SLA-E-ETP-RESOLVE"/, 'no second extension is offered');
    const again = await o.req('POST', `/console/incidents/${incidentId}/clocks/SLA-E-ETP-RESOLVE/extend`, {
      _csrf: Client.csrf(after.text),
      dueAt: wall(limit - 3_600_000),
      reason: 'ещё раз',
    });
    assert.equal(again.status, 400);
    assert.match(again.text, /timer: SLA-E-ETP-RESOLVE may be extended once/);

    const audited = await k.db.query<{ actor: string; after: { dueAt: string; originalDueAt: string } }>(
      "SELECT actor, after FROM audit_log WHERE subject = $1 AND action = 'incident.clock.extended'",
      [incidentId],
    );
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.actor, 'user:oleg');
    assert.equal(audited[0]?.after.dueAt, formatAstana(limit - (limit % 60_000)));
    assert.equal(audited[0]?.after.originalDueAt, formatAstana(original));
  });
});
