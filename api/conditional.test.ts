import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notModified, parseEntityTags, parseHttpDate } from './conditional.ts';

const LM = new Date('1994-11-06T08:49:37.400Z');
const V = { etag: 'W/"abc"', lastModified: LM };

test('If-None-Match: weak comparison, lists, *, and it decides alone when present (RFC 9110 §13.1.2, §13.1.3)', () => {
  const cases: [string | undefined, string | undefined, boolean][] = [
    ['W/"abc"', undefined, true],
    ['"abc"', undefined, true],
    ['"x", W/"abc"', undefined, true],
    ['"x",W/"abc"  ,', undefined, true],
    [', ,"abc"', undefined, true],
    ['*', undefined, true],
    ['"ABC"', undefined, false],
    ['abc', undefined, false],
    ['W/abc', undefined, false],
    ['"a,b", "abc"', undefined, true],
    ['"x" "abc"', undefined, false],
    ['"x"', 'Sun, 06 Nov 1994 08:49:37 GMT', false],
    ['"abc"', 'Sat, 05 Nov 1994 08:49:37 GMT', true],
    ['', 'Sun, 06 Nov 1994 08:49:37 GMT', true],
    [undefined, 'Sun, 06 Nov 1994 08:49:37 GMT', true],
    [undefined, 'Sun, 06 Nov 1994 08:49:36 GMT', false],
    [undefined, 'Mon, 07 Nov 1994 00:00:00 GMT', true],
    [undefined, 'Sunday, 06-Nov-94 08:49:37 GMT', true],
    [undefined, 'Sun Nov  6 08:49:37 1994', true],
    [undefined, 'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT', false],
    [undefined, 'Sun, 06 Nov 1994 08:49:37 +0000', false],
    [undefined, 'yesterday', false],
    [undefined, undefined, false],
  ];
  for (const [ifNoneMatch, ifModifiedSince, want] of cases)
    assert.equal(notModified({ ifNoneMatch, ifModifiedSince }, V), want, `${ifNoneMatch} | ${ifModifiedSince}`);
});

test('entity tag lists: quoted tags with or without W/, commas inside quotes, garbage refused', () => {
  assert.deepEqual(parseEntityTags(' W/"a" , "b,c",'), ['W/"a"', '"b,c"']);
  assert.equal(parseEntityTags(' * '), '*');
  assert.equal(parseEntityTags('"a" junk'), undefined);
  assert.equal(parseEntityTags(' , '), undefined);
  assert.equal(parseEntityTags('"a"b"'), undefined);
});

test('HTTP-date in its three forms; a calendar-impossible date is none', () => {
  const want = Date.UTC(1994, 10, 6, 8, 49, 37);
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), want);
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(2026, 0, 1)), want);
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), want);
  // RFC 850's two-digit year: more than 50 years ahead is the past century.
  assert.equal(parseHttpDate('Friday, 01-Jan-76 00:00:00 GMT', Date.UTC(2026, 0, 1)), Date.UTC(2076, 0, 1));
  assert.equal(parseHttpDate('Thursday, 01-Jan-77 00:00:00 GMT', Date.UTC(2026, 0, 1)), Date.UTC(1977, 0, 1));
  assert.equal(parseHttpDate('Thu, 31 Feb 1994 08:49:37 GMT'), undefined);
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 24:49:37 GMT'), undefined);
  assert.equal(parseHttpDate('1994-11-06T08:49:37Z'), undefined);
});
