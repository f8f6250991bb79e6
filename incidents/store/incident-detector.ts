/**
 * The detector hooked to ingestion: takes batches of results after they are committed, runs the pure
 * state machine and writes what it decided (new incidents, joined checks, recovery, re-opening, the
 * evidence) together with the detector's own state in one transaction. At start the state is read
 * back from the database, so a restart loses nothing; a batch replayed after a crash is ignored per
 * check and region by time, so it is never counted twice.
 */
import { audit } from '../../core/audit.ts';
import type { Db, Queryable } from '../../core/db.ts';
import { formatAstana } from '../../core/time.ts';
import { httpDateMeasurementObservation, observationOf } from '../../probes/index.ts';
import { proposeLevel } from '../classification/propose-level.ts';
import { DEFAULT_POLICY_ID } from '../rules/index.ts';
import {
  DEFAULT_DETECTOR_CONFIG,
  emptyDetectorState,
  forgetIncident,
  moduleEvidence,
  moduleKeyOf,
  observe,
  type CheckState,
  type DetectionEvent,
  type DetectorConfig,
  type DetectorInput,
  type DetectorState,
  type ModuleState,
} from '../detection/detector.ts';
import { emit } from '../events/outbox.ts';
import { isActive, type IncidentState } from '../lifecycle/lifecycle.ts';
import { allocateIncidentId, getIncidentRow, insertIncident, record, syncClocks, type IncidentRow } from './incident.repo.ts';
import type { Topology } from './topology.ts';
import {
  clearRecoveredAt,
  loadDetectorChecks,
  loadDetectorModules,
  saveDetectorChecks,
  saveDetectorModules,
  setDetectorEpisode,
  setEvidence,
  setProposal,
  setRecoveredAt,
} from './detector.repo.ts';

/** A stored check result as ingestion hands it over. */
export interface DetectableResult {
  key: string;
  system: string;
  target: string;
  check: string;
  region: string;
  ok: boolean;
  errorKind: string | null;
  message: string;
  at: Date;
  observations?: Record<string, unknown> | undefined;
}

const ACTOR = 'system:detector';
/** Registration latencies kept for the benchmark; a long-running detector must not grow without bound. */
const REGISTERED_KEPT = 1_000;

function screenshotsOf(obs: Record<string, unknown> | undefined): string[] {
  const a = obs?.artifacts;
  if (!Array.isArray(a)) return [];
  return a
    .filter(
      (x): x is { name: string; path?: string } =>
        typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string',
    )
    .filter((x) => x.name.endsWith('.png'))
    .map((x) => x.path ?? x.name);
}

/**
 * An `http-date` run that measured the target's clock and found it beyond its threshold: the failure is
 * the clock itself (docs/rules.md §8), not the page, so the incident names the ntp.nic.kz requirement.
 */
function isClockOffsetFailure(r: DetectableResult): boolean {
  return !r.ok && r.errorKind === 'assertion' && observationOf(r, 'http-date', CLOCK_MEASURED) !== undefined;
}
/** An http-date run that got as far as an estimate: the part of its observation that says so. */
const CLOCK_MEASURED = httpDateMeasurementObservation.pick({ offsetMs: true, uncertaintyMs: true });

export class IncidentDetector {
  private state: DetectorState = emptyDetectorState();
  /** Module key → the incident id its current episode is recorded as. */
  private incidentOf = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();
  /** What was last written per check and module, to skip rewriting unchanged state. */
  private saved = new Map<string, string>();
  private savedModules = new Map<string, string>();
  /** Wall-clock registration latency (ms) per incident opened, for the benchmark: the last {@link REGISTERED_KEPT} only. */
  readonly registered: { id: string; firstFailureAt: number; registeredAt: number }[] = [];

  constructor(private readonly deps: { db: Db; topology: () => Topology; config?: Partial<DetectorConfig>; now?: () => Date }) {}

  /** The detector's clock (`deps.now`, the wall clock by default), ms. */
  private nowMs(): number {
    return (this.deps.now ?? (() => new Date()))().getTime();
  }

  get config(): DetectorConfig {
    return { ...DEFAULT_DETECTOR_CONFIG, ...this.deps.config };
  }

