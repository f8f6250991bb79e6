import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { issuesFromZod } from '../core/errors.ts';
import { httpProbe, httpSchema } from './http.probe.ts';
import { runChecked } from './observations.test-support.ts';
import { closedPort, makeCertificates, startHttp, startHttps, type Running } from './test-servers.ts';

const ids = { system: 'portal', target: 'main', check: 'home', region: 'ast' };
const PAGE = '<html><h1>Объявления</h1><p>Закупки</p></html>';
const DOC = {
  status: 'ok',
  version: '1.4.2',
  items: [
    { id: 1, state: 'up' },
    { id: 2, state: 'up' },
  ],
  'a-b': null,
};

function routes(req: IncomingMessage, res: ServerResponse) {
  const url = req.url ?? '/';
  const redirect = /^\/redirect\/(\d+)$/.exec(url);
  if (redirect) {
    const n = Number(redirect[1]);
    res.writeHead(302, { location: n === 0 ? '/ok' : `/redirect/${n - 1}` }).end();
  } else if (url === '/ok') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-app': 'kuzet' }).end(PAGE);
  else if (url === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(DOC));
  else if (url === '/bad-json') res.writeHead(200, { 'content-type': 'application/json' }).end('{nope');
  else if (url === '/500') res.writeHead(500).end('oops');
  else if (url === '/slow') setTimeout(() => res.writeHead(200).end('late'), 150);
  else if (url === '/hang') req.on('close', () => res.destroy());
  else if (url === '/trickle') res.writeHead(200).write('part of a body that never ends');
  else if (url === '/see-other') res.writeHead(303, { location: '/echo' }).end();
  else if (url === '/echo') {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => res.writeHead(200).end(JSON.stringify({ method: req.method, headers: req.headers, body })));
  } else res.writeHead(404).end('not found');
}

let server: Running & { url: string };
let secure: Running & { url: string };

before(async () => {
  server = await startHttp(routes);
  secure = await startHttps((await makeCertificates()).valid, routes);
});
after(async () => {
  await server.close();
  await secure.close();
});

function check(config: Record<string, unknown>, timeoutMs = 2000) {
  return runChecked(httpProbe, config, ids, { timeoutMs });
}

