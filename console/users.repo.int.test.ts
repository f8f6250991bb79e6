/**
 * Sessions on PGlite with the time passed in: they end after 12 hours idle and 24 hours after
 * sign-in however busy, at once when the account is disabled or its password changes, and only a hash
 * of the session id is stored.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { migrate, openDb, type Db } from '../core/db.ts';
import { createUser, lookupSession, setDisabled, setPassword, signIn } from './users.repo.ts';

const H = 3_600_000;
const PASSWORD = 'a long enough password';

describe('console sessions', () => {
  let db: Db;
  const t0 = new Date('2026-03-26T09:00:00+05:00');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const client = { ip: '192.0.2.1', userAgent: 'test' };

  before(async () => {
    db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    for (const u of ['ira', 'ivan']) await createUser(db, { username: u, role: 'operator', password: PASSWORD }, { id: 'test' });
  });
  after(() => db?.close());

  const open = async (username: string, when: Date) => {
    const r = await signIn(db, username, PASSWORD, client, when);
    assert.ok(r.ok);
    return r.session;
  };

  it('stores only the hash of the session id', async () => {
    const s = await open('ira', t0);
    const rows = await db.query<{ id_hash: string }>('SELECT id_hash FROM console_sessions');
    assert.ok(rows.some((r) => r.id_hash === createHash('sha256').update(s.id).digest('hex')));
    assert.ok(!rows.some((r) => r.id_hash === s.id));
  });

  it('ends after 12 hours without a request, and 24 hours after sign-in however busy', async () => {
    const s = await open('ira', t0);
    assert.ok(await lookupSession(db, s.id, at(11 * H)));
    assert.ok(await lookupSession(db, s.id, at(22 * H)), 'the request at 11 h reset the idle clock');
    assert.equal(await lookupSession(db, s.id, at(24 * H + 1)), undefined, 'absolute end');
    const idle = await open('ira', t0);
    assert.equal(await lookupSession(db, idle.id, at(12 * H + 1)), undefined, 'idle end');
    assert.equal(await lookupSession(db, 'not-a-session-id', t0), undefined);
  });

  it('ends every session when the account is disabled or its password changes', async () => {
    const a = await open('ivan', t0);
    await setPassword(db, 'ivan', 'another long password', { id: 'test' }, at(H));
    assert.equal(await lookupSession(db, a.id, at(H)), undefined);
    const r = await signIn(db, 'ivan', 'another long password', client, at(H));
    assert.ok(r.ok);
    await setDisabled(db, 'ivan', true, { id: 'test' }, at(2 * H));
    assert.equal(await lookupSession(db, r.session.id, at(2 * H)), undefined);
    const refused = await signIn(db, 'ivan', 'another long password', client, at(2 * H));
    assert.deepEqual(refused, { ok: false, reason: 'invalid' }, 'a disabled account answers like a wrong password');
  });
});
