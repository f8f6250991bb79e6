/**
 * Failure detection (issue item 1): a state machine per check and an aggregate per module, fed with
 * check results in time order. Pure: the state is a plain JSON-able object the adapter persists, the
 * results carry their own time, and nothing here reads a clock.
 *
 * A check opens after `failuresToOpen` consecutive failures in one region, or as soon as its latest
 * result fails in at least `regionsToOpen` regions; it recovers when every region that failed has
 * `successesToResolve` consecutive successes. A module's incident opens with its first open check,
 * collects every other check of the module that fails meanwhile (at its first failure), and recovers when all its checks
 * have; a failure within `flapWindowMs` of that recovery re-opens the same incident.
 *
 * Replays are harmless: a result not newer than the last one seen for its check and region is ignored
 * (the ingestor re-delivers a batch after a crash between commit and acknowledgement).
 */

export const ERROR_CAUSES = {
  dns: 'DNS',
  connect: 'connection',
  tls: 'TLS',
  'http-status': 'HTTP status',
  assertion: 'content',
  timeout: 'timeout',
  internal: 'monitoring error',
  // Not a probe error kind: an `http-date` check failing on its offset (incidents/store/incident-detector.ts).
  clock: 'clock offset against ntp.nic.kz (ETP-TIME-NTP; docs/rules.md §8: 000 App.3, technical requirement 5)',
} as const satisfies Record<string, string>;
export type ProbableCause = (typeof ERROR_CAUSES)[keyof typeof ERROR_CAUSES];