  /** Reads the detector's state back from the database. */
  async load(): Promise<void> {
    const checks = await loadDetectorChecks(this.deps.db);
    const modules = await loadDetectorModules(this.deps.db);
    const s = emptyDetectorState();
    for (const c of checks) s.checks[c.check_key] = c.state;
    for (const m of modules) s.modules[m.module_key] = m.state;
    this.state = s;
    this.incidentOf = new Map(modules.filter((m) => m.incident_id).map((m) => [m.module_key, m.incident_id as string]));
    this.saved = new Map(checks.map((c) => [c.check_key, this.signature(c.state)]));
    this.savedModules = new Map(modules.map((m) => [m.module_key, JSON.stringify(m.state) + (m.incident_id ?? '')]));
  }

  /** The ingestor's `afterCommit` hook; calls are serialised. */
  handle = (batch: readonly DetectableResult[]): Promise<void> => {
    const next = this.chain.then(() => this.process(batch));
    this.chain = next.catch(() => undefined);
    return next;
  };

  private toInput(r: DetectableResult): DetectorInput {
    const module = this.deps.topology().moduleOf(r.key) ?? r.target;
    return {
      key: r.key,
      system: r.system,
      module,
      region: r.region,
      ok: r.ok,
      errorKind: isClockOffsetFailure(r) ? 'clock' : r.errorKind,
      message: r.message,
      at: r.at.getTime(),
      screenshots: r.ok ? [] : screenshotsOf(r.observations),
    };
  }

  private async process(batch: readonly DetectableResult[]): Promise<void> {
    if (batch.length === 0) return;
    const cfg = this.config;
    const inputs = batch.map((r) => this.toInput(r)).sort((a, b) => a.at - b.at);
    const events: DetectionEvent[] = [];
    const touchedChecks = new Set<string>();
    const touchedModules = new Set<string>();
    for (const r of inputs) {
      const ev = observe(this.state, r, cfg);
      touchedChecks.add(r.key);
      touchedModules.add(moduleKeyOf(r.system, r.module));
      for (const e of ev) events.push(e);
    }
    try {
      await this.deps.db.transaction(async (tx) => {
        for (const e of events) await this.apply(tx, e);
        await this.reviewProposals(tx, touchedModules, inputs);
        await this.refreshEvidence(tx, touchedModules);
        await this.saveState(tx, touchedChecks, touchedModules);
      });
      for (const k of touchedChecks) this.saved.set(k, this.signature(this.state.checks[k]));
      for (const k of touchedModules) this.savedModules.set(k, JSON.stringify(this.state.modules[k]) + (this.incidentOf.get(k) ?? ''));
    } catch (e) {
      // The in-memory state ran ahead of the database: read it back so the retried batch is seen again.
      await this.load().catch(() => undefined);
      throw e;
    }
  }

  /** The proposal for module `m` at the moment `at` (default: its start) — energy-366 depends on it. */
  private proposal(m: ModuleState, at?: number) {
    const topo = this.deps.topology();
    const policy = topo.policyOf(m.system) ?? DEFAULT_POLICY_ID;
    const checks = topo.checksOf(m.system, m.module);
    const ev = moduleEvidence(m);
    const failingModules = Object.values(this.state.modules).filter((x) => x.system === m.system && x.open).length;
    return {
      policy,
      ev,
      proposal: proposeLevel(policy, {
        moduleChecks: Math.max(checks.length, m.openChecks.length),
        failingChecks: m.openChecks.length,
        regions: Math.max(new Set(checks.flatMap((c) => c.regions)).size, ev.regions.length, 1),
        failingRegions: ev.regions.length,
        systemModules: topo.modulesOf(m.system).length,
        failingModules,
        errorKinds: ev.errorKinds,
        startedAt: m.startedAt ?? this.nowMs(),
        ...(at === undefined ? {} : { at }),
      }),
    };
  }

  private evidenceJson(m: ModuleState) {
    const ev = moduleEvidence(m);
    return {
      checks: ev.checks,
      openChecks: m.openChecks,
      regions: ev.regions,
      errorKinds: ev.errorKinds,
      screenshots: ev.screenshots,
      details: ev.details.map((d) => ({
        ...d,
        firstFailureAt: formatAstana(d.firstFailureAt),
        lastFailureAt: formatAstana(d.lastFailureAt),
      })),
    };
  }