describe('http probe: outcomes', () => {
  const cases: { name: string; config: () => Record<string, unknown>; kind: string | null; message: string | RegExp }[] = [
    { name: 'plain 200', config: () => ({ url: `${server.url}/ok` }), kind: null, message: /^HTTP 200 in [\d.]+ ms$/ },
    {
      name: 'body keyword in Cyrillic',
      config: () => ({ url: `${server.url}/ok`, bodyContains: 'Объявления' }),
      kind: null,
      message: /HTTP 200/,
    },
    {
      name: 'missing keyword',
      config: () => ({ url: `${server.url}/ok`, bodyContains: 'Договоры' }),
      kind: 'assertion',
      message: 'body does not contain "Договоры"',
    },
    {
      name: 'forbidden keyword',
      config: () => ({ url: `${server.url}/ok`, bodyNotContains: 'Закупки' }),
      kind: 'assertion',
      message: 'body contains "Закупки"',
    },
    { name: 'regex match', config: () => ({ url: `${server.url}/ok`, bodyMatches: '<h1>[^<]+</h1>' }), kind: null, message: /HTTP 200/ },
    {
      name: 'regex mismatch',
      config: () => ({ url: `${server.url}/ok`, bodyMatches: '^\\{' }),
      kind: 'assertion',
      message: 'body does not match /^\\{/',
    },
    {
      name: 'several failures together',
      config: () => ({ url: `${server.url}/ok`, bodyContains: 'X1', bodyNotContains: 'html' }),
      kind: 'assertion',
      message: 'body does not contain "X1"; body contains "html"',
    },
    {
      name: 'wrong status',
      config: () => ({ url: `${server.url}/500`, expectStatus: 200 }),
      kind: 'http-status',
      message: 'expected status 200, got 500',
    },
    {
      name: '500 against the default',
      config: () => ({ url: `${server.url}/500` }),
      kind: 'http-status',
      message: 'expected status 200-399, got 500',
    },
    {
      name: '404 in a list',
      config: () => ({ url: `${server.url}/nope`, expectStatus: [200, 204] }),
      kind: 'http-status',
      message: 'expected status one of 200, 204, got 404',
    },
    { name: 'status class', config: () => ({ url: `${server.url}/nope`, expectStatus: '4xx' }), kind: null, message: /HTTP 404/ },
    {
      name: 'redirects followed',
      config: () => ({ url: `${server.url}/redirect/2`, expectStatus: 200, bodyContains: 'Объявления' }),
      kind: null,
      message: /HTTP 200/,
    },
    {
      name: 'redirect not followed',
      config: () => ({ url: `${server.url}/redirect/0`, followRedirects: false, expectStatus: 302 }),
      kind: null,
      message: /HTTP 302/,
    },
    {
      name: 'redirect not followed, expecting 200',
      config: () => ({ url: `${server.url}/redirect/0`, followRedirects: false, expectStatus: 200 }),
      kind: 'http-status',
      message: 'expected status 200, got 302',
    },
    {
      name: 'too many redirects',
      config: () => ({ url: `${server.url}/redirect/5`, maxRedirects: 2 }),
      kind: 'http-status',
      message: 'more than 2 redirects (last: 302 to /redirect/2)',
    },
    {
      name: 'header present',
      config: () => ({ url: `${server.url}/ok`, expectHeaders: { 'X-App': 'kuz', 'content-type': 'text/html' } }),
      kind: null,
      message: /HTTP 200/,
    },
    {
      name: 'header wrong',
      config: () => ({ url: `${server.url}/ok`, expectHeaders: { 'x-app': 'other' } }),
      kind: 'assertion',
      message: 'header x-app is "kuzet", expected it to contain "other"',
    },
    {
      name: 'header missing',
      config: () => ({ url: `${server.url}/ok`, expectHeaders: { 'x-cache': '' } }),
      kind: 'assertion',
      message: 'header x-cache is missing',
    },
    {
      name: 'too slow',
      config: () => ({ url: `${server.url}/slow`, maxLatencyMs: 50 }),
      kind: 'assertion',
      message: /^response took \d+ ms \(> 50 ms\)$/,
    },
    { name: 'slow but within limit', config: () => ({ url: `${server.url}/slow`, maxLatencyMs: 1500 }), kind: null, message: /HTTP 200/ },
    { name: 'hanging server', config: () => ({ url: `${server.url}/hang` }), kind: 'timeout', message: 'timeout after 2000 ms' },
    {
      name: 'self-signed https',
      config: () => ({ url: `${secure.url}/ok` }),
      kind: 'tls',
      message: /self[- ]signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    },
    {
      name: 'self-signed https, verification off',
      config: () => ({ url: `${secure.url}/ok`, insecureSkipVerify: true, bodyContains: 'Объявления' }),
      kind: null,
      message: /HTTP 200/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await check(c.config(), c.name === 'hanging server' ? 2000 : 3000);
      assert.equal(result.errorKind, c.kind, result.message);
      assert.equal(result.ok, c.kind === null);
      if (typeof c.message === 'string') assert.equal(result.message, c.message);
      else assert.match(result.message, c.message);
    });
  }

  it('a body that never ends settles the probe when its signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const outcome = await httpProbe.run(httpSchema.parse({ url: `${server.url}/trickle` }), {
      signal: controller.signal,
      timeoutMs: 50,
      region: 'ast',
    });
    assert.deepEqual([outcome.errorKind, outcome.message], ['timeout', 'aborted: the check timed out']);
  });

  it('refused connection is a connect error', async () => {
    const result = await check({ url: `http://127.0.0.1:${await closedPort()}/` });
    assert.equal(result.errorKind, 'connect');
    assert.match(result.message, /ECONNREFUSED/);
  });

  it('observes status, bytes, redirects and timings', async () => {
    const result = await check({ url: `${server.url}/redirect/1` });
    const o = result.observations ?? {};
    assert.equal(o.status, 200);
    assert.equal(o.bytes, Buffer.byteLength(PAGE));
    assert.deepEqual(o.redirects, [`${server.url}/redirect/0`, `${server.url}/ok`]);
    assert.equal(o.url, `${server.url}/ok`);
    assert.equal(typeof o.ttfbMs, 'number');
  });

  it('sends method, headers and body; 303 turns POST into GET', async () => {
    const direct = await check({
      url: `${server.url}/echo`,
      method: 'POST',
      headers: { 'x-token': 't1' },
      body: 'hello',
      jsonPath: [
        { path: '$.method', equals: 'POST' },
        { path: '$.body', equals: 'hello' },
        { path: "$.headers['x-token']", equals: 't1' },
      ],
    });
    assert.equal(direct.ok, true, direct.message);
    const redirected = await check({
      url: `${server.url}/see-other`,
      method: 'POST',
      body: 'hello',
      jsonPath: [
        { path: '$.method', equals: 'GET' },
        { path: '$.body', equals: '' },
      ],
    });
    assert.equal(redirected.ok, true, redirected.message);
  });
});

