/**
 * Silence detection, pure: from the configured checks, the workers' heartbeats and the time of the
 * newest result of each check and region, which parts of kuzet itself have gone quiet.
 *
 * A region is silent when no worker of it has beaten for `factor` × its shortest check interval; a
 * worker when its own heartbeat is that old (unless a newer worker with the same host and regions
 * replaced it: a restart is not a silence); a check when its newest result is that old. Findings are
 * grouped so one cause raises one alert: a silent region covers its workers and checks, and stale
 * checks are grouped per region, system and module — after a worker restart that leaves fifty
 * checks late there is one alert per module, not fifty.
 *
 * None of this is about the monitored systems: a silent check is "kuzet does not know", never "down".
 */
import { resolveChecks, type KuzetConfig, type ResolvedCheck } from '../core/config.ts';
import type { Heartbeat } from '../collector/index.ts';

/** `probe`: checks that kuzet could not run (browser missing or crashed, a probe's own bug): see {@link findProbeErrors}. */
export const SILENCE_SCOPES = ['region', 'worker', 'checks', 'probe'] as const;
export type SilenceScope = (typeof SILENCE_SCOPES)[number];

export interface SilentGroup {
  /** Stable id of the group: `region/<r>`, `worker/<r>`, `checks/<r>/<system>/<module>`. */
  group: string;
  scope: SilenceScope;
  region: string;
  system?: string;
  module?: string;
  /** When the group was last heard of (the oldest last sign among its members). */
  lastHeard: number;
  thresholdMs: number;
  workers: { id: string; host: string; lastBeat: number }[];
  checks: { key: string; lastResult: number | null }[];
  /** Why kuzet could not run the checks (scope `probe`): the result's message. */
  reason?: string;
}

/** The newest result of a check in a region, as the live status board holds it. */
export interface CurrentResult {
  key: string;
  region: string;
  system: string;
  module: string;
  ok: boolean;
  errorKind: string | null;
  message: string;
  /** When the result came, and since when the check has answered this way (epoch ms). */
  at: number;
  since: number;
}

/** The error kind of a run kuzet could not make: a probe that crashed, a browser missing or dead. */
export const MONITOR_ERROR_KIND = 'internal';

/**
 * Checks whose newest result is kuzet's own failure to run them (issue #16 item 9), grouped per
 * region, system and module like stale checks: such a check is `unknown`, not `down`, and the on-call
 * engineers hear of it as kuzet's fault (`kuzet.probe-error`), never as an incident of the system.
 */
export function findProbeErrors(current: readonly CurrentResult[]): SilentGroup[] {
  const groups = new Map<string, SilentGroup>();
  for (const r of current) {
    if (r.ok || r.errorKind !== MONITOR_ERROR_KIND) continue;
    const group = `probe/${r.region}/${r.system}/${r.module}`;
    let g = groups.get(group);
    if (!g)
      groups.set(
        group,
        (g = {
          group,
          scope: 'probe',
          region: r.region,
          system: r.system,
          module: r.module,
          lastHeard: r.since,
          thresholdMs: 0,
          workers: [],
          checks: [],
          reason: r.message,
        }),
      );
    g.lastHeard = Math.min(g.lastHeard, r.since);
    g.checks.push({ key: r.key, lastResult: r.at });
  }
  for (const g of groups.values()) g.checks.sort((a, b) => a.key.localeCompare(b.key));
  return [...groups.values()].sort((a, b) => a.group.localeCompare(b.group));
}

export interface SilenceInput {
  now: number;
  /** When the watcher started: nothing is judged silent before `factor` intervals have passed since. */
  startedAt: number;
  config: KuzetConfig;
  heartbeats: readonly Heartbeat[];
  /** Time of the newest result per `key\u0000region`, or undefined when none was ever seen. */
  latest: (key: string, region: string) => number | undefined;
  /** How many check intervals of quiet make a silence (default 3). */
  factor?: number;
}

export interface SilenceReport {
  groups: SilentGroup[];
  /** Heartbeats of workers that were replaced by a newer worker on the same host: safe to prune. */
  replaced: string[];
  /** Per region: the shortest check interval and the silence threshold derived from it. */
  regions: { region: string; intervalMs: number; thresholdMs: number; liveWorkers: number }[];
}

/**
 * Every group that could go silent under `config` (the label sets of kuzet_silent): each region and
 * its workers that run checks, and each region's system/module. Exported at 0 so the first scrape has them.
 */
export function knownSilentGroups(config: KuzetConfig): { scope: SilenceScope; group: string }[] {
  const checks = resolveChecks(config);
  const out = new Map<string, SilenceScope>();
  for (const region of config.regions) {
    const inRegion = checks.filter((c) => c.regions.includes(region));
    if (inRegion.length === 0) continue;
    out.set(`region/${region}`, 'region');
    out.set(`worker/${region}`, 'worker');
    for (const c of inRegion) {
      out.set(`checks/${region}/${c.system}/${c.module ?? c.target}`, 'checks');
      out.set(`probe/${region}/${c.system}/${c.module ?? c.target}`, 'probe');
    }
  }
  return [...out].map(([group, scope]) => ({ scope, group }));
}

