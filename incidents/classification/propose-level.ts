/**
 * The proposed failure level (issue item 4, docs/rules.md §3) from monitoring evidence, with the
 * reasons and the CL-* rule it rests on. The operator confirms or overrides it with a reason; the
 * energy platform's level is agreed with the authorised body (003 §24). Pure: the failure start is
 * passed in and only the working calendar is consulted.
 *
 * Mapping used (the "suggested automatic mapping" of §3): a module down for every probe and region →
 * high; a function failing for some probes or regions → medium; degraded but usable (only timeouts,
 * or a user report without corroborating monitoring evidence) → low. A policy that judges
 * differently carries its own `proposeLevel` (energy-366: working hours, the whole platform;
 * incidents/rules/policies/energy-366.ts).
 */
import { POLICY_REGISTRY, type Level, type LevelEvidence, type LevelProposal, type PolicyId, type PolicyRegistry } from '../rules/index.ts';

export type { LevelEvidence, LevelProposal } from '../rules/index.ts';

function onlyTimeouts(kinds: Readonly<Record<string, number>>): boolean {
  const present = Object.entries(kinds)
    .filter(([, n]) => n > 0)
    .map(([k]) => k);
  return present.length > 0 && present.every((k) => k === 'timeout');
}

function fromEvidence(e: LevelEvidence, reasons: string[]): Level {
  if (e.appealOnly || e.failingChecks === 0) {
    reasons.push('user report without corroborating monitoring evidence');
    return 'low';
  }
  const allChecks = e.failingChecks >= e.moduleChecks;
  const allRegions = e.failingRegions >= e.regions;
  reasons.push(`${e.failingChecks} of ${e.moduleChecks} checks of the module failing in ${e.failingRegions} of ${e.regions} regions`);
  if (onlyTimeouts(e.errorKinds) && !(allChecks && allRegions)) {
    reasons.push('only timeouts: degraded but usable');
    return 'low';
  }
  if (allChecks && allRegions) {
    reasons.push('the module is down for every probe and region');
    return 'high';
  }
  reasons.push('a function fails for some probes or regions');
  return 'medium';
}

/**
 * The policy's own proposal when it has one (energy-366), else the default mapping; the rule cited is
 * the policy's CL-* rule of that level (none when the policy defines no levels, as etp-em).
 */
export function proposeLevel(policy: PolicyId, e: LevelEvidence, policies: PolicyRegistry = POLICY_REGISTRY): LevelProposal {
  const p = policies.get(policy);
  const reasons: string[] = [];
  const own = p.proposeLevel?.(e) ?? { level: fromEvidence(e, reasons), reasons };
  const rule = p.classification.find((c) => c.level === own.level)?.id ?? null;
  return {
    level: own.level,
    rule,
    reasons: own.reasons,
    ...(own.since === undefined ? {} : { since: own.since }),
    ...(own.reviewAt === undefined ? {} : { reviewAt: own.reviewAt }),
  };
}
