import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issuesFromZod } from '../core/errors.ts';
import { jsonApiProbe, jsonApiSchema } from './json-api.probe.ts';
import { validateJson, type JsonSchema } from './json-schema.ts';
import { runChecked } from './observations.test-support.ts';
import { startHttp, type Running } from './test-servers.ts';

const ids = { system: 'portal', target: 'api', check: 'lots', region: 'ast' };
const LOTS = {
  total: 2,
  lots: [
    { id: 101, status: 'published', price: 1500.5 },
    { id: 102, status: 'draft', price: 0 },
  ],
};
const LOTS_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['total', 'lots'],
  properties: {
    total: { type: 'integer', minimum: 0 },
    lots: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'status'],
        properties: { id: { type: 'integer' }, status: { enum: ['published', 'draft'] }, price: { type: 'number', minimum: 0 } },
      },
    },
  },
};

let server: Running & { url: string };
before(async () => {
  server = await startHttp((req, res) => {
    if (req.url === '/lots') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(LOTS));
    else if (req.url === '/accept') res.writeHead(200).end(JSON.stringify({ accept: req.headers.accept }));
    else if (req.url === '/bad') res.writeHead(200).end('<html>maintenance</html>');
    else res.writeHead(503).end('{}');
  });
});
after(() => server.close());

const check = (config: Record<string, unknown>) => runChecked(jsonApiProbe, config, ids, { timeoutMs: 2000 });

describe('json-api probe', () => {
  it('passes when the body conforms', async () => {
    const result = await check({ url: `${server.url}/lots`, schema: LOTS_SCHEMA });
    assert.equal(result.ok, true, result.message);
    assert.equal(result.message, 'HTTP 200, body matches the schema');
    assert.equal(result.observations?.status, 200);
  });

  it('lists every schema violation with its path', async () => {
    const schema = {
      type: 'object',
      required: ['total', 'page'],
      properties: { total: { type: 'string' }, lots: { type: 'array', minItems: 3 } },
    };
    const result = await check({ url: `${server.url}/lots`, schema });
    assert.equal(result.errorKind, 'assertion');
    assert.equal(result.message, '$.page: is required; $.total: expected string, got integer; $.lots: expected at least 3 items, got 2');
  });

  it('checks the status before the body', async () => {
    const result = await check({ url: `${server.url}/down`, schema: LOTS_SCHEMA });
    assert.deepEqual([result.errorKind, result.message], ['http-status', 'expected status 200-399, got 503']);
  });

  it('a body that is not JSON is an assertion failure', async () => {
    const result = await check({ url: `${server.url}/bad`, schema: {} });
    assert.equal(result.errorKind, 'assertion');
    assert.match(result.message, /^body is not JSON: Unexpected token/);
  });

  it('asks for JSON unless told otherwise', async () => {
    const byDefault = await check({ url: `${server.url}/accept`, schema: { properties: { accept: { enum: ['application/json'] } } } });
    assert.equal(byDefault.ok, true, byDefault.message);
    const custom = await check({
      url: `${server.url}/accept`,
      headers: { Accept: 'application/vnd.kz+json' },
      schema: { properties: { accept: { enum: ['application/vnd.kz+json'] } } },
    });
    assert.equal(custom.ok, true, custom.message);
  });
});

describe('JSON Schema subset', () => {
  const table: [JsonSchema, unknown, string[]][] = [
    [{ type: 'number' }, 3, []],
    [{ type: 'integer' }, 3.5, ['$: expected integer, got number']],
    [{ type: ['string', 'null'] }, null, []],
    [{ type: 'object' }, [], ['$: expected object, got array']],
    [{ enum: [1, 'a', { b: 1 }] }, { b: 1 }, []],
    [{ enum: [1, 2] }, 3, ['$: expected one of 1, 2, got 3']],
    [{ minimum: 1, maximum: 5 }, 0, ['$: 0 is below the minimum 1']],
    [{ minimum: 1, maximum: 5 }, 6, ['$: 6 is above the maximum 5']],
    [{ items: { type: 'string' } }, ['a', 1], ['$[1]: expected string, got integer']],
    [{ properties: { 'lot-id': { type: 'string' } } }, { 'lot-id': 1 }, ['$["lot-id"]: expected string, got integer']],
    [{ required: ['a'] }, 'not an object', []],
  ];
  for (const [schema, value, errors] of table) {
    it(`${JSON.stringify(schema)} on ${JSON.stringify(value)}`, () => assert.deepEqual(validateJson(schema, value), errors));
  }
});

describe('json-api probe: config', () => {
  const invalid: [unknown, string][] = [
    [{ url: 'https://a.kz' }, 'schema: Invalid input: expected object, received undefined'],
    [
      { url: 'https://a.kz', schema: { type: 'date' } },
      'schema.type: expected one of object, array, string, number, integer, boolean, null, or a list of them',
    ],
    [{ url: 'https://a.kz', schema: { pattern: '^a' } }, 'schema: Unrecognized key: "pattern"'],
    [
      { url: 'https://a.kz', schema: { properties: { a: { minItems: -1 } } } },
      'schema.properties.a.minItems: Too small: expected number to be >=0',
    ],
    [{ url: 'https://a.kz', schema: {}, bodyContains: 'x' }, 'Unrecognized key: "bodyContains"'],
  ];
  for (const [config, message] of invalid) {
    it(`refuses ${JSON.stringify(config)}`, () => {
      const parsed = jsonApiSchema.safeParse(config);
      assert.equal(parsed.success, false);
      const first = issuesFromZod(parsed.error?.issues ?? [])[0];
      assert.equal(first?.field ? `${first.field}: ${first.message}` : first?.message, message);
    });
  }
});
