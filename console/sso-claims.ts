/**
 * What the identity provider's claims mean for kuzet, as pure functions: the role a person gets and
 * the console user name. No default role: a person whose claim maps to nothing gets none.
 */
import { roleAtLeast, type Role } from '../core/auth.ts';
import { usernameSchema } from './users.repo.ts';

/**
 * A claim by its name, or, when no claim has that name and it has dots, by its path: Keycloak's realm
 * roles are `realm_access.roles`, while Auth0's namespaced claims (`https://example.kz/roles`) keep their dots.
 */
export function claimAt(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let node: unknown = claims;
  for (const part of name.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The claim's values as strings: a string, a list of strings, or (Keycloak's realm roles) nothing else. */
export function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The highest role any value maps to, or undefined when none does. */
export function mapRole(claim: unknown, roles: Readonly<Record<string, Role>>): Role | undefined {
  let best: Role | undefined;
  for (const v of claimValues(claim)) {
    const r = Object.hasOwn(roles, v) ? roles[v] : undefined;
    if (r && (!best || roleAtLeast(r, best))) best = r;
  }
  return best;
}

/** The console user name from a claim, by the local accounts' rules, or a reason naming the claim. */
export function usernameFrom(
  claims: Readonly<Record<string, unknown>>,
  claim: string,
): { ok: true; username: string } | { ok: false; reason: string } {
  const v = claims[claim];
  if (typeof v !== 'string' || v.trim() === '')
    return { ok: false, reason: `the identity provider sent no "${claim}" claim to name the console user` };
  const r = usernameSchema.safeParse(v);
  if (!r.success)
    return {
      ok: false,
      reason: `the "${claim}" claim "${v.slice(0, 100)}" is not a usable user name (2–64 characters: latin letters, digits, . _ -)`,
    };
  return { ok: true, username: r.data };
}

/** The person's display name: `name`, else given and family names, else nothing. */
export function displayName(claims: Readonly<Record<string, unknown>>): string | null {
  const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const full = s(claims.name) || [s(claims.given_name), s(claims.family_name)].filter(Boolean).join(' ');
  return full ? full.slice(0, 200) : null;
}
