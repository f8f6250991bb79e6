/**
 * `kuzet user …` as an operator runs it, on a PGlite directory: add with a generated password and from
 * stdin, list, role change (audited), sign-in with the new account, bad input exiting 2 naming the field.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { migrate, openDb } from '../core/db.ts';
import { runCli, tempDir } from '../test/support.ts';
import { signIn } from './users.repo.ts';

describe('kuzet user', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const user = (args: string[], input?: string) =>
    runCli(['user', ...args, '--data-dir', dataDir], {
      ...(input !== undefined ? { input } : {}),
      env: { DATABASE_URL: '', DATABASE_SCHEMA: '' },
    });
  after(() => dir.remove());

  it('adds accounts, lists them, changes a role and refuses bad input with exit 2', { timeout: 120_000 }, async () => {
    const gen = await user(['add', 'Alice', '--role', 'admin', '--name', 'Алиса А.', '--generate']);
    assert.equal(gen.code, 0, gen.stderr);
    const made = JSON.parse(gen.stdout) as { username: string; role: string; name: string; password: string };
    assert.equal(made.username, 'alice');
    assert.equal(made.role, 'admin');
    assert.equal(made.name, 'Алиса А.');
    assert.ok(made.password.length >= 20);

    const piped = await user(['add', 'bob', '--role', 'operator'], 'a password from stdin\n');
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(JSON.parse(piped.stdout).password, undefined, 'a given password is never printed');

    const dup = await user(['add', 'bob', '--role', 'viewer'], 'another long password\n');
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /user "bob" exists already/);
    const badRole = await user(['add', 'carl', '--role', 'root'], 'another long password\n');
    assert.equal(badRole.code, 2);
    assert.equal(badRole.stderr, 'error: role: must be one of viewer, operator, admin\n');
    const weak = await user(['add', 'carl', '--role', 'viewer'], 'short\n');
    assert.equal(weak.code, 2);
    assert.equal(weak.stderr, 'error: password: must be at least 12 characters\n');
    const badName = await user(['add', 'a b', '--role', 'viewer'], 'another long password\n');
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /^error: username: 2–64 characters/);

    const role = await user(['role', 'bob', 'viewer']);
    assert.equal(role.code, 0, role.stderr);
    const list = (await user(['list'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { username: string; role: string; disabled: boolean });
    assert.deepEqual(
      list.map((u) => [u.username, u.role, u.disabled]),
      [
        ['alice', 'admin', false],
        ['bob', 'viewer', false],
      ],
    );
    const lastAdmin = await user(['role', 'alice', 'viewer']);
    assert.equal(lastAdmin.code, 1);
    assert.match(lastAdmin.stderr, /the last active admin/);

    const db = await openDb({ dataDir });
    try {
      await migrate(db);
      const r = await signIn(db, 'bob', 'a password from stdin', { ip: '127.0.0.1', userAgent: 'test' }, new Date());
      assert.equal(r.ok, true);
      const audit = await db.query<{ actor: string; action: string; before: unknown; after: unknown }>(
        "SELECT actor, action, before, after FROM audit_log WHERE action LIKE 'user.%' ORDER BY id",
      );
      assert.deepEqual(
        audit.map((a) => [a.actor, a.action]),
        [
          ['system:cli', 'user.create'],
          ['system:cli', 'user.create'],
          ['system:cli', 'user.role'],
        ],
      );
      assert.deepEqual([audit[2]?.before, audit[2]?.after], [{ role: 'operator' }, { role: 'viewer' }]);
    } finally {
      await db.close();
    }
  });
});
