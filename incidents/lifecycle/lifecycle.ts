/**
 * The incident lifecycle (issue item 3): registered → analysing → confirmed | refuted → resolved →
 * closed, with the fields each transition requires. Pure: `now` is passed in; the result is the patch
 * the store applies and the timeline records.
 */
import { LEVELS, POLICY_REGISTRY, type Level, type PolicyRegistry } from '../rules/index.ts';

export const INCIDENT_STATES = ['registered', 'analysing', 'confirmed', 'refuted', 'resolved', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** Failure kinds (docs/rules.md §3, 001 §3): each confirmed incident records one. */
export const FAILURE_KINDS = {
  'operator-unlawful-action': 'operator-dependent',
  'operator-infosec-failure': 'operator-dependent',
  'operator-physical-damage': 'operator-dependent',
  'third-party-physical-damage': 'operator-independent',
  'computer-attack': 'operator-independent',
  'third-party-conditions': 'operator-independent',
  'user-network-or-power': 'operator-independent',
  'user-computer-limitations': 'operator-independent',
  'user-malware': 'operator-independent',
  'user-non-compliance': 'operator-independent',
  'eds-key-misuse': 'operator-independent',
} as const;
export type FailureKind = keyof typeof FAILURE_KINDS;
export const FAILURE_KIND_IDS = Object.keys(FAILURE_KINDS) as FailureKind[];

export const TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  registered: ['analysing'],
  analysing: ['confirmed', 'refuted'],
  confirmed: ['resolved'],
  refuted: ['closed'],
  resolved: ['closed'],
  closed: [],
};

/** Fields an operator gives with a transition. Instants are epoch milliseconds. */
export interface TransitionFields {
  evidence?: string | undefined;
  level?: Level | undefined;
  /** Why the confirmed level differs from the proposed one. */
  levelReason?: string | undefined;
  /** energy-366: with whom (and by which document) the level was agreed; 003 §24 (уровень согласовывается с уполномоченным органом). */
  levelAgreedWith?: string | undefined;
  kind?: FailureKind | undefined;
  plannedFixAt?: number | undefined;
  actualFixAt?: number | undefined;
  /** The Russian text; with `causeKk` its Kazakh one (issue #21 item 6). */
  cause?: string | undefined;
  causeKk?: string | undefined;
  measures?: string | undefined;
  measuresKk?: string | undefined;
  recommendations?: string | undefined;
  decision?: string | undefined;
}

/** What the lifecycle needs to know of an incident. */
export interface LifecycleFacts {
  state: IncidentState;
  /** The incident's policy; its `lifecycle` says what a confirmation needs besides (energy-366: the authorised body's agreement). */
  policy?: string | undefined;
  startedAt: number;
  proposedLevel: Level | null;
}

/** What a transition changes on the incident. */
export interface TransitionPatch {
  state: IncidentState;
  analysingAt?: number;
  confirmedAt?: number;
  refutedAt?: number;
  resolvedAt?: number;
  closedAt?: number;
  refuteEvidence?: string;
  level?: Level;
  levelReason?: string | null;
  levelAgreedWith?: string;
  kind?: FailureKind;
  plannedFixAt?: number;
  actualFixAt?: number;
  cause?: string;
  causeKk?: string;
  measures?: string;
  measuresKk?: string;
  recommendations?: string;
  decision?: string;
}

export type Issue = { field: string; message: string };

