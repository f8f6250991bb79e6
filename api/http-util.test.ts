/** The shared JSON body reader refuses what PostgreSQL cannot store, naming the field (issue #16 item 3). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../core/errors.ts';
import { parseJsonBody } from './http-util.ts';

const refused = (text: string): { field: string | undefined; message: string } => {
  try {
    parseJsonBody(text);
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return { field: e.field, message: e.message };
  }
  assert.fail(`accepted ${text}`);
};

describe('parseJsonBody', () => {
  const table: [string, string, string, RegExp][] = [
    ['NUL in a top-level string', '{"description":"a\\u0000b"}', 'description', /NUL character/],
    ['NUL in a nested array item', '{"procurements":[{"lot":"1"},{"lot":"2\\u0000"}]}', 'procurements[1].lot', /NUL/],
    ['a lone high surrogate', '{"organisation":"x\\ud800"}', 'organisation', /lone UTF-16 surrogate/],
    ['a lone low surrogate', '{"organisation":"\\udc00x"}', 'organisation', /lone UTF-16 surrogate/],
    ['a high surrogate followed by a high one', '{"a":{"b":"\\ud800\\ud800\\udc00"}}', 'a.b', /surrogate/],
    ['NUL in a key', '{"a\\u0000b":1}', 'a\uFFFDb', /a key must not contain a NUL/],
    ['a bare string body', '"\\u0000"', 'body', /NUL/],
  ];
  for (const [name, text, field, message] of table) {
    it(`refuses ${name} with 400 naming ${field}`, () => {
      const r = refused(text);
      assert.equal(r.field, field);
      assert.match(r.message, message);
    });
  }

  it('keeps valid text: pairs of surrogates (emoji), Kazakh letters, escapes other than NUL', () => {
    const v = parseJsonBody('{"d":"😀 Қазақ \\u0001 \\ud83d\\ude00","list":[1,null,true]}') as { d: string };
    assert.equal(v.d, '😀 Қазақ \u0001 😀');
  });

  it('walks a body nested as deep as JSON.parse takes it (it overflowed the call stack: 500)', () => {
    const deep = (n: number, inner: string) => `{"a":${'['.repeat(n)}${inner}${']'.repeat(n)}}`;
    assert.ok(parseJsonBody(deep(200_000, '')));
    const r = refused(deep(3, '"x\\u0000"'));
    assert.equal(r.field, 'a[0][0][0]');
    assert.match(refused(deep(200_000, '"x\\u0000"')).message, /NUL/);
  });

  it('reports the first problem in document order, keys before their values', () => {
    assert.equal(refused('{"a":["ok",{"b\\u0000":"\\u0000"}],"c":"\\u0000"}').field, 'a[1].b\uFFFD');
    assert.equal(refused('{"a":["ok",{"b":"\\u0000"}],"c\\u0000":1}').field, 'a[1].b');
  });

  it('still names the body for JSON that does not parse', () => {
    assert.equal(refused('{"a":').field, 'body');
  });
});