  private async open(tx: Queryable, mk: string, m: ModuleState, at: number, trigger: string): Promise<void> {
    const now = this.nowMs();
    const { policy, ev, proposal } = this.proposal(m, at);
    const id = await allocateIncidentId(tx, now);
    const startedAt = m.startedAt ?? at;
    await insertIncident(tx, {
      ...id,
      source: 'monitoring',
      system: m.system,
      module: m.module,
      policy,
      title: `${m.system}/${m.module}: ${ev.probableCause ?? 'failure'}`,
      startedAt,
      receivedAt: at,
      registeredAt: now,
      proposal,
      probableCause: ev.probableCause,
      evidence: this.evidenceJson(m),
    });
    await setDetectorEpisode(tx, id.id, mk, m.episode);
    await record(tx, {
      incidentId: id.id,
      at: now,
      actor: ACTOR,
      action: 'registered',
      after: {
        trigger,
        startedAt: formatAstana(startedAt),
        detectedAt: formatAstana(at),
        proposedLevel: proposal.level,
        probableCause: ev.probableCause,
      },
    });
    await syncClocks(tx, (await getIncidentRow(tx, id.id)) as IncidentRow);
    await emit(tx, {
      type: 'incident.registered',
      key: `${id.id}:registered`,
      incidentId: id.id,
      payload: {
        id: id.id,
        source: 'monitoring',
        system: m.system,
        module: m.module,
        startedAt: formatAstana(startedAt),
        proposedLevel: proposal.level,
        probableCause: ev.probableCause,
      },
    });
    this.incidentOf.set(mk, id.id);
    this.registered.push({ id: id.id, firstFailureAt: startedAt, registeredAt: Date.now() });
    if (this.registered.length > REGISTERED_KEPT) this.registered.splice(0, this.registered.length - REGISTERED_KEPT);
  }

  private async apply(tx: Queryable, e: DetectionEvent): Promise<void> {
    const m = this.state.modules[e.moduleKey];
    if (!m) return;
    const now = this.nowMs();
    const incId = this.incidentOf.get(e.moduleKey);
    const current = incId ? await getIncidentRow(tx, incId, true) : undefined;
    const live = current && isActive(current.state as IncidentState);
    if (e.type === 'opened' || (e.type !== 'recovered' && !live)) {
      await this.open(
        tx,
        e.moduleKey,
        m,
        e.at,
        e.type === 'joined' ? e.check : e.type === 'opened' || e.type === 'reopened' ? e.trigger : '',
      );
      return;
    }
    if (!current) return;
    const { proposal } = this.proposal(m, e.at);
    if (e.type === 'recovered') {
      await setRecoveredAt(tx, current.id, e.at);
      await record(tx, {
        incidentId: current.id,
        at: now,
        actor: ACTOR,
        action: 'detector.recovered',
        after: { recoveredAt: formatAstana(e.at) },
      });
      await emit(tx, {
        type: 'incident.updated',
        key: `${current.id}:recovered:${e.at}`,
        incidentId: current.id,
        payload: { id: current.id, change: 'recovered', recoveredAt: formatAstana(e.at) },
      });
    } else if (e.type === 'reopened') {
      await clearRecoveredAt(tx, current.id);
      await record(tx, {
        incidentId: current.id,
        at: now,
        actor: ACTOR,
        action: 'detector.reopened',
        before: { recoveredAt: current.recovered_at ? formatAstana(new Date(current.recovered_at)) : null },
        after: { failedAgainAt: formatAstana(e.at), trigger: e.trigger },
      });
      await emit(tx, {
        type: 'incident.updated',
        key: `${current.id}:reopened:${e.at}`,
        incidentId: current.id,
        payload: { id: current.id, change: 'reopened', at: formatAstana(e.at) },
      });
    } else {
      await setProposal(tx, current.id, proposal);
      // A proposal raised to medium/high starts SLA-P-OWNER-MEDHIGH, counted from receipt (001 §19).
      await syncClocks(tx, (await getIncidentRow(tx, current.id)) as IncidentRow);
      await record(tx, {
        incidentId: current.id,
        at: now,
        actor: ACTOR,
        action: 'evidence.joined',
        before: { proposedLevel: current.proposed_level },
        after: { check: e.check, proposedLevel: proposal.level },
      });
      await emit(tx, {
        type: 'incident.updated',
        key: `${current.id}:joined:${e.check}:${e.at}`,
        incidentId: current.id,
        payload: { id: current.id, change: 'joined', check: e.check },
      });
    }
  }

