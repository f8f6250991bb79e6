import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateJsonPath, parseJsonPath } from './json-path.ts';

const doc = { a: { b: [10, 20, 30] }, 'x-y': { "it's": true }, list: [{ n: 1 }, { n: 2 }, { m: 3 }], nil: null };

describe('JSONPath subset', () => {
  const table: [string, unknown[]][] = [
    ['$', [doc]],
    ['$.a.b[0]', [10]],
    ['$.a.b[-1]', [30]],
    ['$.a.b[3]', []],
    ["$['x-y']", [{ "it's": true }]],
    ["$['x-y']['it\\'s']", [true]],
    ['$["x-y"]', [{ "it's": true }]],
    ['$.list[*].n', [1, 2]],
    ['$.a.*', [[10, 20, 30]]],
    ['$.nil', [null]],
    ['$.nil.x', []],
    ['$.missing', []],
    ['$.a.b.length', []],
  ];
  for (const [path, values] of table) {
    it(`${path} → ${JSON.stringify(values)}`, () => assert.deepEqual(evaluateJsonPath(parseJsonPath(path), doc), values));
  }

  const invalid: [string, string][] = [
    ['a.b', 'a JSONPath starts with "$"'],
    ['$.', 'cannot read "." at position 1'],
    ['$..a', 'cannot read "..a" at position 1'],
    ['$[?(@.a)]', 'cannot read "[?(@.a)]" at position 1'],
    ["$['a]", 'cannot read "[\'a]" at position 1'],
    ['$.list.0', 'cannot read ".0" at position 6'],
  ];
  for (const [path, message] of invalid) {
    it(`refuses ${path}`, () => assert.throws(() => parseJsonPath(path), { message }));
  }

  it('finds every key of a flat object by name', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (obj) => {
        for (const [key, value] of Object.entries(obj)) {
          const path = `$[${JSON.stringify(key)}]`;
          // JSON.stringify escapes as \", \\ and \uXXXX; the subset unescapes \x to x, so only simple keys round-trip.
          if (/["\\]/.test(key) || [...key].some((c) => c < ' ')) continue;
          assert.deepEqual(evaluateJsonPath(parseJsonPath(path), obj), [value]);
        }
      }),
    );
  });
});
