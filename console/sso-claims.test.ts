/** The identity provider's claims → role and user name: table-driven, no default role. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Role } from '../core/auth.ts';
import { claimAt, displayName, mapRole, usernameFrom } from './sso-claims.ts';

const ROLES: Record<string, Role> = {
  'kuzet-viewers': 'viewer',
  'kuzet-operators': 'operator',
  'kuzet-admins': 'admin',
  '/ops/on-call': 'operator',
};

describe('mapRole', () => {
  const cases: [string, unknown, Role | undefined][] = [
    ['one mapped group', ['staff', 'kuzet-operators'], 'operator'],
    ['the highest of several mapped groups, in any order', ['kuzet-admins', 'kuzet-viewers'], 'admin'],
    ['the highest, listed last', ['kuzet-viewers', 'kuzet-operators'], 'operator'],
    ['a single string claim', 'kuzet-viewers', 'viewer'],
    ['a Keycloak group path', ['/ops/on-call'], 'operator'],
    ['no mapped group: no role', ['staff', 'everyone'], undefined],
    ['an empty list', [], undefined],
    ['a missing claim', undefined, undefined],
    ['a claim of another type', { 'kuzet-admins': true }, undefined],
    ['non-strings in the list are ignored', [42, null, 'kuzet-viewers'], 'viewer'],
    ['values are compared exactly (case)', ['KUZET-ADMINS'], undefined],
    ['an Object.prototype name is not a mapping', ['constructor', 'toString'], undefined],
  ];
  for (const [name, claim, want] of cases) it(name, () => assert.equal(mapRole(claim, ROLES), want));
});

describe('usernameFrom', () => {
  const cases: [string, Record<string, unknown>, ReturnType<typeof usernameFrom>][] = [
    ['a plain name, lower-cased', { preferred_username: 'Aigerim.S' }, { ok: true, username: 'aigerim.s' }],
    ['missing', {}, { ok: false, reason: 'the identity provider sent no "preferred_username" claim to name the console user' }],
    [
      'not a string',
      { preferred_username: 7 },
      { ok: false, reason: 'the identity provider sent no "preferred_username" claim to name the console user' },
    ],
    [
      'an e-mail address is not a console name',
      { preferred_username: 'a@b.kz' },
      {
        ok: false,
        reason: 'the "preferred_username" claim "a@b.kz" is not a usable user name (2–64 characters: latin letters, digits, . _ -)',
      },
    ],
    [
      'Cyrillic is not a console name',
      { preferred_username: 'айгерим' },
      {
        ok: false,
        reason: 'the "preferred_username" claim "айгерим" is not a usable user name (2–64 characters: latin letters, digits, . _ -)',
      },
    ],
  ];
  for (const [name, claims, want] of cases) it(name, () => assert.deepEqual(usernameFrom(claims, 'preferred_username'), want));
});

describe('displayName', () => {
  it('takes name, else given and family names, else nothing', () => {
    assert.equal(displayName({ name: ' Айгерим Сейткали ' }), 'Айгерим Сейткали');
    assert.equal(displayName({ given_name: 'Дана', family_name: 'Омарова' }), 'Дана Омарова');
    assert.equal(displayName({ name: 5 }), null);
  });
});

describe('claimAt', () => {
  const claims = { groups: ['a'], realm_access: { roles: ['kuzet-admins'] }, 'https://example.kz/roles': ['x'], 'a.b': 1, a: { b: 2 } };
  const cases: [string, unknown][] = [
    ['groups', ['a']],
    ['realm_access.roles', ['kuzet-admins']],
    ['https://example.kz/roles', ['x']],
    ['a.b', 1],
    ['realm_access.missing', undefined],
    ['groups.length', undefined],
    ['constructor', undefined],
  ];
  for (const [name, want] of cases) it(name, () => assert.deepEqual(claimAt(claims, name), want));
});
