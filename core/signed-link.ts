/**
 * Signed, expiring links: a viewer can share one screenshot with someone who has no token, for a
 * limited time, without making every run public. The key is random, made once and kept in the
 * database (`server_keys`), so every kuzet process signs and checks alike.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from './db.ts';
import { storeOrReadKey } from './server-keys.repo.ts';

const keys = new WeakMap<Queryable, Map<string, Promise<Buffer>>>();

/** The key named `name`, created on first use (two processes racing both read the winner's). */
export function serverKey(db: Queryable, name: string): Promise<Buffer> {
  let byName = keys.get(db);
  if (!byName) keys.set(db, (byName = new Map()));
  let key = byName.get(name);
  if (!key) {
    key = (async () => {
      const stored = await storeOrReadKey(db, name, randomBytes(32).toString('base64url'));
      if (stored === undefined) throw new Error(`server key ${name} could not be stored`);
      return Buffer.from(stored, 'base64url');
    })();
    key.catch(() => byName.delete(name));
    byName.set(name, key);
  }
  return key;
}

const mac = (key: Buffer, path: string, expires: number) => createHmac('sha256', key).update(`${path}\n${expires}`).digest('base64url');

/** `path?expires=…&sig=…`, valid until `expiresAt`. */
export function signPath(key: Buffer, path: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${path}?expires=${expires}&sig=${mac(key, path, expires)}`;
}

/** Whether `sig` signs `path` until `expires` (Unix seconds) and that time has not passed. */
export function checkSignedPath(key: Buffer, path: string, expires: string, sig: string, now: Date): 'ok' | 'expired' | 'invalid' {
  if (!/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return 'invalid';
  const want = Buffer.from(mac(key, path, Number(expires)));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'invalid';
  return Number(expires) * 1000 > now.getTime() ? 'ok' : 'expired';
}