  /**
   * While a failure lasts, a proposal that depends on the time is worked out again once its review
   * time has come (energy-366: a failure that began before 09:00 and is still going at the opening),
   * for the time of the latest result; a change goes on the timeline with its reasons.
   */
  private async reviewProposals(tx: Queryable, modules: Set<string>, inputs: readonly DetectorInput[]): Promise<void> {
    const now = this.nowMs();
    for (const mk of modules) {
      const m = this.state.modules[mk];
      const id = this.incidentOf.get(mk);
      if (!m?.open || !id) continue;
      let latest: number | undefined;
      for (const r of inputs) if (moduleKeyOf(r.system, r.module) === mk && (latest === undefined || r.at > latest)) latest = r.at;
      const current = await getIncidentRow(tx, id, true);
      if (latest === undefined || !current || !isActive(current.state as IncidentState)) continue;
      // Only a proposal that asked to be looked at again (reviewAt: energy-366 outside working hours) and only once that time has come.
      const reviewAt = (current.proposal as { reviewAt?: unknown } | null)?.reviewAt;
      if (typeof reviewAt !== 'number' || latest < reviewAt) continue;
      const { proposal } = this.proposal(m, latest);
      if (proposal.level === current.proposed_level) continue;
      await setProposal(tx, id, proposal);
      await syncClocks(tx, (await getIncidentRow(tx, id)) as IncidentRow);
      const since = proposal.since === undefined ? null : formatAstana(proposal.since);
      await record(tx, {
        incidentId: id,
        at: now,
        actor: ACTOR,
        action: 'proposal.changed',
        before: { proposedLevel: current.proposed_level },
        after: { proposedLevel: proposal.level, rule: proposal.rule, since, at: formatAstana(latest), reasons: proposal.reasons },
      });
      await emit(tx, {
        type: 'incident.updated',
        key: `${id}:proposal:${proposal.level}:${latest}`,
        incidentId: id,
        payload: { id, change: 'proposal', proposedLevel: proposal.level, since },
      });
    }
  }

  /** Keeps the evidence of open incidents current; a module whose incident an operator refuted or closed is forgotten. */
  private async refreshEvidence(tx: Queryable, modules: Set<string>): Promise<void> {
    const updated: string[] = [];
    for (const mk of modules) {
      const m = this.state.modules[mk];
      const id = this.incidentOf.get(mk);
      if (!m || !id || (!m.open && m.recoveredAt === null)) continue;
      const st = await setEvidence(tx, id, this.evidenceJson(m), moduleEvidence(m).probableCause);
      if (st && !isActive(st) && st !== 'resolved') forgetIncident(this.state, mk);
      updated.push(id);
    }
    if (updated.length > 0)
      await audit(tx, { actor: ACTOR, action: 'incident.evidence', subject: updated.join(','), after: { incidents: updated } });
  }

  /**
   * What of a check's state must survive a restart. A steady healthy check (closed, no failures,
   * enough successes everywhere) is the same whatever its counters and last time say, so it is not
   * rewritten for every result: replaying its successes after a crash changes nothing that matters.
   */
  private signature(c: CheckState | undefined): string {
    if (!c) return '';
    const m = this.config.successesToResolve;
    const steady = !c.open && Object.values(c.regions).every((r) => r.fails === 0 && r.succs >= m && !r.failedInEpisode);
    return steady ? `steady:${Object.keys(c.regions).sort().join(',')}` : JSON.stringify(c);
  }

  private async saveState(tx: Queryable, checks: Set<string>, modules: Set<string>): Promise<void> {
    const ck = [...checks].filter((k) => this.saved.get(k) !== this.signature(this.state.checks[k]));
    await saveDetectorChecks(
      tx,
      ck,
      ck.map((k) => JSON.stringify(this.state.checks[k])),
    );
    const mk = [...modules].filter(
      (k) => this.savedModules.get(k) !== JSON.stringify(this.state.modules[k]) + (this.incidentOf.get(k) ?? ''),
    );
    if (ck.length === 0 && mk.length === 0) return;
    await saveDetectorModules(
      tx,
      mk,
      mk.map((k) => JSON.stringify(this.state.modules[k])),
      mk.map((k) => this.incidentOf.get(k) ?? null),
    );
  }
}
