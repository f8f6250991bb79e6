/**
 * The status site's snapshot, pure: from the live component status (StatusBoard's document), the
 * published notices, the maintenance windows and the daily uptime, what /status shows (001 §15.3,
 * 000 App.7 §3). Built on change and served from memory, so a slow database or a traffic spike
 * never reaches the page.
 */
import { astanaEpochDay, formatAstana, formatEpochDay, tryParseDateTimeMs } from '../../core/time.ts';
import {
  ESHOP_DIRECTIONS,
  ESHOP_ENVIRONMENTS,
  ESHOP_MODULE,
  ESHOP_SERVICES,
  isEshopServiceId,
  type EshopDirection,
  type EshopEnvironment,
  type EshopServiceId,
} from '../../core/eshop-services.ts';
import type { RenderedNotice } from '../templates.ts';
import type { ServiceUptimeRow, SiteEtp, UptimeRow } from './site.repo.ts';

export type Health = 'up' | 'down' | 'unknown' | 'maintenance';

/** The part of `/api/v1/status` the site reads. */
export interface BoardDoc {
  systems: {
    id: string;
    name: string;
    kind: string;
    policy: string;
    /** The modules' names in Kazakh and Russian (config `moduleNames`); absent in documents from before they existed. */
    moduleNames?: Readonly<Record<string, { kk: string; ru: string }>> | undefined;
    /** `environment` is the target's (config default `productive`); absent in documents from before it existed, read as productive. */
    targets: {
      id: string;
      module: string | null;
      service: string | null;
      environment?: EshopEnvironment | null;
      /** `intervalSeconds` and each region's last result time (`at`) tell whether results still arrive; absent in older documents. */
      checks: { status: string; intervalSeconds?: number; regions?: readonly { at: string | null }[] }[];
    }[];
  }[];
}

/** A system's public name in Kazakh and Russian (config `systems.<id>.names`). */
export interface LocalName {
  kk: string;
  ru: string;
}

/**
 * One environment of one e-shop service on the site: watched by at least one check (its status and
 * availability over the uptime window) or not watched at all, which the site says instead of a colour.
 */
export type EshopCell =
  { monitored: true; status: Health; availability: number | null } | { monitored: false; status: null; availability: null };

/** The e-shop's service list (000 App.7 §3, Appendix 1): every service of the catalogue, test and productive. */
export interface EshopServiceRow {
  id: EshopServiceId;
  ref: string;
  name: { kk: string; ru: string };
  items: { kk: string; ru: string }[];
  test: EshopCell;
  productive: EshopCell;
}

export interface SiteNotice {
  id: string;
  active: boolean;
  kind: string;
  system: string;
  phase: string;
  level: string | null;
  version: number;
  publishedAt: string;
  texts: RenderedNotice;
  history: { version: number; publishedAt: string; title: { kk: string; ru: string } }[];
}

export interface SiteMaintenance {
  id: string;
  system: string;
  modules: string[];
  startsAt: string;
  endsAt: string;
  phase: string;
  unplanned: boolean;
}

export type { UptimeRow };

export interface Snapshot {
  /** When this document last changed: it is rebuilt only when what it shows changes, so this is not the time of the last check. */
  generatedAt: string;
  /** The database did not answer: notices, maintenance and uptime are the last ones read. */
  stale: boolean;
  /**
   * Null while every check's results arrive on time; else the oldest last result among the checks
   * whose results are late (see {@link lateAfterMs}): the statuses shown are as of then, not now.
   */
  lateSince: string | null;
  notices: SiteNotice[];
  maintenance: (SiteMaintenance & { systemName: string; ongoing: boolean })[];
  systems: {
    id: string;
    name: string;
    /** The name on the Kazakh and the Russian page: config `names`, else `name` in both. */
    names: LocalName;
    kind: string;
    status: Health;
    /** `lateSince`: this module's checks stopped reporting then (the oldest of their last results). */
    modules: { id: string; status: Health; name?: LocalName | undefined; lateSince?: string }[];
  }[];
  /** Services of other targets (an ETP's orders, prices, catalogue): everything that names a service outside the e-shop's list. */
  services: {
    system: string;
    systemName: string;
    service: string;
    environment: EshopEnvironment;
    status: Health;
    availability: number | null;
  }[];
  /** The e-shop's services for ETPs, all of the catalogue grouped by direction, whether watched or not. */
  eshop: { direction: EshopDirection; services: EshopServiceRow[] }[];
  /** Authorised ETPs (000 App.7 §3, §49); with the registry, each carries its connection state and since when. */
  etps: { id: string; name: string; names: LocalName; status: Health; connection?: SiteEtp['connection']; since?: string | null }[];
  uptime: { system: string; name: string; availability: number | null; days: { date: string; ratio: number | null }[] }[];
}

export const UPTIME_DAYS = 90;

const worst = (xs: readonly string[]): Health =>
  xs.length === 0 ? 'unknown' : xs.includes('down') ? 'down' : xs.every((x) => x === 'up') ? 'up' : 'unknown';

