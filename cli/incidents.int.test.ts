/**
 * `kuzet token create`: prints a token once, stores only its hash; a bad role exits 2 naming it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashToken } from '../core/auth.ts';
import { openDb } from '../core/db.ts';
import { tempDir } from '../test/support.ts';

const cli = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [new URL('../bin/kuzet.mjs', import.meta.url).pathname, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('kuzet token create', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const config = join(dir.path, 'kuzet.yaml');
  writeFileSync(config, `storage: { dataDir: "${join(dir.path, 'data')}" }\n`);

  it('creates an operator token, printed once and stored hashed', async () => {
    const r = await cli(['token', 'create', '--role', 'operator', '--name', 'on-call', '--config', config]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout) as { id: string; role: string; token: string };
    assert.equal(out.role, 'operator');
    assert.match(out.token, /^kzt_[A-Za-z0-9_-]{43}$/);
    const db = await openDb({ dataDir: join(dir.path, 'data') });
    try {
      const rows = await db.query<{ token_hash: string; role: string }>('SELECT token_hash, role FROM api_tokens WHERE id = $1', [out.id]);
      assert.deepEqual(rows, [{ token_hash: hashToken(out.token), role: 'operator' }]);
      const audit = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE action = 'token.create' AND subject = $1", [
        out.id,
      ]);
      assert.equal(audit.length, 1);
    } finally {
      await db.close();
    }
  });

  it('a role that does not exist exits 2 naming the option', async () => {
    const r = await cli(['token', 'create', '--role', 'admin', '--config', config]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: role: must be one of viewer, operator\n');
  });
});
