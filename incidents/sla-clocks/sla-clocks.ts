/**
 * The SLA clocks of an incident (issue item 5, docs/rules.md §4): which timers of its policy run,
 * from which event, for its source (monitoring or a user's appeal) and level, each with its due time
 * from the rules engine and the event that meets it. Pure: the facts carry every instant.
 */
import type { AppealChannel } from '../appeals/appeal-channel.ts';
import {
  POLICIES,
  POLICY_IDS,
  POLICY_REGISTRY,
  timerDueAtMs,
  type ClockMet,
  type ClockRule,
  type ClockStart,
  type DutyId,
  type Level,
  type Policy,
  type PolicyId,
  type PolicyRegistry,
  type SlaTimer,
  type SlaTimerId,
} from '../rules/index.ts';

export type ClockState = 'running' | 'met' | 'breached';
export type IncidentSource = 'monitoring' | 'appeal';

/** The instants an incident has reached, epoch milliseconds. */
export interface ClockFacts {
  policy: PolicyId;
  source: IncidentSource;
  level: Level | null;
  /** The level kuzet proposed from the evidence before anyone confirmed it. */
  proposedLevel?: Level | null;
  /** Receipt of the failure information: the appeal's arrival, or detection. */
  receivedAt: number;
  registeredAt: number;
  /** The user's own detection time (appeals). */
  userDetectedAt?: number | null;
  confirmedAt?: number | null;
  refutedAt?: number | null;
  resolvedAt?: number | null;
  /** The intake channel of the one appeal whose clocks these are (appeal-clocks.ts); never an incident's. */
  channel?: AppealChannel | undefined;
}

export interface Clock {
  timer: SlaTimerId | DutyId;
  startedAt: number;
  /** null for an untimed duty (SLA-P-LOW-FIXED): done or not done, never late. */
  dueAt: number | null;
  /** When the duty was done, when the incident itself shows it (e.g. confirmation meets SLA-P-ANALYSE). */
  metAt: number | null;
  informational: boolean;
}

/** Per policy: the timers, what starts each and what meets it (each policy's `clocks`). */
export const CLOCK_RULES: Readonly<Record<PolicyId, readonly ClockRule[]>> = Object.fromEntries(
  POLICY_IDS.map((id) => [id, POLICIES[id].clocks]),
) as Record<PolicyId, readonly ClockRule[]>;

function startOf(s: ClockStart, f: ClockFacts): number | null | undefined {
  switch (s) {
    case 'received':
      return f.receivedAt;
    case 'registered':
      return f.registeredAt;
    case 'confirmed':
      return f.confirmedAt;
    case 'refuted':
      return f.refutedAt;
    case 'resolved':
      return f.resolvedAt;
    case 'userDetected':
      return f.userDetectedAt;
  }
}

function metOf(m: ClockMet, f: ClockFacts): number | null {
  switch (m) {
    case 'registered':
      return f.registeredAt;
    case 'received':
      return f.receivedAt;
    case 'decided':
      return f.confirmedAt ?? f.refutedAt ?? null;
    case 'manual':
      return null;
  }
}

function timerOf(policy: Policy, id: string): SlaTimer {
  const t = policy.slaTimers.find((s) => s.id === id);
  if (!t) throw new Error(`policy ${policy.id} runs a clock of ${id}, which is not among its SLA timers`);
  return t;
}

function levelMatches(r: ClockRule, f: ClockFacts): boolean {
  const levels = r.levels ?? [];
  if (f.level !== null && levels.includes(f.level)) return true;
  return r.proposedLevels === true && f.proposedLevel !== null && f.proposedLevel !== undefined && levels.includes(f.proposedLevel);
}

/** The clocks that apply to the incident now (a timer appears once its starting event has happened). */
export function clocksFor(f: ClockFacts, policies: PolicyRegistry = POLICY_REGISTRY): Clock[] {
  const out: Clock[] = [];
  const policy = policies.get(f.policy);
  for (const r of policy.clocks) {
    if (r.sources && !r.sources.includes(f.source)) continue;
    if (r.levels && !levelMatches(r, f)) continue;
    if (r.channels && !(f.channel && r.channels.includes(f.channel))) continue;
    const start = startOf(r.start, f);
    if (start === null || start === undefined) continue;
    out.push({
      timer: r.timer as SlaTimerId | DutyId,
      startedAt: start,
      dueAt: r.untimed ? null : timerDueAtMs(timerOf(policy, r.timer), start),
      metAt: metOf(r.met, f),
      informational: r.informational === true,
    });
  }
  return out;
}

/** running until due; met when done by the due time; breached when done late or overdue. An untimed duty is running until done, then met. */
export function clockState(c: { dueAt: number | null; metAt: number | null }, now: number): ClockState {
  if (c.dueAt === null) return c.metAt === null ? 'running' : 'met';
  if (c.metAt !== null) return c.metAt <= c.dueAt ? 'met' : 'breached';
  return now > c.dueAt ? 'breached' : 'running';
}

export const WARN_BEFORE_MS = 10 * 60_000;

/** Whether a running clock is inside its warning period (10 minutes before due). */
export const inWarning = (c: { dueAt: number | null; metAt: number | null }, now: number) =>
  c.dueAt !== null && c.metAt === null && now >= c.dueAt - WARN_BEFORE_MS && now <= c.dueAt;
