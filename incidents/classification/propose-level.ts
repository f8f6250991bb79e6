/**
 * The proposed failure level (issue item 4, docs/rules.md §3) from monitoring evidence, with the
 * reasons and the CL-* rule it rests on. The operator confirms or overrides it with a reason; the
 * energy platform's level is agreed with the authorised body (003 §24). Pure: the failure start is
 * passed in and only the working calendar is consulted.
 *
 * Mapping used (the "suggested automatic mapping" of §3): a module down for every probe and region →
 * high; a function failing for some probes or regions → medium; degraded but usable (only timeouts,
 * or a user report without corroborating monitoring evidence) → low. energy-366 differs: the whole
 * platform down → high; a key section down → medium — in working hours; a failure that has lasted
 * only outside working hours so far is low (CL-E-LOW). The energy level follows the failure through
 * time: proposed for the moment `at`, a failure that started at 08:55 is low at 08:55 and, still
 * going, high from 09:00 (`since`); while it is outside working hours the proposal says when to look
 * again (`reviewAt`, the next opening).
 */
import { formatAstana } from '../../core/time.ts';
import { isWorkingTime, nextOpeningMs, type Level, type PolicyId } from '../rules/index.ts';

export interface LevelEvidence {
  /** Checks configured for the failing module, and how many of them fail. */
  moduleChecks: number;
  failingChecks: number;
  /** Regions the module's checks run in, and how many of them saw failures. */
  regions: number;
  failingRegions: number;
  /** Modules of the system, and how many have an open incident (energy-366: the whole platform). */
  systemModules: number;
  failingModules: number;
  errorKinds: Readonly<Record<string, number>>;
  /** S, epoch milliseconds. */
  startedAt: number;
  /** The moment the proposal is made for (default S); the failure is still going then. */
  at?: number;
  /** Only a user report, no monitoring evidence. */
  appealOnly?: boolean;
}

export interface LevelProposal {
  level: Level;
  rule: string | null;
  reasons: string[];
  /** From when the proposed level holds (energy-366: the failure's first moment in working hours). */
  since?: number;
  /** Propose again at this moment if the failure still lasts (energy-366, outside working hours: the next opening). */
  reviewAt?: number;
}

const RULE_IDS: Readonly<Record<PolicyId, Readonly<Record<Level, string | null>>>> = {
  'portal-692': { low: 'CL-P-LOW', medium: 'CL-P-MED', high: 'CL-P-HIGH' },
  'energy-366': { low: 'CL-E-LOW', medium: 'CL-E-MED', high: 'CL-E-HIGH' },
  // No classification rules in these policies: the portal's mapping is used without a rule id.
  'etp-em': { low: null, medium: null, high: null },
  'marking-672': { low: null, medium: null, high: null },
};

function onlyTimeouts(kinds: Readonly<Record<string, number>>): boolean {
  const present = Object.entries(kinds).filter(([, n]) => n > 0).map(([k]) => k);
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

export function proposeLevel(policy: PolicyId, e: LevelEvidence): LevelProposal {
  const reasons: string[] = [];
  let level: Level;
  let since: number | undefined;
  let reviewAt: number | undefined;
  if (policy === 'energy-366') {
    // §23.1–23.3 judge the failure in working hours: from its start if it started in them, else from
    // the next opening — once the failure has lasted until then.
    const at = Math.max(e.at ?? e.startedAt, e.startedAt);
    const working = isWorkingTime('energy-support', e.startedAt) ? e.startedAt : nextOpeningMs('energy-support', e.startedAt);
    if (working > at) {
      reasons.push('the failure has lasted only outside the working hours of the energy platform so far (09:00–18:30 on working days)');
      level = 'low';
      since = e.startedAt;
      reviewAt = working;
    } else if (e.appealOnly || e.failingChecks === 0) {
      reasons.push('user report without corroborating monitoring evidence');
      level = 'low';
    } else if (e.systemModules > 0 && e.failingModules >= e.systemModules && e.failingRegions >= e.regions) {
      reasons.push(`every module of the platform (${e.failingModules} of ${e.systemModules}) is failing during working hours`);
      level = 'high';
    } else if (e.failingChecks >= e.moduleChecks && e.failingRegions >= e.regions && !onlyTimeouts(e.errorKinds)) {
      reasons.push('a key functional section is down for every probe and region during working hours');
      level = 'medium';
    } else {
      reasons.push('core functions still work for some probes or regions');
      level = 'low';
    }
    if (since === undefined) {
      since = working;
      if (working > e.startedAt) reasons.push(`started outside working hours; in working hours from ${formatAstana(working)}`);
    }
  } else {
    level = fromEvidence(e, reasons);
  }
  return { level, rule: RULE_IDS[policy][level], reasons, ...(since === undefined ? {} : { since }), ...(reviewAt === undefined ? {} : { reviewAt }) };
}
