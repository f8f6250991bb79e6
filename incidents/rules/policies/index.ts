import { ENERGY_366 } from './energy-366.ts';
import { ETP_EM } from './etp-em.ts';
import { MARKING_672 } from './marking-672.ts';
import { PORTAL_692 } from './portal-692.ts';
import type { ExtensionPolicy, Policy } from './types.ts';

export * from './types.ts';

/** The policies known to a running kuzet, by id; the engine, lifecycle, clocks and notices take one. */
export interface PolicyRegistry<P extends Policy = Policy> {
  /** Every id, in registration order (docs/rules.md lists them in this order). */
  readonly ids: readonly [P['id'], ...P['id'][]];
  readonly byId: Readonly<Record<P['id'], P>>;
  /** The policy of `id`; throws on an id that was never registered (a bug: ids are validated at the edges). */
  get(id: string): P;
  /** The policy of `id`, or undefined for an id that is not registered. */
  find(id: string): P | undefined;
}

/** Builds a registry; the first policy is the default (a system or appeal that names none). */
export function policyRegistry<const T extends readonly [Policy, ...Policy[]]>(policies: T): PolicyRegistry<T[number]> {
  type P = T[number];
  const byId = Object.fromEntries(policies.map((p) => [p.id, p])) as Record<P['id'], P>;
  if (Object.keys(byId).length !== policies.length) throw new Error(`duplicate policy id in ${policies.map((p) => p.id).join(', ')}`);
  const find = (id: string): P | undefined => (Object.hasOwn(byId, id) ? (byId as Record<string, P>)[id] : undefined);
  return {
    ids: policies.map((p) => p.id) as unknown as readonly [P['id'], ...P['id'][]],
    byId,
    find,
    get(id) {
      const p = find(id);
      if (!p) throw new Error(`no policy ${id}; registered: ${Object.keys(byId).join(', ')}`);
      return p;
    },
  };
}

/** The registration point: one data module per policy, one line here. */
const REGISTERED = policyRegistry([PORTAL_692, ETP_EM, ENERGY_366, MARKING_672]);

type RegisteredPolicy = (typeof REGISTERED.byId)[keyof typeof REGISTERED.byId];
export type PolicyId = RegisteredPolicy['id'];
/** The policies that have deadline extension rules (docs/rules.md §5). */
export type ExtensionPolicyId = Extract<RegisteredPolicy, { readonly extension: ExtensionPolicy }>['id'];
/** The registered policies, each seen as a `Policy` (what callers ask of it). */
export const POLICY_REGISTRY: PolicyRegistry<Policy<PolicyId>> = REGISTERED;
export const POLICY_IDS = POLICY_REGISTRY.ids;
/** Every policy by id. */
export const POLICIES: Readonly<Record<PolicyId, Policy>> = POLICY_REGISTRY.byId;
/** The policy of a system or an appeal that names none. */
export const DEFAULT_POLICY_ID: PolicyId = POLICY_IDS[0];

export const EXTENSION_POLICY_IDS = POLICY_IDS.filter((id) => POLICIES[id].extension !== undefined) as unknown as readonly [
  ExtensionPolicyId,
  ...ExtensionPolicyId[],
];