export interface DetectorConfig {
  /** N: consecutive failures of a check in one region that open it (default 3). */
  failuresToOpen: number;
  /** K: regions whose latest result fails that open a check at once (default 2). */
  regionsToOpen: number;
  /** M: consecutive successes per failed region that resolve it (default 2). */
  successesToResolve: number;
  /** A failure within this time after recovery re-opens the same incident (default 10 min). */
  flapWindowMs: number;
  /** Screenshots kept per check as evidence (default 5). */
  maxScreenshots: number;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = Object.freeze({
  failuresToOpen: 3,
  regionsToOpen: 2,
  successesToResolve: 2,
  flapWindowMs: 10 * 60_000,
  maxScreenshots: 5,
});

/** A check result as the detector needs it. `at` is epoch milliseconds. */
export interface DetectorInput {
  key: string;
  system: string;
  /** The module of the check's target (the target id when it names none). */
  module: string;
  region: string;
  ok: boolean;
  errorKind: string | null;
  message: string;
  at: number;
  /** Screenshot URLs of a failed browser run. */
  screenshots?: readonly string[];
}

export interface RegionState {
  lastAt: number;
  fails: number;
  succs: number;
  /** Start of the current run of failures. */
  failSince: number | null;
  /** The region failed while the check was open. */
  failedInEpisode: boolean;
}

export interface CheckEvidence {
  key: string;
  firstFailureAt: number;
  lastFailureAt: number;
  regions: string[];
  errorKinds: Record<string, number>;
  lastMessage: string;
  screenshots: string[];
}

export interface CheckState {
  key: string;
  module: string;
  system: string;
  open: boolean;
  regions: Record<string, RegionState>;
}

export interface ModuleState {
  system: string;
  module: string;
  /** An incident is open (not yet recovered). */
  open: boolean;
  /** S: the first failure time of the incident. */
  startedAt: number | null;
  recoveredAt: number | null;
  /** Checks currently open. */
  openChecks: string[];
  evidence: Record<string, CheckEvidence>;
  /** How many incidents this module has opened; the adapter maps it to an incident id. */
  episode: number;
}

export interface DetectorState {
  checks: Record<string, CheckState>;
  modules: Record<string, ModuleState>;
}

export type DetectionEvent =
  | { type: 'opened'; moduleKey: string; episode: number; startedAt: number; at: number; trigger: string }
  | { type: 'reopened'; moduleKey: string; episode: number; at: number; trigger: string }
  | { type: 'joined'; moduleKey: string; episode: number; at: number; check: string }
  | { type: 'recovered'; moduleKey: string; episode: number; at: number };

export const moduleKeyOf = (system: string, module: string) => `${system}/${module}`;

export function emptyDetectorState(): DetectorState {
  return { checks: {}, modules: {} };
}

/** The probable cause of a set of error kinds: the most frequent one (ties: the order of {@link ERROR_CAUSES}). */
export function probableCause(errorKinds: Record<string, number>): ProbableCause | null {
  let best: string | null = null;
  let n = 0;
  for (const kind of Object.keys(ERROR_CAUSES)) {
    const c = errorKinds[kind] ?? 0;
    if (c > n) {
      best = kind;
      n = c;
    }
  }
  return best === null ? null : ERROR_CAUSES[best as keyof typeof ERROR_CAUSES];
}

/** Merged evidence of a module: failing checks, regions, error kinds, screenshots. */
export function moduleEvidence(m: ModuleState) {
  const checks = Object.values(m.evidence);
  const errorKinds: Record<string, number> = {};
  for (const c of checks) for (const [k, v] of Object.entries(c.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
  return {
    checks: checks.map((c) => c.key),
    regions: [...new Set(checks.flatMap((c) => c.regions))].sort(),
    errorKinds,
    probableCause: probableCause(errorKinds),
    screenshots: checks.flatMap((c) => c.screenshots),
    details: checks,
  };
}

function noteEvidence(m: ModuleState, r: DetectorInput, cfg: DetectorConfig): void {
  const e = (m.evidence[r.key] ??= {
    key: r.key,
    firstFailureAt: r.at,
    lastFailureAt: r.at,
    regions: [],
    errorKinds: {},
    lastMessage: r.message,
    screenshots: [],
  });
  e.lastFailureAt = Math.max(e.lastFailureAt, r.at);
  e.firstFailureAt = Math.min(e.firstFailureAt, r.at);
  if (!e.regions.includes(r.region)) e.regions.push(r.region);
  const kind = r.errorKind ?? 'internal';
  e.errorKinds[kind] = (e.errorKinds[kind] ?? 0) + 1;
  e.lastMessage = r.message;
  for (const s of r.screenshots ?? []) if (e.screenshots.length < cfg.maxScreenshots && !e.screenshots.includes(s)) e.screenshots.push(s);
}

function newModuleState(system: string, module: string): ModuleState {
  return { system, module, open: false, startedAt: null, recoveredAt: null, openChecks: [], evidence: {}, episode: 0 };
}

/** A success in one region: resolves the check once every region that failed has enough successes, and the module with its last check. */
function observeSuccess(c: CheckState, m: ModuleState, rs: RegionState, mk: string, at: number, cfg: DetectorConfig): DetectionEvent[] {
  const events: DetectionEvent[] = [];
  rs.succs++;
  rs.fails = 0;
  rs.failSince = null;
  if (c.open && Object.values(c.regions).every((x) => !x.failedInEpisode || x.succs >= cfg.successesToResolve)) {
    c.open = false;
    for (const x of Object.values(c.regions)) x.failedInEpisode = false;
    m.openChecks = m.openChecks.filter((k) => k !== c.key);
    if (m.open && m.openChecks.length === 0) {
      m.open = false;
      m.recoveredAt = at;
      events.push({ type: 'recovered', moduleKey: mk, episode: m.episode, at });
    }
  }
  return events;
}

/** The check has just opened: it joins the module's open incident, re-opens a flapping one, or opens a new one. */
function openedCheckEvent(
  c: CheckState,
  m: ModuleState,
  r: DetectorInput,
  mk: string,
  flapping: boolean,
  cfg: DetectorConfig,
): DetectionEvent {
  const since = Math.min(
    ...Object.values(c.regions)
      .filter((x) => x.failSince !== null)
      .map((x) => x.failSince as number),
  );
  if (m.open) {
    noteEvidence(m, { ...r, at: r.at }, cfg);
    const e = m.evidence[c.key];
    if (e) e.firstFailureAt = Math.min(e.firstFailureAt, since);
    return { type: 'joined', moduleKey: mk, episode: m.episode, at: r.at, check: c.key };
  }
  if (flapping) {
    m.open = true;
    m.recoveredAt = null;
    noteEvidence(m, r, cfg);
    return { type: 'reopened', moduleKey: mk, episode: m.episode, at: r.at, trigger: c.key };
  }
  m.open = true;
  m.episode++;
  m.startedAt = since;
  m.recoveredAt = null;
  m.evidence = {};
  noteEvidence(m, r, cfg);
  const e = m.evidence[c.key];
  if (e) e.firstFailureAt = since;
  return { type: 'opened', moduleKey: mk, episode: m.episode, startedAt: since, at: r.at, trigger: c.key };
}

/**
 * Feeds one result; mutates `state` and returns what happened to the module's incident.
 * Results of one check and region must come in time order; older or equal ones are ignored.
 */
export function observe(state: DetectorState, r: DetectorInput, cfg: DetectorConfig = DEFAULT_DETECTOR_CONFIG): DetectionEvent[] {
  const c = (state.checks[r.key] ??= { key: r.key, module: r.module, system: r.system, open: false, regions: {} });
  const reg = c.regions[r.region];
  if (reg && r.at <= reg.lastAt) return [];
  const rs: RegionState = reg ?? { lastAt: r.at, fails: 0, succs: 0, failSince: null, failedInEpisode: false };
  c.regions[r.region] = rs;
  rs.lastAt = r.at;
  const mk = moduleKeyOf(c.system, c.module);
  const m = (state.modules[mk] ??= newModuleState(c.system, c.module));
  // A run kuzet could not make (errorKind internal: browser missing or crashed, a probe's bug) is
  // neither a failure nor a success of the system: it never opens, feeds or resolves an incident
  // (issue #16 item 9; kuzet raises kuzet.probe-error about itself instead).
  // The check's and module's states exist (the store saves every touched one); nothing else changes.
  if (!r.ok && r.errorKind === 'internal') return [];
  if (r.ok) return observeSuccess(c, m, rs, mk, r.at, cfg);

  rs.fails++;
  rs.succs = 0;
  rs.failSince ??= r.at;
  if (c.open) {
    rs.failedInEpisode = true;
    noteEvidence(m, r, cfg);
    return [];
  }
  const flapping = !m.open && m.recoveredAt !== null && m.episode > 0 && r.at - m.recoveredAt <= cfg.flapWindowMs;
  const failingRegions = Object.values(c.regions).filter((x) => x.fails > 0).length;
  // While the module's incident is open, a failure of any other of its checks joins it at once.
  if (!m.open && !flapping && rs.fails < cfg.failuresToOpen && failingRegions < cfg.regionsToOpen) return [];

  c.open = true;
  for (const x of Object.values(c.regions)) x.failedInEpisode = x.fails > 0;
  m.openChecks.push(c.key);
  return [openedCheckEvent(c, m, r, mk, flapping, cfg)];
}

/** Feeds a batch sorted by time; returns the events in order. */
export function observeAll(
  state: DetectorState,
  batch: readonly DetectorInput[],
  cfg: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): DetectionEvent[] {
  const sorted = [...batch].sort((a, b) => a.at - b.at);
  const out: DetectionEvent[] = [];
  for (const r of sorted) for (const e of observe(state, r, cfg)) out.push(e);
  return out;
}

/** Forgets that a module's incident is open (an operator closed or refuted it): the next failures start a new one. */
export function forgetIncident(state: DetectorState, moduleKey: string): void {
  const m = state.modules[moduleKey];
  if (!m) return;
  m.recoveredAt = null;
  if (m.open) {
    m.open = false;
    m.openChecks = [];
    for (const c of Object.values(state.checks)) {
      if (moduleKeyOf(c.system, c.module) !== moduleKey) continue;
      c.open = false;
      for (const r of Object.values(c.regions)) {
        r.failedInEpisode = false;
        r.fails = 0;
        r.failSince = null;
      }
    }
  }
}
