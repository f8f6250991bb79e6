/** Cursors are opaque to clients, so a forged one is a 400 naming `cursor`, never a 500 (issue #16 item 8). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from 'koa';
import { InputError } from '../core/errors.ts';
import { encodeCursor, tupleCursor } from './paging.ts';

const ctxWith = (cursor: string) => ({ query: { cursor } }) as unknown as Context;

describe('tupleCursor', () => {
  it('gives back what encodeCursor made', () => {
    const at = Date.parse('2026-03-21T10:00:00+05:00');
    assert.deepEqual(tupleCursor(ctxWith(encodeCursor([at, 'inc_1'])), ['number', 'string'] as const), [at, 'inc_1']);
    // A µs keyset position (notices, deliveries) is within range too.
    assert.deepEqual(tupleCursor(ctxWith(encodeCursor([at * 1000, 'k'])), ['number', 'string'] as const), [at * 1000, 'k']);
  });

  const forged: [string, (string | number)[]][] = [
    ['a time past what a Date holds (toISOString threw: 500)', [9_000_000_000_000_000, 'inc_1']],
    ['a time before what a Date holds', [-9_000_000_000_000_000, 'inc_1']],
    ['a NUL in the id (PostgreSQL refused it: 500)', [1, 'inc\u0000']],
    ['a lone surrogate in the id', [1, 'inc\ud800']],
  ];
  for (const [what, parts] of forged) {
    it(`refuses ${what} with 400 naming cursor`, () => {
      assert.throws(
        () => tupleCursor(ctxWith(encodeCursor(parts)), ['number', 'string'] as const),
        (e: unknown) => e instanceof InputError && e.field === 'cursor',
      );
    });
  }
});
