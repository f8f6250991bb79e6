/**
 * The status site's revalidation over real HTTP (#19 goal 5): the outputs and their tags change only
 * when what they show changes, never because time passed or another run of the same result came in;
 * `If-None-Match` by weak comparison (`W/"…"`, lists, `*`) takes precedence over `If-Modified-Since`
 * (RFC 9110 §13.1–13.2); every output answers 304 with the headers of its 200.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createApi } from '../api/server.ts';
import { Metrics } from '../collector/metrics.ts';
import { StatusBoard } from '../collector/status.ts';
import { parseConfig, type KuzetConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { NoticeRuntime } from './runtime.ts';

const PATHS = ['/status', '/status?lang=ru', '/status.json', '/status.rss', '/status.atom?lang=ru', '/status/widget', '/status/widget.js'];

describe('status site: validators over HTTP', { timeout: 60_000 }, () => {
  let db: Db;
  let server: Server;
  let base = '';
  let rt: NoticeRuntime;
  let cfg: KuzetConfig;
  const board = new StatusBoard();
  const stall = { value: false };
  let clock = Date.parse('2026-12-03T10:00:00+05:00');
  const now = () => new Date(clock);

  const result = (target: string, ok: boolean, latencyMs = 120) =>
    board.push({
      key: `portal/${target}/http`,
      system: 'portal',
      target,
      check: 'http',
      region: 'astana',
      ok,
      latencyMs,
      errorKind: ok ? null : 'http-status',
      message: ok ? 'ok' : 'expected status 200, got 500',
      at: now(),
    });
  /** Time passes by `ms` with a fresh passing run of every check, and the site refreshes as its loop would. */
  const tick = async (ms: number, latencyMs = 100 + (clock % 97)) => {
    clock += ms;
    result('home', true, latencyMs);
    result('search', true, latencyMs + 3);
    await rt.site.refresh();
  };
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${base}${path}`, { method, headers: { 'accept-language': 'kk', ...headers } });

  before(async () => {
    cfg = parseConfig(
      JSON.stringify({
        systems: {
          portal: {
            name: 'Веб-портал госзакупок',
            names: { kk: 'Мемлекеттік сатып алу веб-порталы', ru: 'Веб-портал госзакупок' },
            kind: 'portal',
            policy: 'portal-692',
            modules: ['homepage', 'search'],
            moduleNames: { search: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' } },
            targets: [
              { id: 'home', module: 'homepage', checks: [{ id: 'http', type: 'http', url: 'http://127.0.0.1:9/', interval: '30s' }] },
              { id: 'search', module: 'search', checks: [{ id: 'http', type: 'http', url: 'http://127.0.0.1:9/s', interval: '30s' }] },
            ],
          },
        },
      }),
      PROBES,
      {},
    );
    const real = await openDb({ dataDir: 'memory://' });
    await migrate(real);
    db = {
      ...real,
      query: (sql, params) => (stall.value ? new Promise(() => undefined) : real.query(sql, params)),
      close: () => real.close(),
    } as Db;
    rt = new NoticeRuntime({
      db: () => db,
      config: () => cfg,
      log: silentLogger,
      now,
      board: () => board.snapshot(cfg, now()),
      publicUrl: () => base,
      site: { dbTimeoutMs: 300, refreshMs: 3_600_000 },
    });
    result('home', true);
    result('search', true);
    const app = createApi({
      config: () => cfg,
      db: () => db,
      metrics: new Metrics(),
      status: board,
      readiness: async () => [],
      log: silentLogger,
      now,
      notices: { db: () => db, notices: () => rt },
    });
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await rt.start();
  });

  after(async () => {
    stall.value = false;
    await rt?.close();
    await new Promise<void>((r) => server?.close(() => r()));
    server?.closeAllConnections();
    await db?.close();
  });

  test('a 200 carries a weak ETag, Last-Modified, Cache-Control, and Vary only where the language was negotiated', async () => {
    const kk = await get('/status');
    assert.equal(kk.status, 200);
    assert.match(kk.headers.get('etag') ?? '', /^W\/"[A-Za-z0-9_-]+"$/);
    assert.equal(kk.headers.get('last-modified'), new Date(clock).toUTCString());
    assert.equal(kk.headers.get('cache-control'), 'public, max-age=10, stale-while-revalidate=30, stale-if-error=86400');
    assert.equal(kk.headers.get('vary'), 'Accept-Language');
    const html = await kk.text();
    assert.match(html, /Күйі соңғы рет өзгерді: <time>2026-12-03T10:00:00\+05:00<\/time> · тексерулер кесте бойынша жүргізілуде/);
    assert.match(html, /Мемлекеттік сатып алу веб-порталы<\/h3>/);
    const ru = await get('/status?lang=ru');
    assert.equal(ru.headers.get('vary'), null, 'the URL names the language');
    assert.notEqual(ru.headers.get('etag'), kk.headers.get('etag'), 'each language is its own representation');
    assert.equal((await get('/status.json')).headers.get('vary'), null);
  });

  test('time passing and new runs with the same verdicts change neither bytes nor tags nor Last-Modified', async () => {
    const before = await Promise.all(PATHS.map(async (p) => snapshotOf(await get(p))));
    for (let i = 0; i < 12; i++) await tick(5_000); // a minute of refreshes, each with new latencies
    const later = await Promise.all(PATHS.map(async (p) => snapshotOf(await get(p))));
    assert.deepEqual(later, before);
  });

  test('If-None-Match: weak comparison, lists, * and garbage; it takes precedence over If-Modified-Since', async () => {
    const r = await get('/status');
    const etag = r.headers.get('etag')!;
    const lastModified = r.headers.get('last-modified')!;
    const opaque = etag.slice(2);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    const cases: [string, Record<string, string>, number][] = [
      ['the tag as sent', { 'if-none-match': etag }, 304],
      ['the strong form of the same tag', { 'if-none-match': opaque }, 304],
      ['in a list', { 'if-none-match': `"old-one", ${etag}` }, 304],
      ['in a list with empty elements', { 'if-none-match': ` , W/"x",, ${opaque} ,` }, 304],
      ['any', { 'if-none-match': '*' }, 304],
      ['another tag', { 'if-none-match': 'W/"something-else"' }, 200],
      ['a list without it', { 'if-none-match': '"a", W/"b"' }, 200],
      ['not an entity tag', { 'if-none-match': opaque.slice(1, -1) }, 200],
      ['a stale tag beats a fresh date', { 'if-none-match': '"stale"', 'if-modified-since': lastModified }, 200],
      ['a matching tag beats an old date', { 'if-none-match': etag, 'if-modified-since': earlier }, 304],
      ['If-Modified-Since equal to Last-Modified', { 'if-modified-since': lastModified }, 304],
      ['If-Modified-Since a second earlier', { 'if-modified-since': earlier }, 200],
      ['If-Modified-Since not a date', { 'if-modified-since': 'yesterday' }, 200],
      ['If-Modified-Since in RFC 850 form', { 'if-modified-since': rfc850(Date.parse(lastModified)) }, 304],
      ['If-Modified-Since in asctime form', { 'if-modified-since': asctime(Date.parse(lastModified)) }, 304],
    ];
    for (const [what, headers, want] of cases) {
      const res = await get('/status', headers);
      const body = await res.text();
      assert.equal(res.status, want, what);
      if (want === 304) {
        assert.equal(body, '', `${what}: no body`);
        assert.equal(res.headers.get('etag'), etag, `${what}: ETag`);
        assert.equal(res.headers.get('last-modified'), lastModified, `${what}: Last-Modified`);
        assert.match(res.headers.get('cache-control') ?? '', /max-age=10/, `${what}: Cache-Control`);
        assert.equal(res.headers.get('vary'), 'Accept-Language', `${what}: Vary`);
      }
    }
    const head = await get('/status', { 'if-none-match': etag }, 'HEAD');
    assert.equal(head.status, 304);
  });

  test('every output revalidates: JSON, feeds, widget and its script', async () => {
    for (const path of PATHS) {
      const r = await get(path);
      assert.equal(r.status, 200, path);
      await r.arrayBuffer();
      const etag = r.headers.get('etag')!;
      const lastModified = r.headers.get('last-modified')!;
      assert.ok(etag && lastModified, path);
      assert.equal((await get(path, { 'if-none-match': etag })).status, 304, `${path} by tag`);
      assert.equal((await get(path, { 'if-modified-since': lastModified })).status, 304, `${path} by date`);
      assert.equal((await get(path, { 'if-none-match': 'W/"other"' })).status, 200, `${path} other tag`);
    }
  });

  test('a URL with another query goes through the app and gets the same answer, headers and validators as the plain one', async () => {
    const headerNames = [
      'etag',
      'last-modified',
      'cache-control',
      'vary',
      'content-type',
      'content-length',
      'content-security-policy',
      'referrer-policy',
      'x-content-type-options',
      'access-control-allow-origin',
    ];
    for (const path of PATHS) {
      const odd = `${path}${path.includes('?') ? '&' : '?'}utm_source=portal`;
      const [plain, viaApp] = await Promise.all([get(path), get(odd)]);
      const [a, b] = [await snapshotOf(plain), await snapshotOf(viaApp)];
      assert.deepEqual(b, a, odd);
      for (const h of headerNames) assert.equal(viaApp.headers.get(h), plain.headers.get(h), `${odd}: ${h}`);
      assert.equal((await get(odd, { 'if-none-match': a.etag })).status, 304, `${odd}: 304 through the app`);
      const head = await get(path, {}, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('etag'), a.etag, `HEAD ${path}`);
      assert.equal((await head.arrayBuffer()).byteLength, 0);
    }
  });

  test("a check's state change changes the page, JSON and their tags; the feeds, with the same notices, keep theirs", async () => {
    const before = new Map(await Promise.all(PATHS.map(async (p) => [p, await snapshotOf(await get(p))] as const)));
    await tick(7_000);
    clock += 1_000;
    result('search', false);
    await rt.site.refresh();
    const changedAt = new Date(clock).toUTCString();
    for (const p of ['/status', '/status?lang=ru', '/status.json']) {
      const r = await get(p, { 'if-none-match': before.get(p)!.etag });
      assert.equal(r.status, 200, `${p}: the old tag no longer matches`);
      assert.notEqual(r.headers.get('etag'), before.get(p)!.etag);
      assert.equal(r.headers.get('last-modified'), changedAt, p);
      const text = await r.text();
      if (p === '/status?lang=ru') assert.match(text, /<span class="dot down"><\/span>Поиск объявлений: технический сбой/);
      if (p === '/status?lang=ru') assert.match(text, /Состояние последний раз изменилось: <time>2026-12-03T10:01:08\+05:00<\/time>/);
    }
    for (const p of ['/status.rss', '/status.atom?lang=ru', '/status/widget', '/status/widget.js']) {
      const r = await get(p, { 'if-none-match': before.get(p)!.etag });
      assert.equal(r.status, 304, `${p}: nothing it shows changed`);
    }
  });

  test('results that stop arriving change the page once (late since …); refreshes after that change nothing', async () => {
    const last = new Date(clock);
    const on = await get('/status?lang=ru');
    const etag = on.headers.get('etag')!;
    await on.arrayBuffer();
    clock += 2 * 60_000 + 1_000; // 2 × 30 s + 60 s after the last results, and a second
    await rt.site.refresh();
    const late = await get('/status?lang=ru', { 'if-none-match': etag });
    assert.equal(late.status, 200);
    const lateTag = late.headers.get('etag')!;
    const text = await late.text();
    const lastAstana = '2026-12-03T10:01:07\\+05:00';
    assert.match(text, new RegExp(`нет новых результатов проверок с <time>${lastAstana}</time>`), last.toISOString());
    // The failing module stays red: a stopped collector does not turn an outage green or grey.
    assert.match(text, /<span class="dot down"><\/span>Поиск объявлений: технический сбой/);
    for (let i = 0; i < 6; i++) {
      clock += 10_000;
      await rt.site.refresh();
    }
    assert.equal((await get('/status?lang=ru', { 'if-none-match': lateTag })).status, 304);
    await tick(1_000); // results arrive again
    const back = await get('/status?lang=ru', { 'if-none-match': lateTag });
    assert.equal(back.status, 200);
    assert.match(await back.text(), /проверки идут по расписанию/);
  });

  test('a stalled database changes the page once (it says so) and it keeps answering, unchanged, while stalled', async () => {
    const r = await get('/status.json');
    const etag = r.headers.get('etag')!;
    await r.arrayBuffer();
    stall.value = true;
    try {
      rt.site.invalidate();
      await rt.site.refresh();
      const stalled = await get('/status.json', { 'if-none-match': etag });
      assert.equal(stalled.status, 200);
      const tag = stalled.headers.get('etag')!;
      assert.equal(((await stalled.json()) as { stale: boolean }).stale, true);
      for (let i = 0; i < 3; i++) await tick(5_000);
      assert.equal((await get('/status.json', { 'if-none-match': tag })).status, 304);
    } finally {
      stall.value = false;
    }
    await tick(5_000);
    const back = await get('/status.json');
    assert.equal(((await back.json()) as { stale: boolean }).stale, false);
  });
});

async function snapshotOf(r: Response) {
  return {
    status: r.status,
    etag: r.headers.get('etag') ?? '',
    lastModified: r.headers.get('last-modified') ?? '',
    body: Buffer.from(await r.arrayBuffer()).toString('base64'),
  };
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const hms = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
function rfc850(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${two(d.getUTCFullYear() % 100)} ${hms(d)} GMT`;
}
function asctime(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]!.slice(0, 3)} ${MONTHS[d.getUTCMonth()]} ${day} ${hms(d)} ${d.getUTCFullYear()}`;
}
