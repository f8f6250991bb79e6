/**
 * Console passwords, hashed with scrypt (memory-hard; node's own crypto, no dependency):
 * N = 2^15, r = 8, p = 1 takes 32 MiB and about 0.1 s per hash, so a stolen table costs an attacker
 * that much per guess. Stored as `scrypt$N$r$p$salt$hash` (base64url) so the cost can be raised later
 * and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { InputError } from '../core/errors.ts';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 128 * o.N * o.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, opts, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** Refuses passwords too short to resist guessing (the field is named for the CLI and the forms). */
export function checkPasswordStrength(password: string, username?: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new InputError(`must be at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
  if (password.length > 1024) throw new InputError('must be at most 1024 characters', 'password');
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    throw new InputError('must not contain the user name', 'password');
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing anyone knows: verified against when the user does not exist, so timing does not tell. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`;
