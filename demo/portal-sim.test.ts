import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { InputError } from '../core/errors.ts';
import { ESHOP_SERVICE_IDS } from '../core/eshop-services.ts';
import { ESHOP_SIM_TARGETS, FAULTS, SIM_TARGETS, startPortalSim, type PortalSim, type SimTarget } from './portal-sim.ts';

const FIXED_NOW = new Date('2026-03-26T04:30:00Z');
const FIXED_ISO = '2026-03-26T09:30:00+05:00';

/** A fresh simulator per test, closed afterwards, so no fault or order leaks between tests. */
async function withSim(fn: (sim: PortalSim) => Promise<void>, slowMs = 150): Promise<void> {
  const sim = await startPortalSim({ port: 0, slowMs, now: () => FIXED_NOW });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

async function get(sim: PortalSim, path: string, init?: RequestInit) {
  const res = await fetch(sim.url + path, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

async function post(sim: PortalSim, path: string, body: string) {
  return get(sim, path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

function request(sim: PortalSim, t: SimTarget) {
  return get(sim, t.path, { method: t.method });
}

test('listens on port 0 and reports the real port in url and etpUrls', async () => {
  await withSim(async (sim) => {
    assert.ok(sim.port > 0);
    assert.equal(sim.url, `http://127.0.0.1:${sim.port}`);
    assert.deepEqual(sim.etpUrls, {
      'etp-alpha': `${sim.url}/etp/etp-alpha`,
      'etp-beta': `${sim.url}/etp/etp-beta`,
    });
    assert.deepEqual((await get(sim, '/healthz')).text, '{"status":"ok"}');
  });
});

test('homepage: title, notices block, links to search and login, the keyword in both languages', async () => {
  await withSim(async (sim) => {
    const r = await get(sim, '/');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/html; charset=utf-8');
    assert.match(r.text, /<title>Веб-портал государственных закупок<\/title>/);
    assert.match(r.text, /data-testid="notices"/);
    assert.match(r.text, /data-testid="notices-empty"/);
    assert.match(r.text, /href="\/ru\/search\/announce"/);
    assert.match(r.text, /href="\/user\/login"/);
    assert.ok(r.text.includes('Объявления') && r.text.includes('Хабарландырулар'));
  });
});

test('notices set through POST /__notices appear on the homepage, escaped, in both languages', async () => {
  await withSim(async (sim) => {
    const notices = [{ ru: 'Сбой <b>поиска</b> объявлений', kk: 'Хабарландыруларды іздеудегі іркіліс' }];
    const set = await post(sim, '/__notices', JSON.stringify(notices));
    assert.equal(set.status, 200);
    assert.deepEqual(JSON.parse(set.text), { notices });
    assert.deepEqual(JSON.parse((await get(sim, '/__notices')).text), { notices });
    const home = (await get(sim, '/')).text;
    assert.match(home, /data-testid="notice"/);
    assert.ok(home.includes('Сбой &lt;b&gt;поиска&lt;/b&gt; объявлений'));
    assert.ok(home.includes('Хабарландыруларды іздеудегі іркіліс'));
    assert.ok(!home.includes('<b>поиска'));
    assert.deepEqual(sim.notices(), notices);
    sim.setNotices([]);
    assert.match((await get(sim, '/')).text, /data-testid="notices-empty"/);
  });
});

test('POST /__notices refuses what is not a list of {ru, kk}', async () => {
  await withSim(async (sim) => {
    const cases: [string, string][] = [
      ['{"ru":"x","kk":"y"}', 'body'],
      ['[{"ru":"x"}]', '[0].kk'],
      ['[{"ru":"x","kk":"y","level":"high"}]', '[0].level'],
      ['[{"ru":" ","kk":"y"}]', '[0].ru'],
      ['not json', 'body'],
    ];
    for (const [body, field] of cases) {
      const r = await post(sim, '/__notices', body);
      assert.equal(r.status, 400, body);
      const err = JSON.parse(r.text) as { error: { code: string; field: string } };
      assert.equal(err.error.code, 'invalid_input');
      assert.equal(err.error.field, field, body);
    }
  });
});

test('search: 20 announcements by default, filtered by q, each linking to a working lot card', async () => {
  await withSim(async (sim) => {
    const all = await get(sim, '/ru/search/announce');
    assert.equal(all.status, 200);
    assert.match(all.text, /<input type="text" name="q" value=""/);
    assert.match(all.text, /data-testid="search-submit"/);
    assert.match(all.text, /data-testid="results"/);
    assert.equal(all.text.match(/data-testid="result-row"/g)?.length, 20);
    assert.match(all.text, /\d{8}-1/);

    const some = await get(sim, `/ru/search/announce?q=${encodeURIComponent('бумаги')}`);
    const rows = some.text.match(/data-testid="result-row"/g)?.length ?? 0;
    assert.ok(rows > 0 && rows < 20, `rows ${rows}`);
    assert.match(some.text, /Найдено: \d+/);

    const none = await get(sim, '/ru/search/announce?q=zzz-nothing');
    assert.equal(none.text.match(/data-testid="result-row"/g), null);

    const href = /href="(\/ru\/announce\/index\/\d+)"/.exec(some.text)?.[1];
    assert.ok(href);
    assert.equal((await get(sim, href)).status, 200);
  });
});

test('search escapes the echoed query', async () => {
  await withSim(async (sim) => {
    const q = '"><script>alert(1)</script>';
    const r = await get(sim, `/ru/search/announce?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes('<script>'));
    assert.ok(r.text.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
  });
});

test('lot card: announcement number, method, lot numbers and acceptance deadlines; unknown id is 404', async () => {
  await withSim(async (sim) => {
    const r = await get(sim, '/ru/announce/index/15234560');
    assert.equal(r.status, 200);
    assert.match(r.text, /data-testid="lot-card"/);
    assert.match(r.text, /<span data-testid="announce-number">15234560-1<\/span>/);
    assert.match(r.text, /data-testid="method">Запрос ценовых предложений</);
    assert.match(r.text, /data-testid="lot-number">15234560-ЗЦП1</);
    assert.match(r.text, /Срок окончания приема заявок/);
    assert.match(r.text, /datetime="2026-03-12T18:00:00\+05:00"/);
    assert.equal((await get(sim, '/ru/announce/index/1')).status, 404);
  });
});

test('login page has the login form; a login attempt shows an error', async () => {
  await withSim(async (sim) => {
    const r = await get(sim, '/user/login');
    assert.equal(r.status, 200);
    assert.match(r.text, /<form method="post" action="\/user\/login" data-testid="login-form">/);
    assert.match(r.text, /name="password"/);
    const attempt = await get(sim, '/user/login', { method: 'POST', body: 'login=1&password=2' });
    assert.match(attempt.text, /data-testid="login-error"/);
  });
});

test('e-shop services list test and productive services with status; contracts health is ok', async () => {
  await withSim(async (sim) => {
    const eshop = await get(sim, '/api/v1/eshop/services');
    assert.equal(eshop.type, 'application/json; charset=utf-8');
    const body = JSON.parse(eshop.text) as { updatedAt: string; services: { environment: string; status: string; direction: string }[] };
    assert.equal(body.updatedAt, FIXED_ISO);
    assert.equal(body.services.length, 42);
    assert.deepEqual(new Set(body.services.map((s) => s.environment)), new Set(['test', 'productive']));
    assert.deepEqual(new Set(body.services.map((s) => s.direction)), new Set(['em-to-etp', 'etp-to-em', 'ekt-to-etp', 'etp-to-ekt']));
    assert.ok(body.services.every((s) => s.status === 'available'));
    assert.deepEqual(JSON.parse((await get(sim, '/api/v1/contracts/health')).text), { status: 'ok', module: 'contracts', time: FIXED_ISO });
  });
});

test('each e-shop service answers per environment; a fault on one hits that service in that environment only', async () => {
  await withSim(async (sim) => {
    for (const t of ESHOP_SIM_TARGETS) {
      const r = await request(sim, t);
      assert.equal(r.status, 200, t.id);
      const body = JSON.parse(r.text) as { service: string; environment: string; status: string; updatedAt: string };
      assert.deepEqual(
        [body.service, body.environment, body.status, body.updatedAt],
        [t.service, t.environment, 'available', FIXED_ISO],
        t.id,
      );
    }
    assert.equal((await get(sim, '/api/v1/eshop/staging/orders')).status, 404);
    assert.equal((await get(sim, '/api/v1/eshop/test/no-such-service')).status, 404);

    const set = await post(sim, '/__fault', JSON.stringify({ target: 'eshop.test.orders-in', fault: 'http-500' }));
    assert.equal(set.status, 200);
    for (const t of ESHOP_SIM_TARGETS) assert.equal((await request(sim, t)).status, t.id === 'eshop.test.orders-in' ? 500 : 200, t.id);
    // The aggregate list and the same service's productive side are untouched.
    assert.equal((await get(sim, '/api/v1/eshop/services')).status, 200);
    sim.setFault('eshop.productive.participants', 'wrong-content');
    assert.deepEqual(JSON.parse((await get(sim, '/api/v1/eshop/productive/participants')).text), {
      result: null,
      message: 'Сервис на обслуживании',
    });
    assert.equal((await get(sim, '/api/v1/eshop/test/participants')).status, 200);
  });
});

test('ETP orders: place, confirm (idempotent), health; unknown order 404; bad bodies 400', async () => {
  await withSim(async (sim) => {
    const placed = await post(sim, '/etp/etp-alpha/api/orders', '{"sku":"P-1003","qty":2}');
    assert.equal(placed.status, 200);
    const order = JSON.parse(placed.text) as { orderId: string; status: string };
    assert.equal(order.status, 'placed');
    assert.equal(order.orderId, 'AS-000001');
    const empty = JSON.parse((await post(sim, '/etp/etp-beta/api/orders', '')).text) as { orderId: string; sku: string };
    assert.equal(empty.orderId, 'BM-000001');
    assert.equal(empty.sku, 'P-1001');

    for (let i = 0; i < 2; i++) {
      const c = await post(sim, `/etp/etp-alpha/api/orders/${order.orderId}/confirm`, '');
      assert.deepEqual(JSON.parse(c.text), { orderId: 'AS-000001', status: 'confirmed', confirmedAt: FIXED_ISO });
    }
    // Orders of one ETP are not visible on the other.
    assert.equal((await post(sim, `/etp/etp-beta/api/orders/${order.orderId}/confirm`, '')).status, 404);

    assert.deepEqual(JSON.parse((await get(sim, '/etp/etp-beta/api/orders/health')).text), { status: 'ok', time: FIXED_ISO });

    const bad: [string, string][] = [
      ['{"sku":"nope"}', 'sku'],
      ['{"qty":0}', 'qty'],
      ['{"quantity":1}', 'quantity'],
      ['[1]', 'body'],
      ['{', 'body'],
    ];
    for (const [body, field] of bad) {
      const r = await post(sim, '/etp/etp-alpha/api/orders', body);
      assert.equal(r.status, 400, body);
      assert.equal((JSON.parse(r.text) as { error: { field: string } }).error.field, field, body);
    }
  });
});

test('ETP prices and catalogue APIs: fresh updatedAt, KZT prices differing per ETP, q filter', async () => {
  await withSim(async (sim) => {
    type Prices = { updatedAt: string; items: { sku: string; price: number; currency: string }[] };
    const alpha = JSON.parse((await get(sim, '/etp/etp-alpha/api/prices')).text) as Prices;
    const beta = JSON.parse((await get(sim, '/etp/etp-beta/api/prices')).text) as Prices;
    assert.equal(alpha.updatedAt, FIXED_ISO);
    assert.equal(alpha.items.length, 8);
    assert.ok(alpha.items.every((i) => i.currency === 'KZT' && Number.isInteger(i.price) && i.price > 0));
    assert.notDeepEqual(alpha.items, beta.items);

    type Catalogue = { updatedAt: string; items: { sku: string; name: string }[] };
    const all = JSON.parse((await get(sim, '/etp/etp-alpha/api/catalogue')).text) as Catalogue;
    assert.equal(all.updatedAt, FIXED_ISO);
    assert.equal(all.items.length, 8);
    const some = JSON.parse((await get(sim, `/etp/etp-alpha/api/catalogue?q=${encodeURIComponent('ноутбук')}`)).text) as Catalogue;
    assert.deepEqual(
      some.items.map((i) => i.sku),
      ['P-1003'],
    );
  });
});

test('ETP storefront: home, catalogue search page and product card with a price', async () => {
  await withSim(async (sim) => {
    assert.match((await get(sim, '/etp/etp-beta/')).text, /Бәйтерек Маркет/);
    const cat = await get(sim, `/etp/etp-beta/catalogue?q=${encodeURIComponent('монитор')}`);
    assert.equal(cat.status, 200);
    assert.match(cat.text, /data-testid="catalogue-results"/);
    assert.equal(cat.text.match(/data-testid="catalogue-row"/g)?.length, 1);
    const href = /href="(\/etp\/etp-beta\/product\/[^"]+)"/.exec(cat.text)?.[1];
    assert.equal(href, '/etp/etp-beta/product/P-1004');
    const card = await get(sim, href);
    assert.equal(card.status, 200);
    assert.match(card.text, /<span data-testid="price" data-amount="77480" data-currency="KZT">77 480 ₸<\/span>/);
    assert.equal((await get(sim, '/etp/etp-beta/product/NOPE')).status, 404);
    assert.equal((await get(sim, '/nowhere')).status, 404);
  });
});

test('GET /__fault lists every target with fault none', async () => {
  await withSim(async (sim) => {
    const r = JSON.parse((await get(sim, '/__fault')).text) as { targets: string[]; faults: Record<string, string> };
    const expected = [
      'homepage',
      'search',
      'lots',
      'auth',
      'eshop',
      'contracts',
      'etp-alpha.orders',
      'etp-alpha.prices',
      'etp-alpha.catalogue',
      'etp-beta.orders',
      'etp-beta.prices',
      'etp-beta.catalogue',
    ];
    assert.deepEqual(
      SIM_TARGETS.map((t) => t.id),
      expected,
    );
    // Then the e-shop's services of 000 App.7 Appendix 1, one target per environment and service.
    const eshop = ['test', 'productive'].flatMap((env) => ESHOP_SERVICE_IDS.map((id) => `eshop.${env}.${id}`));
    assert.equal(eshop.length, 34);
    assert.deepEqual(
      ESHOP_SIM_TARGETS.map((t) => t.id),
      eshop,
    );
    assert.deepEqual(r.targets, [...expected, ...eshop]);
    assert.deepEqual(sim.targets(), [...expected, ...eshop]);
    assert.deepEqual(r.faults, Object.fromEntries([...expected, ...eshop].map((t) => [t, 'none'])));
  });
});

test('every target is healthy under none: HTML has its keyword, JSON has its field', async () => {
  await withSim(async (sim) => {
    for (const t of SIM_TARGETS) {
      const r = await request(sim, t);
      assert.equal(r.status, 200, t.id);
      if (t.kind === 'html') assert.ok(r.text.includes(t.expect), t.id);
      else assert.ok(t.expect in (JSON.parse(r.text) as object), t.id);
    }
  });
});

test('http-500, wrong-content and bad-json on every target', async () => {
  await withSim(async (sim) => {
    for (const t of SIM_TARGETS) {
      sim.setFault(t.id, 'http-500');
      const e500 = await request(sim, t);
      assert.equal(e500.status, 500, t.id);
      assert.ok(e500.text.length > 0 && e500.text.length < 300, t.id);

      sim.setFault(t.id, 'wrong-content');
      const wrong = await request(sim, t);
      assert.equal(wrong.status, 200, t.id);
      if (t.kind === 'html') {
        assert.ok(!wrong.text.includes(t.expect), t.id);
        // The stub must fail every keyword check, not only this target's.
        for (const other of SIM_TARGETS.filter((o) => o.kind === 'html'))
          assert.ok(!wrong.text.includes(other.expect), `${t.id}/${other.id}`);
        assert.ok(!wrong.text.includes('Хабарландырулар'));
      } else {
        const body = JSON.parse(wrong.text) as object;
        assert.ok(!(t.expect in body), t.id);
      }

      sim.setFault(t.id, 'bad-json');
      const bad = await request(sim, t);
      assert.equal(bad.status, 200, t.id);
      if (t.kind === 'json') {
        assert.equal(bad.type, 'application/json; charset=utf-8', t.id);
        assert.throws(() => JSON.parse(bad.text), SyntaxError, t.id);
      } else {
        assert.ok(bad.text.startsWith('<!doctype html>'), t.id);
        assert.ok(!bad.text.includes('</html>'), t.id);
        assert.ok(!bad.text.includes(t.expect), t.id);
      }
      sim.setFault(t.id, 'none');
    }
  });
});

test('a fault hits only its own target and every route mapped to it', async () => {
  await withSim(async (sim) => {
    sim.setFault('etp-alpha.prices', 'http-500');
    assert.equal((await get(sim, '/etp/etp-alpha/api/prices')).status, 500);
    assert.equal((await get(sim, '/etp/etp-alpha/product/P-1001')).status, 500);
    assert.equal((await get(sim, '/etp/etp-beta/api/prices')).status, 200);
    assert.equal((await get(sim, '/etp/etp-alpha/api/catalogue')).status, 200);
    sim.setFault('etp-beta.orders', 'http-500');
    assert.equal((await post(sim, '/etp/etp-beta/api/orders', '')).status, 500);
    assert.equal((await post(sim, '/etp/etp-beta/api/orders/BM-000001/confirm', '')).status, 500);
    assert.equal((await get(sim, '/etp/etp-alpha/api/orders/health')).status, 200);
  });
});

test('down destroys the connection without a response (HTML and JSON targets)', async () => {
  await withSim(async (sim) => {
    for (const [target, path] of [
      ['homepage', '/'],
      ['etp-alpha.orders', '/etp/etp-alpha/api/orders/health'],
    ] as const) {
      const set = await post(sim, '/__fault', JSON.stringify({ target, fault: 'down' }));
      assert.equal(set.status, 200);
      assert.equal((JSON.parse(set.text) as { faults: Record<string, string> }).faults[target], 'down');
      await assert.rejects(fetch(sim.url + path), (err: Error) => {
        assert.equal(err.name, 'TypeError');
        return true;
      });
    }
    // Other targets and the simulator's own endpoints keep working.
    assert.equal((await get(sim, '/user/login')).status, 200);
    assert.equal((await get(sim, '/healthz')).status, 200);
  });
});

test('slow answers after slowMs (HTML and JSON targets) and times out a shorter probe', async () => {
  const slowMs = 150;
  await withSim(async (sim) => {
    for (const [target, path, expect] of [
      ['search', '/ru/search/announce', 'Результаты поиска'],
      ['etp-beta.prices', '/etp/etp-beta/api/prices', '"updatedAt"'],
    ] as const) {
      sim.setFault(target, 'slow');
      const started = performance.now();
      const r = await get(sim, path);
      const elapsed = performance.now() - started;
      // libuv's timer clock has millisecond resolution, so allow 1 ms of rounding.
      assert.ok(elapsed >= slowMs - 1, `${target} took ${elapsed} ms`);
      assert.equal(r.status, 200);
      assert.ok(r.text.includes(expect), target);
      await assert.rejects(fetch(sim.url + path, { signal: AbortSignal.timeout(30) }), { name: 'TimeoutError' });
    }
  }, slowMs);
});

test('POST /__fault refuses unknown targets, faults, keys and non-JSON bodies with 400', async () => {
  await withSim(async (sim) => {
    const cases: [string, string][] = [
      ['{"target":"nope","fault":"down"}', 'target'],
      ['{"fault":"down"}', 'target'],
      ['{"target":"homepage","fault":"broken"}', 'fault'],
      ['{"target":"homepage"}', 'fault'],
      ['{"target":"homepage","fault":"down","extra":1}', 'extra'],
      ['["homepage","down"]', 'body'],
      ['target=homepage&fault=down', 'body'],
      ['', 'body'],
    ];
    for (const [body, field] of cases) {
      const r = await post(sim, '/__fault', body);
      assert.equal(r.status, 400, body);
      assert.equal(r.type, 'application/json; charset=utf-8');
      const err = JSON.parse(r.text) as { error: { code: string; message: string; field: string } };
      assert.equal(err.error.code, 'invalid_input', body);
      assert.equal(err.error.field, field, body);
      assert.ok(err.error.message.length > 0);
    }
    assert.equal((await get(sim, '/__fault', { method: 'DELETE' })).status, 405);
    assert.ok(Object.values(sim.faults()).every((f) => f === 'none'));
  });
});

test('setFault refuses unknown targets and faults with InputError naming the field', () => {
  return withSim(async (sim) => {
    assert.throws(
      () => sim.setFault('nope', 'down'),
      (err: unknown) => err instanceof InputError && err.field === 'target',
    );
    assert.throws(
      () => sim.setFault('homepage', 'broken' as never),
      (err: unknown) => err instanceof InputError && err.field === 'fault',
    );
    assert.deepEqual([...FAULTS], ['none', 'down', 'slow', 'http-500', 'wrong-content', 'bad-json']);
  });
});

test('target * sets every target; * with none resets all; control endpoints are never faulted', async () => {
  await withSim(async (sim) => {
    sim.setFault('homepage', 'http-500');
    sim.setFault('etp-beta.catalogue', 'wrong-content');
    assert.equal(sim.faults().homepage, 'http-500');
    await post(sim, '/__fault', '{"target":"*","fault":"down"}');
    assert.ok(Object.values(sim.faults()).every((f) => f === 'down'));
    assert.equal((await get(sim, '/healthz')).status, 200);
    assert.equal((await get(sim, '/__fault')).status, 200);
    assert.equal((await get(sim, '/__notices')).status, 200);
    const reset = await post(sim, '/__fault', '{"target":"*","fault":"none"}');
    assert.equal(reset.status, 200);
    assert.ok(Object.values((JSON.parse(reset.text) as { faults: Record<string, string> }).faults).every((f) => f === 'none'));
    assert.equal((await get(sim, '/')).status, 200);
  });
});

test('close() frees the port, also with a slow response pending', async () => {
  const sim = await startPortalSim({ port: 0, slowMs: 60_000 });
  sim.setFault('homepage', 'slow');
  const pending = fetch(sim.url + '/').then(
    () => 'answered',
    () => 'failed',
  );
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  await sim.close();
  await sim.close(); // idempotent
  assert.ok(performance.now() - started < 5_000);
  assert.equal(await pending, 'failed');
  await assert.rejects(fetch(sim.url + '/healthz'));
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(sim.port, '127.0.0.1', () => probe.close(() => resolve()));
  });
});
