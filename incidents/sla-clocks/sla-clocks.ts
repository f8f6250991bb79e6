/**
 * The SLA clocks of an incident (issue item 5, docs/rules.md §4): which timers of its policy run,
 * from which event, for its source (monitoring or a user's appeal) and level, each with its due time
 * from the rules engine and the event that meets it. Pure: the facts carry every instant.
 */
import type { AppealChannel } from '../appeals/appeal-channel.ts';
import { slaDueAtMs, type DutyId, type Level, type PolicyId, type SlaTimerId } from '../rules/index.ts';

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

type Start = 'received' | 'registered' | 'confirmed' | 'refuted' | 'resolved' | 'userDetected';
type Met = 'registered' | 'decided' | 'received' | 'manual';

interface ClockRule {
  timer: SlaTimerId | DutyId;
  /** An untimed duty: no due time, tracked done / not done. */
  untimed?: boolean;
  start: Start;
  met: Met;
  sources?: readonly IncidentSource[];
  levels?: readonly Level[];
  /** `levels` match the proposed level too (the duty arises before confirmation), not only the confirmed one. */
  proposedLevels?: boolean;
  informational?: boolean;
  /** Runs only for an appeal that arrived by one of these channels (its own clock, appeal-clocks.ts). */
  channels?: readonly AppealChannel[];
}

/** Per policy: the timers, what starts each and what meets it. `manual`: an operator marks it met (a notice sent). */
export const CLOCK_RULES: Readonly<Record<PolicyId, readonly ClockRule[]>> = {
  'portal-692': [
    { timer: 'SLA-P-REPORT', start: 'userDetected', met: 'received', sources: ['appeal'], informational: true },
    { timer: 'SLA-P-REGISTER', start: 'received', met: 'registered', sources: ['appeal'] },
    { timer: 'SLA-P-ID', start: 'registered', met: 'manual', sources: ['appeal'] },
    { timer: 'SLA-P-ANALYSE', start: 'received', met: 'decided' },
    { timer: 'SLA-P-REFUTE', start: 'refuted', met: 'manual', sources: ['appeal'] },
    { timer: 'SLA-P-LOW-NOTIFY', start: 'confirmed', met: 'manual', levels: ['low'], sources: ['appeal'] },
    { timer: 'SLA-P-MED-HOME', start: 'confirmed', met: 'manual', levels: ['medium'] },
    { timer: 'SLA-P-MED-NOTIFY', start: 'confirmed', met: 'manual', levels: ['medium'] },
    { timer: 'SLA-P-HIGH-OWNER', start: 'confirmed', met: 'manual', levels: ['high'] },
    { timer: 'SLA-P-HIGH-HOME', start: 'confirmed', met: 'manual', levels: ['high'] },
    { timer: 'SLA-P-HIGH-REPORT', start: 'resolved', met: 'manual', levels: ['high'] },
    // 001 §19 «При поступлении информации … в целях подтверждения»: from receipt, whether medium/high is
    // proposed at once or only confirmed later; met only by the message to the owner's IT and security
    // unit (notices/incident-notices.ts), never by the public notice.
    { timer: 'SLA-P-OWNER-MEDHIGH', start: 'received', met: 'manual', levels: ['medium', 'high'], proposedLevels: true },
    // 002 §15.3 (new §13.3): after the fix of a low failure the reporting users are told the works are
    // finished; met by that e-mail (notices/incident-notices.ts).
    { timer: 'SLA-P-LOW-FIXED', start: 'resolved', met: 'manual', levels: ['low'], sources: ['appeal'], untimed: true },
  ],
  'etp-em': [
    { timer: 'SLA-E-ETP-REGISTER', start: 'received', met: 'registered', sources: ['appeal'] },
    { timer: 'SLA-E-ETP-ID', start: 'registered', met: 'manual', sources: ['appeal'] },
    { timer: 'SLA-E-ETP-RESOLVE', start: 'received', met: 'decided', sources: ['appeal'] },
  ],
  'energy-366': [
    { timer: 'SLA-N-REPORT', start: 'userDetected', met: 'received', sources: ['appeal'], informational: true },
    // 003 §19.2–19.4: the support desk answers a voice message and an e-mail by 18:30 of its working
    // day (or the next); the answer is the operator's, who marks the clock met.
    { timer: 'SLA-N-DESK-VOICE', start: 'received', met: 'manual', sources: ['appeal'], channels: ['voice'] },
    { timer: 'SLA-N-DESK-MAIL', start: 'received', met: 'manual', sources: ['appeal'], channels: ['email'] },
  ],
  'marking-672': [],
};

function startOf(s: Start, f: ClockFacts): number | null | undefined {
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

function metOf(m: Met, f: ClockFacts): number | null {
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

function levelMatches(r: ClockRule, f: ClockFacts): boolean {
  const levels = r.levels ?? [];
  if (f.level !== null && levels.includes(f.level)) return true;
  return r.proposedLevels === true && f.proposedLevel !== null && f.proposedLevel !== undefined && levels.includes(f.proposedLevel);
}

/** The clocks that apply to the incident now (a timer appears once its starting event has happened). */
export function clocksFor(f: ClockFacts): Clock[] {
  const out: Clock[] = [];
  for (const r of CLOCK_RULES[f.policy]) {
    if (r.sources && !r.sources.includes(f.source)) continue;
    if (r.levels && !levelMatches(r, f)) continue;
    if (r.channels && !(f.channel && r.channels.includes(f.channel))) continue;
    const start = startOf(r.start, f);
    if (start === null || start === undefined) continue;
    out.push({ timer: r.timer, startedAt: start, dueAt: r.untimed ? null : slaDueAtMs(r.timer as SlaTimerId, start), metAt: metOf(r.met, f), informational: r.informational === true });
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
export const inWarning = (c: { dueAt: number | null; metAt: number | null }, now: number) => c.dueAt !== null && c.metAt === null && now >= c.dueAt - WARN_BEFORE_MS && now <= c.dueAt;
