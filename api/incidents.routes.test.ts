/** The per-BIN/IIN appeal limit counts only what could be a BIN/IIN (issue #16 item 5). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binIinLimitKey } from './incidents.routes.ts';

describe('binIinLimitKey', () => {
  const table: [string, unknown, string | undefined][] = [
    ['a valid BIN', { binIin: '990340005977' }, '990340005977'],
    ['12 digits with a wrong check digit (counted: checked or not)', { binIin: '990340005970' }, '990340005970'],
    ['12 digits with spaces around', { binIin: ' 990340005977 ' }, '990340005977'],
    ['a long string (kept, it parked up to 256 KB per request in memory)', { binIin: '9'.repeat(200_000) }, undefined],
    ['letters', { binIin: 'abcdefghijkl' }, undefined],
    ['a number, not a string', { binIin: 990340005977 }, undefined],
    ['no binIin', { organisation: 'x' }, undefined],
    ['not an object', '990340005977', undefined],
    ['null', null, undefined],
  ];
  for (const [what, body, want] of table) it(what, () => assert.equal(binIinLimitKey(body), want));
});