/** Passed/run as a percentage with three decimals; null when nothing ran. */
function ratio(rows: readonly { ok: number; total: number }[]): number | null {
  const total = rows.reduce((a, r) => a + r.total, 0);
  return total === 0 ? null : Math.round((rows.reduce((a, r) => a + r.ok, 0) / total) * 100_000) / 1000;
}

type InMaintenance = (system: string, module: string) => boolean;
type BoardTarget = BoardDoc['systems'][number]['targets'][number];
type BoardCheck = BoardTarget['checks'][number];

/**
 * A check's results are late when its newest result in a region is older than two intervals and a
 * minute: one run may be skipped or slow (a worker restarting, a timeout at the end of an interval)
 * without the page changing, while a stopped collector or a silent region shows within minutes.
 */
export const lateAfterMs = (intervalSeconds: number) => 2 * intervalSeconds * 1000 + 60_000;

/** The oldest last result (ms) among the regions of `c` whose results are late at `nowMs`; undefined when none is. */
function lateSinceMs(c: BoardCheck, nowMs: number): number | undefined {
  if (c.intervalSeconds === undefined || !c.regions) return undefined;
  let oldest: number | undefined;
  for (const r of c.regions) {
    const at = r.at === null ? undefined : tryParseDateTimeMs(r.at);
    // A region that never reported is `unknown` on the page already; it is not late.
    if (at === undefined || nowMs - at <= lateAfterMs(c.intervalSeconds)) continue;
    oldest = oldest === undefined ? at : Math.min(oldest, at);
  }
  return oldest;
}

function configuredNames(o: SnapshotInput, system: string): LocalName | undefined {
  const n = o.systemNames && Object.hasOwn(o.systemNames, system) ? o.systemNames[system] : undefined;
  return n ? { kk: n.kk, ru: n.ru } : undefined;
}

const minDefined = (xs: readonly (number | undefined)[]): number | undefined =>
  xs.reduce<number | undefined>((a, x) => (x === undefined ? a : a === undefined ? x : Math.min(a, x)), undefined);
const isEshop = (t: BoardTarget) => t.module === ESHOP_MODULE && isEshopServiceId(t.service);

/** Each system's and module's status: the worst of its checks, `maintenance` for a failing one in ongoing works. */
function systemStatuses(o: SnapshotInput, inMaintenance: InMaintenance): Snapshot['systems'] {
  const nowMs = o.now.getTime();
  return o.board.systems.map((s) => {
    const byModule = new Map<string, BoardCheck[]>();
    for (const t of s.targets) {
      const m = t.module ?? t.id;
      const checks = byModule.get(m);
      if (checks) for (const c of t.checks) checks.push(c);
      else byModule.set(m, [...t.checks]);
    }
    const named = (id: string) => (s.moduleNames && Object.hasOwn(s.moduleNames, id) ? { name: s.moduleNames[id] } : {});
    const late = (checks: readonly BoardCheck[]) => {
      const ms = minDefined(checks.map((c) => lateSinceMs(c, nowMs)));
      return ms === undefined ? {} : { lateSince: formatAstana(ms) };
    };
    const modules = [...byModule].map(([id, checks]) => {
      const st = checks.map((c) => c.status);
      return {
        id,
        status: inMaintenance(s.id, id) && worst(st) !== 'up' ? ('maintenance' as const) : worst(st),
        ...named(id),
        ...late(checks),
      };
    });
    const status: Health = modules.some((m) => m.status === 'down')
      ? 'down'
      : modules.some((m) => m.status === 'maintenance')
        ? 'maintenance'
        : worst(modules.map((m) => m.status));
    return { id: s.id, name: s.name, names: configuredNames(o, s.id) ?? { kk: s.name, ru: s.name }, kind: s.kind, status, modules };
  });
}

/** The named services outside the e-shop table: their module's status and their own availability (else their system's). */
function servicesOf(o: SnapshotInput, statusOf: ReadonlyMap<string, Snapshot['systems'][number]>): Snapshot['services'] {
  return o.board.systems.flatMap((s) =>
    s.targets
      .filter((t) => t.service && !isEshop(t))
      .map((t) => ({
        system: s.id,
        systemName: s.name,
        service: t.service as string,
        environment: t.environment ?? ('productive' as const),
        status: statusOf.get(s.id)?.modules.find((m) => m.id === (t.module ?? t.id))?.status ?? worst(t.checks.map((c) => c.status)),
        availability: o.serviceUptime
          ? ratio(o.serviceUptime.filter((u) => u.system === s.id && u.target === t.id))
          : ratio(o.uptime.filter((u) => u.system === s.id)),
      })),
  );
}

