import { ENERGY_366 } from './energy-366.ts';
import { ETP_EM } from './etp-em.ts';
import { MARKING_672 } from './marking-672.ts';
import { PORTAL_692 } from './portal-692.ts';
import type { Policy, PolicyId } from './types.ts';

export * from './types.ts';

/** Every policy by id: one data module per policy. */
export const POLICIES: Readonly<Record<PolicyId, Policy>> = {
  'portal-692': PORTAL_692,
  'etp-em': ETP_EM,
  'energy-366': ENERGY_366,
  'marking-672': MARKING_672,
};
