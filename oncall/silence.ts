/**
 * "Is this alert silenced, and why" (issue #21 item 3): the one check made where an incident's on-call
 * alert is raised (notices/incident-notices.ts asks it before it sends). An alert is silenced when a
 * mute covers the incident's module or every failing check of it, or when an announced maintenance
 * window covers its system and module now. The incident itself is still opened, its results stored
 * and its regulated clocks run; only the on-call alert is held back, and that is recorded on the
 * incident's timeline and in the audit log.
 *
 * Never silenced: an incident a user appeal opened (source `appeal`) — a person said it is broken.
 */
import type { Db } from '../core/db.ts';
import type { KuzetConfig } from '../core/config.ts';
import { formatAstana } from '../core/time.ts';
import { recordTimeline, topologyFromConfig, type IncidentRow } from '../incidents/index.ts';
import { MuteService, muteOf, type CheckPlace, type Mute } from './mutes.ts';
import * as repo from './mutes.repo.ts';

/** An announced maintenance window (технические и профилактические работы), as the notices store has it. */
export interface MaintenanceWindow {
  id: string;
  system: string;
  /** The modules it stops; the whole system when empty. */
  modules: readonly string[];
  start: number;
  end: number;
}

export type Silence =
  | { kind: 'mute'; id: string; scope: Mute['scope']; subject: string; reason: string; until: string; by: string }
  | { kind: 'maintenance'; id: string; until: string };

/** What the verdict needs of an incident. */
export interface AlertSubject {
  source: string;
  system: string | null;
  module: string | null;
  /** The failing checks' keys (the detector's evidence). */
  checks: readonly string[];
}

const muteSilence = (m: Mute): Silence => ({
  kind: 'mute',
  id: m.id,
  scope: m.scope,
  subject: m.subject,
  reason: m.reason,
  until: m.endsAt,
  by: m.by,
});

/**
 * Pure: why the alert about `a` is silenced at `at`, or undefined. `mutes` are the mutes in force;
 * `placeOf` places a check key (undefined for a check no longer configured, which no mute covers).
 */
export function silenceOf(
  a: AlertSubject,
  mutes: readonly Mute[],
  windows: readonly MaintenanceWindow[],
  at: number,
  placeOf: (key: string) => CheckPlace | undefined,
): Silence | undefined {
  if (a.source !== 'monitoring' || !a.system) return undefined;
  const w = windows.find(
    (x) =>
      x.system === a.system &&
      x.start <= at &&
      at < x.end &&
      (x.modules.length === 0 || (a.module !== null && x.modules.includes(a.module))),
  );
  if (w) return { kind: 'maintenance', id: w.id, until: formatAstana(w.end) };
  const moduleMute = a.module === null ? undefined : mutes.find((m) => m.scope === 'module' && m.subject === `${a.system}/${a.module}`);
  if (moduleMute) return muteSilence(moduleMute);
  // Every failing check must be muted: one muted flapping check does not silence a second one failing beside it.
  const covering = a.checks.map((k) => {
    const p = placeOf(k);
    return p ? muteOf(mutes, p) : undefined;
  });
  if (covering.length > 0 && covering.every((m) => m !== undefined)) return muteSilence(covering[0] as Mute);
  return undefined;
}

export interface SilencerDeps {
  db(): Db;
  config(): KuzetConfig;
  now(): Date;
  /** Announced maintenance windows covering the instant (from the notices store). */
  maintenance(at: number): Promise<readonly MaintenanceWindow[]>;
}

/** Who the timeline and audit log name for a silenced alert. */
export const SILENCER_ACTOR = 'system:oncall';

const checksOf = (r: IncidentRow): string[] => {
  const c = (r.evidence as { checks?: unknown } | null)?.checks;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string') : [];
};

export class AlertSilencer {
  private readonly mutes: MuteService;
  constructor(private readonly d: SilencerDeps) {
    this.mutes = new MuteService(d);
  }

  /**
   * Decides once per alert (`alertKey`) whether it is silenced: a replayed event gets the stored
   * decision. A silenced alert is recorded on the incident's timeline (`alert.silenced`) and audited.
   */
  async check(r: IncidentRow, alertKey: string): Promise<Silence | undefined> {
    if (r.source !== 'monitoring') return undefined;
    const db = this.d.db();
    const stored = await repo.silencedAlert(db, alertKey);
    if (stored) return stored.detail as Silence;
    const now = this.d.now();
    const topo = topologyFromConfig(this.d.config());
    const placeOf = (key: string): CheckPlace | undefined => {
      const [system, target] = key.split('/');
      const module = topo.moduleOf(key);
      return system && target && module ? { key, system, target, module } : undefined;
    };
    const [mutes, windows] = await Promise.all([this.mutes.active(), this.d.maintenance(now.getTime())]);
    const verdict = silenceOf({ ...r, checks: checksOf(r) }, mutes, windows, now.getTime(), placeOf);
    if (!verdict) return undefined;
    await db.transaction(async (tx) => {
      const fresh = await repo.insertSilencedAlert(tx, {
        alertKey,
        incidentId: r.id,
        at: now,
        kind: verdict.kind,
        causeId: verdict.id,
        detail: verdict,
      });
      if (fresh)
        await recordTimeline(tx, {
          incidentId: r.id,
          at: now.getTime(),
          actor: SILENCER_ACTOR,
          action: 'alert.silenced',
          after: { alert: alertKey, ...verdict },
        });
    });
    return verdict;
  }
}
