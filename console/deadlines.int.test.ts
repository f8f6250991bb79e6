/**
 * `/console/deadlines` on a full kuzet (PGlite in memory, the real Redis): a signed-in viewer pastes
 * the JSON of `kuzet deadlines` and reads the same table the CLI prints, in the page's language;
 * bad input is shown in the form, naming the field and, for the policy, the allowed values.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, tempDir, uniqueName } from '../test/support.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { createUser } from './users.repo.ts';

const PASSWORD = 'correct horse battery staple';
const EXAMPLE = readFileSync(new URL('../docs/examples/deadlines-medium.json', import.meta.url), 'utf8');

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
      const [k, ...v] = ((c.split(';')[0] as string) ?? '').split('=');
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
}

const cells = (html: string) =>
  [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...(m[1] as string).matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1]));

describe('console: deadlines page', () => {
  let k: KuzetHandle;
  const prefix = uniqueName('kzdeadl');
  const dir = tempDir();
  const c = () => new Client(k.url);

  before(async () => {
    const config = parseConfig(JSON.stringify({ redis: { prefix }, storage: { dataDir: 'memory://' } }), PROBES, {});
    k = await startKuzet({
      config,
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      workers: false,
      env: {},
      artifactsDir: join(dir.path, 'a'),
    });
    await createUser(k.db, { username: 'vera', role: 'viewer', password: PASSWORD }, { id: 'test' });
  });
  after(async () => {
    await k?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  async function signedIn(lang: 'kk' | 'ru'): Promise<Client> {
    const cl = c();
    const login = await cl.req('GET', `/console/login?lang=${lang}`);
    const r = await cl.req('POST', '/console/login', { _csrf: Client.csrf(login.text), username: 'vera', password: PASSWORD });
    assert.equal(r.status, 303);
    return cl;
  }

  it('needs a session', async () => {
    const r = await c().req('GET', '/console/deadlines');
    assert.equal(r.status, 302);
  });

  it('computes the worked example into the table, in Russian', async () => {
    const cl = await signedIn('ru');
    const page = await cl.req('GET', '/console/deadlines');
    assert.equal(page.status, 200);
    assert.match(page.text, /<a href="\/console\/deadlines" class="current">Сроки закупок<\/a>/);
    assert.ok(page.text.includes('&quot;ANN-1001&quot;'), 'the form starts with the worked example');
    const r = await cl.req('POST', '/console/deadlines', { _csrf: Client.csrf(page.text), input: EXAMPLE });
    assert.equal(r.status, 200);
    assert.match(r.text, /Продление сроков закупок: правила portal-692, уровень критичности: средний, длительность 600 мин\./);
    const rows = cells(r.text);
    assert.deepEqual(rows[0], ['Закупка', 'Срок', 'Было', 'Стало', 'Правило', 'Пункт']);
    assert.deepEqual(rows[1], [
      'ANN-1001',
      'окончание приема заявок',
      '2026-06-10 18:00:00',
      '2026-06-11 18:00:00',
      'EX-M-ACCEPT-OVER',
      '001 §14.7',
    ]);
    assert.equal(rows.length, 7);
  });

  it('in Kazakh', async () => {
    const cl = await signedIn('kk');
    const page = await cl.req('GET', '/console/deadlines');
    const r = await cl.req('POST', '/console/deadlines', { _csrf: Client.csrf(page.text), input: EXAMPLE });
    assert.deepEqual(cells(r.text)[0], ['Сатып алу', 'Мерзім', 'Бұрынғы', 'Жаңа', 'Қағида', 'Тармақ']);
    assert.match(r.text, /күрделілік деңгейі: орташа/);
  });

  it('shows a missing policy in the form with the allowed values, keeping the input', async () => {
    const cl = await signedIn('ru');
    const page = await cl.req('GET', '/console/deadlines');
    const input = JSON.stringify({ ...JSON.parse(EXAMPLE), policy: undefined });
    const r = await cl.req('POST', '/console/deadlines', { _csrf: Client.csrf(page.text), input });
    assert.equal(r.status, 400);
    assert.match(r.text, /<li data-field="policy"><code>policy<\/code>: required: one of portal-692, energy-366<\/li>/);
    assert.match(r.text, /aria-invalid="true"/);
    assert.ok(r.text.includes('&quot;ANN-1001&quot;'), 'what was typed is kept');
    const bad = await cl.req('POST', '/console/deadlines', { _csrf: Client.csrf(page.text), input: '{"policy":' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /<li data-field="input"><code>input<\/code>: not valid JSON/);
  });
});
