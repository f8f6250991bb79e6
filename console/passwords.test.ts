/** scrypt password hashes: verify, refuse wrong passwords and malformed hashes, salt each hash, and the strength rule names its field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../core/errors.ts';
import { DUMMY_HASH, MIN_PASSWORD_LENGTH, checkPasswordStrength, hashPassword, verifyPassword } from './passwords.ts';

test('a hash verifies its password only, and two hashes of one password differ', async () => {
  const a = await hashPassword('correct horse battery staple');
  const b = await hashPassword('correct horse battery staple');
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('correct horse battery staple', a), true);
  assert.equal(await verifyPassword('correct horse battery stapl', a), false);
  assert.equal(await verifyPassword('', a), false);
});

test('Unicode passwords are compared after NFKC normalisation', async () => {
  const h = await hashPassword('Құпиясөз-ﬁ-2026!');
  assert.equal(await verifyPassword('Құпиясөз-fi-2026!', h), true);
});

test('malformed or foreign hashes never verify; the dummy hash matches nothing', async () => {
  assert.equal(await verifyPassword('x', 'bcrypt$whatever'), false);
  assert.equal(await verifyPassword('x', ''), false);
  assert.equal(await verifyPassword('', DUMMY_HASH), false);
});

test('weak passwords are refused naming the field', () => {
  const cases: [string, string | undefined, RegExp][] = [
    ['short', undefined, new RegExp(`at least ${MIN_PASSWORD_LENGTH} characters`)],
    ['olga-olga-olga-2026', 'olga', /must not contain the user name/],
    ['x'.repeat(1025), undefined, /at most 1024/],
  ];
  for (const [pw, user, msg] of cases) {
    assert.throws(
      () => checkPasswordStrength(pw, user),
      (e: unknown) => e instanceof InputError && e.field === 'password' && msg.test(e.message),
    );
  }
  assert.doesNotThrow(() => checkPasswordStrength('a long enough password', 'olga'));
});