const sameRegions = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((r) => b.includes(r));

/** Ids of heartbeats whose worker was replaced by a newer one on the same host with the same regions (a restart). */
function replacedWorkers(heartbeats: readonly Heartbeat[]): Set<string> {
  const replaced = new Set<string>();
  for (const hb of heartbeats) {
    if (
      heartbeats.some(
        (o) => o.id !== hb.id && o.host === hb.host && sameRegions(o.regions, hb.regions) && o.startedAt > hb.at - 1 && o.at > hb.at,
      )
    )
      replaced.add(hb.id);
  }
  return replaced;
}

/** A check of a region with the time of its newest result there (undefined when none was seen). */
type CheckLast = { c: ResolvedCheck; last: number | undefined };

const checkRows = (xs: readonly CheckLast[]) =>
  xs.map(({ c, last }) => ({ key: c.key, lastResult: last ?? null })).sort((a, b) => a.key.localeCompare(b.key));

/** A region's stale checks grouped per system and module: one `checks` group each. */
function staleModuleGroups(region: string, stale: readonly CheckLast[], thresholdMs: number, startedAt: number): SilentGroup[] {
  const byModule = new Map<string, CheckLast[]>();
  for (const s of stale) {
    const k = `${s.c.system}/${s.c.module ?? s.c.target}`;
    // Appended in place: copying the list per check made a module of 40,000 late checks take seconds.
    const xs = byModule.get(k);
    if (xs) xs.push(s);
    else byModule.set(k, [s]);
  }
  const groups: SilentGroup[] = [];
  for (const [k, xs] of byModule) {
    const [system, module] = k.split('/') as [string, string];
    groups.push({
      group: `checks/${region}/${k}`,
      scope: 'checks',
      region,
      system,
      module,
      lastHeard: xs.reduce((min, x) => Math.min(min, Math.max(x.last ?? 0, startedAt)), Infinity),
      thresholdMs,
      workers: [],
      checks: checkRows(xs),
    });
  }
  return groups;
}

export function findSilences(input: SilenceInput): SilenceReport {
  const factor = input.factor ?? 3;
  const { now } = input;
  const checks = resolveChecks(input.config);
  const groups: SilentGroup[] = [];
  const replaced = replacedWorkers(input.heartbeats);
  const alive = input.heartbeats.filter((hb) => !replaced.has(hb.id));
  const regions: SilenceReport['regions'] = [];
  for (const region of input.config.regions) {
    const inRegion = checks.filter((c) => c.regions.includes(region));
    if (inRegion.length === 0) continue;
    const intervalMs = inRegion.reduce((min, c) => Math.min(min, c.check.intervalMs), Infinity);
    const thresholdMs = factor * intervalMs;
    const graceOver = now - input.startedAt > thresholdMs;
    const workers = alive.filter((hb) => hb.regions.includes(region));
    const live = workers.filter((hb) => now - hb.at <= thresholdMs);
    const dead = workers.filter((hb) => now - hb.at > thresholdMs);
    regions.push({ region, intervalMs, thresholdMs, liveWorkers: live.length });
    // A region whose workers all came back recently (the region's own silence just ended) gives its
    // checks the same grace as a fresh start: their overdue runs are still on their way, and judging
    // them at once raised a second, per-module alert right after the region's resolution.
    const liveSince = live.length > 0 ? Math.min(...live.map((hb) => hb.startedAt)) : input.startedAt;
    const stale = inRegion
      .map((c) => ({ c, last: input.latest(c.key, region) }))
      .filter(({ c, last }) => graceOver && now - Math.max(last ?? 0, input.startedAt, liveSince) > factor * c.check.intervalMs);
    const workerRows = dead.map((hb) => ({ id: hb.id, host: hb.host, lastBeat: hb.at }));
    if (live.length === 0 && graceOver) {
      const newest = Math.max(input.startedAt, ...workers.map((hb) => hb.at));
      if (now - newest > thresholdMs) {
        groups.push({
          group: `region/${region}`,
          scope: 'region',
          region,
          lastHeard: newest,
          thresholdMs,
          workers: workerRows,
          checks: checkRows(stale),
        });
        continue;
      }
    }
    if (dead.length > 0) {
      groups.push({
        group: `worker/${region}`,
        scope: 'worker',
        region,
        lastHeard: Math.min(...dead.map((hb) => hb.at)),
        thresholdMs,
        workers: workerRows,
        checks: [],
      });
    }
    // Late results while no worker of the region has beaten for an interval: the workers are the
    // cause, and the region's own verdict follows; raising per module first would be the storm.
    if (!workers.some((hb) => now - hb.at <= intervalMs)) continue;
    groups.push(...staleModuleGroups(region, stale, thresholdMs, input.startedAt));
  }
  return { groups: groups.sort((a, b) => a.group.localeCompare(b.group)), replaced: [...replaced], regions };
}
