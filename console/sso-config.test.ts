/** `console.oidc` in kuzet.yaml: invalid blocks paired with the exact errors they produce; off when absent. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { PROBES } from '../probes/index.ts';

const parse = (oidc: unknown, env: NodeJS.ProcessEnv = {}) => parseConfig(JSON.stringify({ console: { oidc } }), PROBES, env);
const GOOD = {
  issuer: 'https://sso.example.kz/realms/ops',
  clientId: 'kuzet',
  clientSecret: '${OIDC_SECRET}',
  roles: { 'kuzet-admins': 'admin' },
};

function issuesOf(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.issues;
  }
  assert.fail('expected a ConfigError');
}

describe('console.oidc config', () => {
  it('is off when absent, and applies its defaults when present', () => {
    assert.equal(parseConfig('{}', PROBES, {}).console, undefined);
    assert.equal(parseConfig(JSON.stringify({ console: {} }), PROBES, {}).console?.oidc, undefined);
    const c = parse(GOOD, { OIDC_SECRET: 's3cret' }).console?.oidc;
    assert.deepEqual(c, {
      issuer: 'https://sso.example.kz/realms/ops',
      clientId: 'kuzet',
      clientSecret: 's3cret',
      scopes: ['openid', 'profile', 'email'],
      usernameClaim: 'preferred_username',
      roleClaim: 'groups',
      roles: { 'kuzet-admins': 'admin' },
    });
    assert.ok(Object.isFrozen(c?.roles));
    // A public client (no secret) and plain http on a loopback address (a development provider) are allowed.
    assert.equal(
      parse({ issuer: 'http://127.0.0.1:8081/realms/dev', clientId: 'kuzet', roles: { ops: 'operator' } }).console?.oidc?.clientSecret,
      undefined,
    );
  });

  const cases: [string, unknown, NodeJS.ProcessEnv, { field: string; message: string }[]][] = [
    [
      'plain http to another host',
      { ...GOOD, issuer: 'http://sso.example.kz' },
      { OIDC_SECRET: 'x' },
      [{ field: 'console.oidc.issuer', message: 'must use https (plain http only for a loopback address such as 127.0.0.1)' }],
    ],
    [
      'not a URL',
      { ...GOOD, issuer: 'sso.example.kz' },
      { OIDC_SECRET: 'x' },
      [
        {
          field: 'console.oidc.issuer',
          message: 'must be an absolute URL (the issuer identifier, e.g. https://sso.example.kz/realms/ops)',
        },
      ],
    ],
    [
      'no client id, no roles',
      { issuer: GOOD.issuer },
      {},
      [
        { field: 'console.oidc.clientId', message: 'required' },
        { field: 'console.oidc.roles', message: 'required: a map from claim values to roles' },
      ],
    ],
    [
      'an empty role map',
      { ...GOOD, roles: {} },
      { OIDC_SECRET: 'x' },
      [{ field: 'console.oidc.roles', message: 'map at least one claim value to a role' }],
    ],
    [
      'an unknown role',
      { ...GOOD, roles: { ops: 'root' } },
      { OIDC_SECRET: 'x' },
      [{ field: 'console.oidc.roles.ops', message: 'must be one of viewer, operator, admin' }],
    ],
    [
      'a secret from an unset variable',
      GOOD,
      {},
      [
        { field: 'console.oidc.clientSecret', message: 'environment variable OIDC_SECRET is not set' },
        { field: 'console.oidc.clientSecret', message: 'must not be empty; omit it for a public client' },
      ],
    ],
    [
      'scopes without openid, one with a space',
      { ...GOOD, scopes: ['profile', 'a b'] },
      { OIDC_SECRET: 'x' },
      [
        { field: 'console.oidc.scopes[1]', message: 'a scope is one word without spaces or quotes' },
        { field: 'console.oidc.scopes', message: 'must include "openid"' },
      ],
    ],
    [
      'a callback on another path',
      { ...GOOD, redirectUrl: 'https://kuzet.example.kz/callback' },
      { OIDC_SECRET: 'x' },
      [{ field: 'console.oidc.redirectUrl', message: 'the path must be /console/login/oidc/callback' }],
    ],
    [
      'a callback over plain http',
      { ...GOOD, redirectUrl: 'http://kuzet.example.kz/console/login/oidc/callback' },
      { OIDC_SECRET: 'x' },
      [{ field: 'console.oidc.redirectUrl', message: 'must use https (plain http only for a loopback address such as 127.0.0.1)' }],
    ],
    [
      'a bad claim name',
      { ...GOOD, roleClaim: 'realm access' },
      { OIDC_SECRET: 'x' },
      [{ field: 'console.oidc.roleClaim', message: 'a claim name: letters, digits and _ : . / -' }],
    ],
    [
      'an unknown key',
      { ...GOOD, defaultRole: 'viewer' },
      { OIDC_SECRET: 'x' },
      [{ field: 'console.oidc', message: 'Unrecognized key: "defaultRole"' }],
    ],
  ];
  for (const [name, oidc, env, want] of cases)
    it(`refuses ${name}`, () =>
      assert.deepEqual(
        issuesOf(() => parse(oidc, env)),
        want,
      ));
});