export class TransitionError extends Error {
  constructor(
    readonly kind: 'not-allowed' | 'missing-fields',
    message: string,
    readonly allowed: readonly IncidentState[],
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

const REQUIRED: Readonly<Record<IncidentState, readonly (keyof TransitionFields)[]>> = {
  registered: [],
  analysing: [],
  confirmed: ['level', 'kind', 'plannedFixAt'],
  refuted: ['evidence'],
  resolved: ['actualFixAt', 'cause', 'measures'],
  closed: ['recommendations'],
};

/** The fields a transition into `to` requires. */
export const requiredFields = (to: IncidentState) => REQUIRED[to];

/**
 * Checks a transition and returns the patch. Throws {@link TransitionError}: `not-allowed` naming the
 * allowed next states, or `missing-fields` with every missing or inconsistent field.
 */
export function transition(
  inc: LifecycleFacts,
  to: IncidentState,
  f: TransitionFields,
  now: number,
  policies: PolicyRegistry = POLICY_REGISTRY,
): TransitionPatch {
  const allowed = TRANSITIONS[inc.state];
  if (!allowed.includes(to)) {
    throw new TransitionError(
      'not-allowed',
      `cannot go from ${inc.state} to ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (closed is final)'}`,
      allowed,
    );
  }
  const issues: Issue[] = [];
  for (const k of REQUIRED[to]) {
    const v = f[k];
    if (v === undefined || (typeof v === 'string' && v.trim() === '')) issues.push({ field: k, message: `required to go to ${to}` });
  }
  if (to === 'confirmed') {
    if (f.level !== undefined && !LEVELS.includes(f.level)) issues.push({ field: 'level', message: `must be one of ${LEVELS.join(', ')}` });
    if (f.level !== undefined && inc.proposedLevel !== null && f.level !== inc.proposedLevel && !f.levelReason?.trim()) {
      issues.push({
        field: 'levelReason',
        message: `required when the level (${f.level}) differs from the proposed one (${inc.proposedLevel})`,
      });
    }
    if (f.plannedFixAt !== undefined && f.plannedFixAt < inc.startedAt)
      issues.push({ field: 'plannedFixAt', message: 'is before the failure start' });
    const agreement = inc.policy === undefined ? undefined : policies.find(inc.policy)?.lifecycle?.levelAgreement;
    if (agreement && !f.levelAgreedWith?.trim())
      issues.push({
        field: 'levelAgreedWith',
        message: `required for ${inc.policy}: the level is agreed with ${agreement.with} (${agreement.source})`,
      });
  }
  if (to === 'resolved' && f.actualFixAt !== undefined) {
    if (f.actualFixAt < inc.startedAt) issues.push({ field: 'actualFixAt', message: 'is before the failure start' });
    if (f.actualFixAt > now) issues.push({ field: 'actualFixAt', message: 'is in the future' });
  }
  if (issues.length > 0)
    throw new TransitionError('missing-fields', issues.map((i) => `${i.field}: ${i.message}`).join('; '), allowed, issues);

  const p: TransitionPatch = { state: to };
  switch (to) {
    case 'analysing':
      p.analysingAt = now;
      break;
    case 'refuted':
      p.refutedAt = now;
      p.refuteEvidence = f.evidence as string;
      if (f.decision) p.decision = f.decision;
      break;
    case 'confirmed':
      p.confirmedAt = now;
      p.level = f.level as Level;
      p.levelReason = f.levelReason ?? null;
      p.kind = f.kind as FailureKind;
      if (f.levelAgreedWith) p.levelAgreedWith = f.levelAgreedWith;
      p.plannedFixAt = f.plannedFixAt as number;
      if (f.decision) p.decision = f.decision;
      break;
    case 'resolved':
      p.resolvedAt = now;
      p.actualFixAt = f.actualFixAt as number;
      p.cause = f.cause as string;
      p.measures = f.measures as string;
      if (f.causeKk) p.causeKk = f.causeKk;
      if (f.measuresKk) p.measuresKk = f.measuresKk;
      break;
    case 'closed':
      p.closedAt = now;
      p.recommendations = f.recommendations as string;
      break;
    case 'registered':
      break;
  }
  return p;
}

/** Whether the state still counts as an open incident (detection may attach new failures to it). */
export const isActive = (s: IncidentState) => s === 'registered' || s === 'analysing' || s === 'confirmed';
