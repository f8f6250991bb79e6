/**
 * One process at a time on a PGlite directory (issue #21 item 8): a second process fails at once
 * naming the holder's PID, a lock left by a dead process is taken over, closing the store frees it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, tempDir } from '../test/support.ts';
import { openDb } from './db.ts';
import { DataDirInUseError, LOCK_FILE, lockPgliteDir } from './pglite-lock.ts';

/** The PID of a process that has exited (its number is free again). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('PGlite directory lock', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('a second process opening the same directory fails at once with "in use by PID …"', async () => {
    const data = join(dir.path, 'held');
    const db = await openDb({ dataDir: data });
    try {
      const lock = JSON.parse(readFileSync(join(data, LOCK_FILE), 'utf8')) as { pid: number; since: string };
      assert.equal(lock.pid, process.pid);
      assert.match(lock.since, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:00$/);
      const r = await runCli(['user', 'list', '--data-dir', data], { env: { DATABASE_URL: '', DATABASE_SCHEMA: '' } });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^error: the PGlite data directory ${data} is in use by PID ${process.pid} \\(`));
      assert.match(r.stderr, /PGlite is one process at a time: stop that process/);
    } finally {
      await db.close();
    }
    assert.equal(existsSync(join(data, LOCK_FILE)), false, 'closing the store removes the lock');
  });

  it('takes over a lock left by a process that is gone', () => {
    const data = join(dir.path, 'stale');
    mkdirSync(data, { recursive: true });
    const gone = deadPid();
    writeFileSync(join(data, LOCK_FILE), JSON.stringify({ pid: gone, command: 'kuzet demo', since: '2026-12-01T10:00:00+05:00' }));
    const release = lockPgliteDir(data);
    assert.equal((JSON.parse(readFileSync(join(data, LOCK_FILE), 'utf8')) as { pid: number }).pid, process.pid);
    release();
    assert.equal(existsSync(join(data, LOCK_FILE)), false);
  });

  it('refuses a live holder in process, names it, and counts its own locks', () => {
    const data = join(dir.path, 'live');
    mkdirSync(data, { recursive: true });
    // PID 1 is always alive (init); as another user it answers EPERM, which still counts as alive.
    writeFileSync(join(data, LOCK_FILE), JSON.stringify({ pid: 1, command: 'kuzet start', since: '2026-12-01T10:00:00+05:00' }));
    assert.throws(
      () => lockPgliteDir(data),
      (e: unknown) =>
        e instanceof DataDirInUseError &&
        e.message.startsWith(`the PGlite data directory ${data} is in use by PID 1 (kuzet start, since 2026-12-01T10:00:00+05:00); `) &&
        e.message.endsWith(`If PID 1 is not kuzet, delete ${join(data, LOCK_FILE)}`),
    );
    const own = join(dir.path, 'own');
    const a = lockPgliteDir(own);
    const b = lockPgliteDir(own);
    a();
    assert.equal(existsSync(join(own, LOCK_FILE)), true, 'still held by the second opener');
    b();
    b();
    assert.equal(existsSync(join(own, LOCK_FILE)), false);
  });

  it('an in-memory store takes no lock', async () => {
    const db = await openDb({ dataDir: 'memory://' });
    await db.close();
  });
});
