/**
 * What the incident store needs to know of the configuration: a system's policy, the module of a
 * check, and the checks and regions of a module (for the level proposal).
 */
import { resolveChecks, type KuzetConfig } from '../../core/config.ts';
import type { PolicyId } from '../rules/index.ts';

export interface Topology {
  /** The configured system ids (what an appeal or a subscription may name). */
  systems(): string[];
  policyOf(system: string): PolicyId | undefined;
  /** The module of a check (`system/target/check`): its target's module, else the target id. */
  moduleOf(checkKey: string): string | undefined;
  checksOf(system: string, module: string): { key: string; regions: string[] }[];
  modulesOf(system: string): string[];
  /**
   * How long after an incident about a module is resolved a new appeal about it still attaches to it
   * (ms; while it is open, always); null when appeals never attach (`incidents.appeals.attach: false`).
   */
  appealAttachWindowMs(): number | null;
}

export function topologyFromConfig(cfg: KuzetConfig): Topology {
  const checks = resolveChecks(cfg);
  const moduleByKey = new Map(checks.map((c) => [c.key, c.module ?? c.target]));
  const byModule = new Map<string, { key: string; regions: string[] }[]>();
  for (const c of checks) {
    const k = `${c.system}/${c.module ?? c.target}`;
    const list = byModule.get(k) ?? [];
    list.push({ key: c.key, regions: c.regions });
    byModule.set(k, list);
  }
  // Own properties only: a system named by a user (`__proto__`, `constructor`) must not find Object's.
  const system = (id: string) => (Object.hasOwn(cfg.systems, id) ? cfg.systems[id] : undefined);
  return {
    systems: () => Object.keys(cfg.systems),
    appealAttachWindowMs: () => (cfg.incidents.appeals.attach ? cfg.incidents.appeals.attachWindow : null),
    policyOf: (id) => system(id)?.policy,
    moduleOf: (key) => moduleByKey.get(key) ?? (key.split('/')[1] || undefined),
    checksOf: (system, module) => byModule.get(`${system}/${module}`) ?? [],
    modulesOf: (id) => {
      const s = system(id);
      if (!s) return [];
      return s.modules.length > 0 ? [...s.modules] : [...new Set(s.targets.map((t) => t.module ?? t.id))];
    },
  };
}