describe('http probe: JSONPath assertions', () => {
  const table: { assertions: unknown[]; message: string | null }[] = [
    {
      assertions: [
        { path: '$.status', equals: 'ok' },
        { path: '$.items[0].id', equals: 1 },
        { path: '$.items[-1].id', equals: 2 },
      ],
      message: null,
    },
    {
      assertions: [
        { path: '$.items[*].state', equals: ['up', 'up'] },
        { path: '$.items[*].state', matches: '^up$' },
      ],
      message: null,
    },
    {
      assertions: [
        { path: "$['a-b']", exists: true },
        { path: '$.missing', exists: false },
        { path: '$.version', matches: '^1\\.' },
      ],
      message: null,
    },
    {
      assertions: [
        {
          path: '$.items',
          equals: [
            { state: 'up', id: 1 },
            { id: 2, state: 'up' },
          ],
        },
      ],
      message: null,
    },
    { assertions: [{ path: '$.status', equals: 'degraded' }], message: '$.status is "ok", expected "degraded"' },
    { assertions: [{ path: '$.missing', exists: true }], message: '$.missing does not exist' },
    { assertions: [{ path: '$.status', exists: false }], message: '$.status exists ("ok")' },
    { assertions: [{ path: '$.items[5].id', equals: 1 }], message: '$.items[5].id does not exist, expected 1' },
    { assertions: [{ path: '$.items[*].id', matches: '^1$' }], message: '$.items[*].id is 2, expected it to match /^1$/' },
    {
      assertions: [
        { path: '$.version', matches: '^2' },
        { path: '$.status', equals: 'up' },
      ],
      message: '$.version is "1.4.2", expected it to match /^2/; $.status is "ok", expected "up"',
    },
  ];
  for (const row of table) {
    it(`${JSON.stringify(row.assertions)} → ${row.message ?? 'ok'}`, async () => {
      const result = await check({ url: `${server.url}/json`, jsonPath: row.assertions });
      assert.equal(result.ok, row.message === null, result.message);
      if (row.message !== null) {
        assert.equal(result.errorKind, 'assertion');
        assert.equal(result.message, row.message);
      }
    });
  }

  it('a body that is not JSON fails the assertions', async () => {
    const result = await check({ url: `${server.url}/bad-json`, jsonPath: [{ path: '$.a', exists: true }] });
    assert.equal(result.errorKind, 'assertion');
    assert.match(result.message, /^body is not JSON: /);
  });
});

describe('http probe: config', () => {
  it('applies defaults', () => {
    assert.deepEqual(httpSchema.parse({ url: 'https://goszakup.gov.kz/' }), {
      url: 'https://goszakup.gov.kz/',
      method: 'GET',
      headers: {},
      expectStatus: '200-399',
      followRedirects: true,
      maxRedirects: 10,
      insecureSkipVerify: false,
      reuseConnections: true,
    });
  });

  const invalid: [unknown, string][] = [
    [{}, 'url: required'],
    [{ url: 'goszakup.gov.kz' }, 'url: expected an http:// or https:// URL'],
    [{ url: 'ftp://goszakup.gov.kz' }, 'url: expected an http:// or https:// URL'],
    [{ url: 'https://a.kz', timeout: 5 }, 'Unrecognized key: "timeout"'],
    [
      { url: 'https://a.kz', method: 'FETCH' },
      'method: Invalid option: expected one of "GET"|"HEAD"|"POST"|"PUT"|"PATCH"|"DELETE"|"OPTIONS"',
    ],
    [{ url: 'https://a.kz', expectStatus: '2yy' }, 'expectStatus: expected a status like 200, [200, 204], "2xx" or "200-299"'],
    [{ url: 'https://a.kz', expectStatus: 700 }, 'expectStatus: expected a status like 200, [200, 204], "2xx" or "200-299"'],
    [{ url: 'https://a.kz', expectStatus: '399-200' }, 'expectStatus: the range start is above its end'],
    [{ url: 'https://a.kz', bodyMatches: '(unclosed' }, 'bodyMatches: not a valid regular expression'],
    [{ url: 'https://a.kz', jsonPath: [{ path: 'status', equals: 1 }] }, 'jsonPath[0].path: invalid JSONPath: a JSONPath starts with "$"'],
    [
      { url: 'https://a.kz', jsonPath: [{ path: '$.a[x]', exists: true }] },
      'jsonPath[0].path: invalid JSONPath: cannot read "[x]" at position 3',
    ],
    [{ url: 'https://a.kz', jsonPath: [{ path: '$.a' }] }, 'jsonPath[0]: give one of equals, exists or matches'],
    [{ url: 'https://a.kz', jsonPath: [{ path: '$.a', exists: true, is: 1 }] }, 'jsonPath[0]: Unrecognized key: "is"'],
    [{ url: 'https://a.kz', maxLatencyMs: 0 }, 'maxLatencyMs: Too small: expected number to be >0'],
    [{ url: 'https://a.kz', maxRedirects: 100 }, 'maxRedirects: Too big: expected number to be <=30'],
  ];
  for (const [config, message] of invalid) {
    it(`refuses ${JSON.stringify(config)}`, () => {
      const parsed = httpSchema.safeParse(config);
      assert.equal(parsed.success, false);
      const first = issuesFromZod(parsed.error?.issues ?? [])[0];
      assert.equal(first?.field ? `${first.field}: ${first.message}` : first?.message, message);
    });
  }
});
