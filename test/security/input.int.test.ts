/**
 * Hostile input against a real `kuzet start`, on PostgreSQL and on PGlite (issue #16 items 3, 4):
 * NUL characters and lone surrogates in any JSON string or key are a 400 naming the field — on the
 * public appeal form and on operator endpoints — never a 500; an appeal or a subscription naming a
 * system or module that is not configured (`nonexistent`, `__proto__`, `constructor`) is a 400
 * listing the allowed values, opens no incident, and no Slack message ever names a system "Object".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, sleep, type Bed } from '../drills/harness.ts';
import { allIncidents, appealBody, ENGINES, startEngineBed, systemWithModules } from './engines.ts';

for (const engine of ENGINES) {
  describe(`hostile input (${engine})`, () => {
    let bed: Bed;
    let sys: { id: string; modules: string[]; ids: string[] };
    const statuses: { what: string; status: number }[] = [];
    const send = async (what: string, method: string, path: string, o: { token?: string; body?: unknown; ip?: string }) => {
      const r = await call(bed.url, method, path, o);
      statuses.push({ what, status: r.status });
      return r as {
        status: number;
        json: { error?: { code: string; message: string; field?: string } } & Record<string, unknown>;
        text: string;
      };
    };

    before(async () => {
      bed = await startEngineBed(engine);
      bed.spawnKuzet('start');
      await bed.waitReady(90_000);
      sys = await systemWithModules(bed);
    });
    after(async () => {
      await bed?.close();
    });

    const unstorable: [string, string, RegExp][] = [
      ['a NUL in a string', 'a\u0000b', /NUL character/],
      ['a lone high surrogate', 'x\ud800y', /lone UTF-16 surrogate/],
      ['a lone low surrogate', '\udfffz', /lone UTF-16 surrogate/],
    ];

    for (const [name, value, message] of unstorable) {
      it(`public appeal: ${name} in any field is a 400 naming it, and opens nothing`, async () => {
        for (const field of ['organisation', 'description', 'email', 'phone']) {
          const r = await send(`appeal ${field}`, 'POST', '/api/v1/appeals', {
            body: appealBody({ [field]: value }),
            ip: `198.51.100.${field.length}`,
          });
          assert.equal(r.status, 400, `${field}: ${r.text}`);
          assert.equal(r.json.error?.field, field);
          assert.match(r.json.error?.message ?? '', message);
        }
        const key = await send('appeal key', 'POST', '/api/v1/appeals', {
          body: { ...appealBody(), [`k${value}`]: 1 },
          ip: '198.51.100.99',
        });
        assert.equal(key.status, 400, key.text);
        assert.match(key.json.error?.message ?? '', /a key must not contain/);
        assert.deepEqual(await allIncidents(bed), []);
      });

      it(`operator endpoints: ${name} is a 400 naming the field (procurements, notices, transitions)`, async () => {
        const proc = await send('procurements', 'POST', '/api/v1/procurements', {
          token: bed.operator,
          body: [
            { announcement: '1', lot: '1', method: 'auction', deadlines: {} },
            { announcement: '2', lot: value, method: 'auction', deadlines: {} },
          ],
        });
        assert.equal(proc.status, 400, proc.text);
        assert.equal(proc.json.error?.field, '[1].lot');
        const notice = await send('notice', 'POST', '/api/v1/notices', {
          token: bed.operator,
          body: { kind: 'incident', id: 'X', system: sys.id, description: { ru: value } },
        });
        assert.equal(notice.status, 400, notice.text);
        assert.equal(notice.json.error?.field, 'description.ru');
        const tr = await send('transition', 'POST', '/api/v1/incidents/INC-2026-000001/transition', {
          token: bed.operator,
          body: { to: 'refuted', evidence: value },
        });
        assert.equal(tr.status, 400, tr.text);
        assert.equal(tr.json.error?.field, 'evidence');
        const sub = await send('subscribe', 'POST', '/status/subscribe', {
          body: { email: 'a@b.kz', system: `${sys.id}${value}` },
          ip: '198.51.100.200',
        });
        assert.equal(sub.status, 400, sub.text);
        assert.equal(sub.json.error?.field, 'system');
      });
    }

    it('form bodies with %00 (status page subscribe form, console sign-in) are a 400 naming the field', async () => {
      const res = await fetch(`${bed.url}/status/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.150' },
        body: `email=a%00b%40c.kz&system=${encodeURIComponent(sys.id)}`,
      });
      const text = await res.text();
      statuses.push({ what: 'subscribe form', status: res.status });
      assert.equal(res.status, 400, text);
      assert.match(text, /email/);
      // The console's sign-in form: the name went to a query as it was (PostgreSQL: 500).
      const login = await fetch(`${bed.url}/console/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: bed.url, 'x-forwarded-for': '198.51.100.151' },
        body: 'username=adm%00in&password=secret',
      });
      const loginText = await login.text();
      statuses.push({ what: 'console login form', status: login.status });
      assert.equal(login.status, 400, loginText);
      assert.match(loginText, /username/);
    });

    it('appeals naming an unknown system or module (nonexistent, __proto__, constructor) are a 400 listing the allowed values; nothing is opened', async () => {
      const cases: [Record<string, unknown>, string, string[]][] = [
        [{ system: 'nonexistent' }, 'system', sys.ids],
        [{ system: '__proto__' }, 'system', sys.ids],
        [{ system: 'constructor' }, 'system', sys.ids],
        [{ system: 'hasOwnProperty' }, 'system', sys.ids],
        [{ system: sys.id, module: 'nonexistent' }, 'module', sys.modules],
        [{ system: sys.id, module: '__proto__' }, 'module', sys.modules],
        [{ system: sys.id, module: 'constructor' }, 'module', sys.modules],
      ];
      let ip = 1;
      for (const [extra, field, allowed] of cases) {
        // JSON.parse makes "__proto__" an own key, as a client sends it.
        const raw = JSON.parse(JSON.stringify(appealBody()).replace(/}$/, `,${JSON.stringify(extra).slice(1)}`)) as unknown;
        const r = await send(`appeal ${JSON.stringify(extra)}`, 'POST', '/api/v1/appeals', { body: raw, ip: `203.0.113.${ip++}` });
        assert.equal(r.status, 400, `${JSON.stringify(extra)}: ${r.text}`);
        assert.equal(r.json.error?.field, field);
        for (const a of allowed) assert.ok(r.json.error?.message.includes(a), `${r.json.error?.message} lists ${a}`);
      }
      assert.deepEqual(await allIncidents(bed), []);
    });

    it('subscriptions naming an unknown system are a 400 listing the systems', async () => {
      for (const [i, system] of ['nonexistent', '__proto__', 'constructor', 'toString'].entries()) {
        const r = await send(`subscribe ${system}`, 'POST', '/status/subscribe', {
          body: { email: `s${i}@b.kz`, system },
          ip: `203.0.113.${100 + i}`,
        });
        assert.equal(r.status, 400, `${system}: ${r.text}`);
        assert.equal(r.json.error?.field, 'system');
        for (const id of sys.ids) assert.ok(r.json.error?.message.includes(id), `${r.json.error?.message} lists ${id}`);
      }
    });

    it('a valid appeal still opens its incident; no Slack message names a system "Object"; no answer was a 500', async () => {
      const ok = await send('valid appeal', 'POST', '/api/v1/appeals', {
        body: appealBody({ system: sys.id, module: sys.modules[0] }),
        ip: '203.0.113.250',
      });
      assert.equal(ok.status, 201, ok.text);
      await sleep(3_000); // the registration alert has had time to go out
      const texts = bed.slack.calls.map((c) => String(c.args.text ?? ''));
      assert.ok(
        texts.some((t) => t.includes(ok.json.incidentId as string)),
        'the valid appeal is announced',
      );
      assert.ok(
        !texts.some((t) => /\bObject\b/.test(t)),
        texts.find((t) => /\bObject\b/.test(t)),
      );
      assert.deepEqual(
        statuses.filter((s) => s.status >= 500 || s.status === 0),
        [],
      );
    });
  });
}