/** The e-shop's services by direction, each in its test and productive environment (000 App.7 Appendix 1). */
function eshopTable(o: SnapshotInput, inMaintenance: InMaintenance): Snapshot['eshop'] {
  const eshopTargets = o.board.systems.flatMap((s) => s.targets.filter(isEshop).map((t) => ({ system: s.id, t })));
  // A cell is its own targets' checks, not the eshop module's (that module holds every service).
  const cell = (service: EshopServiceId, environment: EshopEnvironment): EshopCell => {
    const watching = eshopTargets.filter(
      ({ t }) => t.service === service && (t.environment ?? 'productive') === environment && t.checks.length > 0,
    );
    if (watching.length === 0) return { monitored: false, status: null, availability: null };
    const health = worst(watching.flatMap(({ t }) => t.checks.map((c) => c.status)));
    const status =
      health !== 'up' && watching.some(({ system }) => inMaintenance(system, ESHOP_MODULE)) ? ('maintenance' as const) : health;
    const rows = (o.serviceUptime ?? []).filter((u) => watching.some(({ system, t }) => u.system === system && u.target === t.id));
    return { monitored: true, status, availability: o.serviceUptime ? ratio(rows) : null };
  };
  return ESHOP_DIRECTIONS.map((direction) => ({
    direction,
    services: ESHOP_SERVICES.filter((x) => x.direction === direction).map((x): EshopServiceRow => {
      const envs = Object.fromEntries(ESHOP_ENVIRONMENTS.map((env) => [env, cell(x.id, env)])) as Record<EshopEnvironment, EshopCell>;
      return {
        id: x.id,
        ref: x.ref,
        name: { kk: x.name.kk, ru: x.name.ru },
        items: 'items' in x ? x.items.map((i) => ({ kk: i.kk, ru: i.ru })) : [],
        test: envs.test,
        productive: envs.productive,
      };
    }),
  }));
}

/** Each system's availability over the window and per Astana day. */
function uptimeOf(o: SnapshotInput): Snapshot['uptime'] {
  const today = astanaEpochDay(o.now);
  const days = Array.from({ length: UPTIME_DAYS }, (_, i) => formatEpochDay(today - (UPTIME_DAYS - 1 - i)));
  return o.board.systems.map((s) => {
    const rows = o.uptime.filter((u) => u.system === s.id);
    const byDay = new Map(rows.map((r) => [r.day, r]));
    return {
      system: s.id,
      name: s.name,
      availability: ratio(rows),
      days: days.map((date) => ({ date, ratio: ratio(byDay.has(date) ? [byDay.get(date) as UptimeRow] : []) })),
    };
  });
}

export interface SnapshotInput {
  board: BoardDoc;
  notices: SiteNotice[];
  maintenance: SiteMaintenance[];
  uptime: UptimeRow[];
  now: Date;
  stale: boolean;
  generatedAt: string;
  /** The ETP registry; without it the ETPs are the configured systems of kind `etp`. */
  registry?: SiteEtp[] | undefined;
  /** Availability per service target; without it a service shows its system's. */
  serviceUptime?: ServiceUptimeRow[] | undefined;
  /** Systems' public names by language (config `systems.<id>.names`); a system without them is called by its `name`. */
  systemNames?: Readonly<Record<string, LocalName | undefined>> | undefined;
}

export function buildSnapshot(o: SnapshotInput): Snapshot {
  const nowIso = o.now.toISOString();
  const names = new Map(o.board.systems.map((s) => [s.id, s.name]));
  const ongoing = o.maintenance.filter((m) => m.startsAt <= nowIso && m.endsAt > nowIso && m.phase !== 'maintenance-completed');
  const inMaintenance = (system: string, module: string) =>
    ongoing.some((m) => m.system === system && (m.modules.length === 0 || m.modules.includes(module)));
  const systems = systemStatuses(o, inMaintenance);
  const statusOf = new Map(systems.map((s) => [s.id, s]));
  const lateSince = systems
    .flatMap((s) => s.modules.map((m) => m.lateSince))
    .filter((x): x is string => x !== undefined)
    .sort((a, b) => (tryParseDateTimeMs(a) ?? 0) - (tryParseDateTimeMs(b) ?? 0))[0];
  return {
    generatedAt: o.generatedAt,
    stale: o.stale,
    lateSince: lateSince ?? null,
    notices: o.notices,
    maintenance: o.maintenance
      .filter((m) => m.endsAt > nowIso && m.phase !== 'maintenance-completed')
      .map((m) => ({ ...m, systemName: names.get(m.system) ?? m.system, ongoing: m.startsAt <= nowIso })),
    systems,
    services: servicesOf(o, statusOf),
    eshop: eshopTable(o, inMaintenance),
    etps: o.registry
      ? o.registry.map((e) => ({
          id: e.id,
          name: e.name,
          // The public names of the config when it gives them (the registry keeps one name, the operator's).
          names: configuredNames(o, e.id) ?? { kk: e.name, ru: e.name },
          status: statusOf.get(e.id)?.status ?? 'unknown',
          connection: e.connection,
          since: e.since,
        }))
      : systems.filter((s) => s.kind === 'etp').map((s) => ({ id: s.id, name: s.name, names: s.names, status: s.status })),
    uptime: uptimeOf(o),
  };
}
