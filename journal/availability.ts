/**
 * Availability from check results (docs/rules.md §9's annual figures, the availability report):
 * uptime per system, module and ETP per Astana day and month, announced maintenance excluded and
 * shown separately, MTTR and the worst days. Pure: samples and windows in, figures out.
 *
 * Interpretation used: a result covers the time from its `at` until the next result of the same
 * check and region, at most one check interval (a longer gap is time without data, counted nowhere).
 * Covered time inside an announced maintenance window is maintenance, whatever the result; the rest
 * is up or down by the result's `ok`. A group's availability is up / (up + down) summed over the
 * checks and regions in it, so each check weighs by the time it watched.
 */
import { astanaDayTimeToMs, astanaEpochDay, formatEpochDay, formatAstana } from '../core/time.ts';

export interface Sample {
  at: number;
  ok: boolean;
}

/** The results of one check in one region, sorted by `at`. */
export interface CheckSeries {
  key: string;
  region: string;
  system: string;
  module: string | null;
  /** True for an ETP's system (the ETP is the system). */
  etp: boolean;
  intervalMs: number;
  samples: readonly Sample[];
}

/** An announced maintenance window (технические и профилактические работы). */
export interface MaintenanceWindow {
  system: string;
  /** The modules it stops; all of the system's when absent or empty. */
  modules?: readonly string[] | undefined;
  start: number;
  end: number;
}

export interface Figures {
  upMs: number;
  downMs: number;
  maintenanceMs: number;
  /** up / (up + down) × 100: 3 decimals, more when downtime would otherwise read 100 ({@link availabilityPercent}); null without data. */
  availabilityPct: number | null;
}

export interface GroupReport {
  scope: 'system' | 'module' | 'etp';
  system: string;
  module: string | null;
  total: Figures;
  days: (Figures & { date: string })[];
  months: (Figures & { month: string })[];
  /** Mean time from the first failed result to the next good one, minutes; null without outages. */
  mttrMinutes: number | null;
  outages: number;
}

export interface AvailabilityReport {
  from: string;
  to: string;
  systems: GroupReport[];
  modules: GroupReport[];
  etps: GroupReport[];
  maintenance: { system: string; modules: string[]; start: string; end: string; minutes: number }[];
  /** Per system, the days of lowest availability (at most `worstDays`), worst first. */
  worstDays: { system: string; date: string; availabilityPct: number; downMinutes: number }[];
}

interface Acc {
  upMs: number;
  downMs: number;
  maintenanceMs: number;
  repairMs: number;
  outages: number;
  days: Map<number, { upMs: number; downMs: number; maintenanceMs: number }>;
}

const newAcc = (): Acc => ({ upMs: 0, downMs: 0, maintenanceMs: 0, repairMs: 0, outages: 0, days: new Map() });

/**
 * up / (up + down) × 100, rounded to 3 decimals — or to as many more as it takes for any downtime to
 * read below 100: one minute down in a year is 99.9998, never 100.000 (issue #21 item 9). Null
 * without data.
 */
export function availabilityPercent(up: number, down: number): number | null {
  if (up + down <= 0) return null;
  const exact = (up / (up + down)) * 100;
  for (let d = 3; d <= 12; d++) {
    const r = Math.round(exact * 10 ** d) / 10 ** d;
    if (down === 0 || r < 100) return r;
  }
  return exact;
}

/** A percentage for people: at least 3 decimals (`100.000`, `97.917`), all of them when there are more (`99.9998`). */
export function formatPercent(p: number): string {
  const decimals = String(p).split('.')[1]?.length ?? 0;
  return p.toFixed(Math.max(3, Math.min(decimals, 12)));
}

const pct = availabilityPercent;

function figures(f: { upMs: number; downMs: number; maintenanceMs: number }): Figures {
  return { upMs: f.upMs, downMs: f.downMs, maintenanceMs: f.maintenanceMs, availabilityPct: pct(f.upMs, f.downMs) };
}

/** Adds `[s, e)` in `field` to the accumulator, split at Astana midnights. */
function addSpan(acc: Acc, s: number, e: number, field: 'upMs' | 'downMs' | 'maintenanceMs'): void {
  if (e <= s) return;
  acc[field] += e - s;
  for (let day = astanaEpochDay(s); ; day++) {
    const dayEnd = astanaDayTimeToMs(day + 1, 0);
    const part = Math.min(e, dayEnd) - Math.max(s, astanaDayTimeToMs(day, 0));
    if (part > 0) {
      let d = acc.days.get(day);
      if (!d) acc.days.set(day, (d = { upMs: 0, downMs: 0, maintenanceMs: 0 }));
      d[field] += part;
    }
    if (dayEnd >= e) break;
  }
}

/** `[s, e)` minus the windows (sorted, merged): the pieces outside and the total inside. */
function splitByWindows(
  s: number,
  e: number,
  windows: readonly [number, number][],
): { outside: [number, number][]; inside: [number, number][] } {
  const outside: [number, number][] = [];
  const inside: [number, number][] = [];
  let cur = s;
  for (const [ws, we] of windows) {
    if (we <= cur) continue;
    if (ws >= e) break;
    if (ws > cur) outside.push([cur, ws]);
    inside.push([Math.max(ws, cur), Math.min(we, e)]);
    cur = Math.min(we, e);
    if (cur >= e) break;
  }
  if (cur < e) outside.push([cur, e]);
  return { outside, inside };
}

function mergeWindows(ws: readonly [number, number][]): [number, number][] {
  const sorted = [...ws].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else out.push([w[0], w[1]]);
  }
  return out;
}

function windowsFor(series: CheckSeries, maintenance: readonly MaintenanceWindow[]): [number, number][] {
  return mergeWindows(
    maintenance
      .filter(
        (m) =>
          m.system === series.system &&
          (!m.modules || m.modules.length === 0 || (series.module !== null && m.modules.includes(series.module))),
      )
      .map((m) => [m.start, m.end] as [number, number]),
  );
}

/** Accumulates one series into every group it belongs to. */
function accumulate(series: CheckSeries, from: number, to: number, windows: readonly [number, number][], accs: Acc[]): void {
  const inMaintenance = (t: number) => windows.some(([s, e]) => t >= s && t < e);
  let outageStart: number | undefined;
  const samples = series.samples;
  for (let i = 0; i < samples.length; i++) {
    const cur = samples[i] as Sample;
    const next = samples[i + 1];
    const s = Math.max(cur.at, from);
    const e = Math.min(cur.at + series.intervalMs, next ? next.at : Infinity, to);
    if (e > s) {
      const { outside, inside } = splitByWindows(s, e, windows);
      for (const acc of accs) {
        for (const [a, b] of inside) addSpan(acc, a, b, 'maintenanceMs');
        for (const [a, b] of outside) addSpan(acc, a, b, cur.ok ? 'upMs' : 'downMs');
      }
    }
    // Outages for MTTR: a run of failures outside maintenance, repaired by the next good result.
    if (cur.at < from || cur.at >= to || inMaintenance(cur.at)) continue;
    if (!cur.ok && outageStart === undefined) outageStart = cur.at;
    else if (cur.ok && outageStart !== undefined) {
      for (const acc of accs) {
        acc.repairMs += cur.at - outageStart;
        acc.outages++;
      }
      outageStart = undefined;
    }
  }
}

function report(scope: GroupReport['scope'], system: string, module: string | null, acc: Acc): GroupReport {
  const dayList = [...acc.days.entries()].sort((a, b) => a[0] - b[0]);
  const months = new Map<string, { upMs: number; downMs: number; maintenanceMs: number }>();
  for (const [day, f] of dayList) {
    const m = formatEpochDay(day).slice(0, 7);
    const cur = months.get(m) ?? { upMs: 0, downMs: 0, maintenanceMs: 0 };
    cur.upMs += f.upMs;
    cur.downMs += f.downMs;
    cur.maintenanceMs += f.maintenanceMs;
    months.set(m, cur);
  }
  return {
    scope,
    system,
    module,
    total: figures(acc),
    days: dayList.map(([day, f]) => ({ date: formatEpochDay(day), ...figures(f) })),
    months: [...months.entries()].map(([month, f]) => ({ month, ...figures(f) })),
    mttrMinutes: acc.outages === 0 ? null : Math.round((acc.repairMs / acc.outages / 60_000) * 100) / 100,
    outages: acc.outages,
  };
}

export interface AvailabilityInput {
  from: number;
  to: number;
  series: readonly CheckSeries[];
  maintenance: readonly MaintenanceWindow[];
  /** How many worst days per system to list (default 5). */
  worstDays?: number;
}

export function computeAvailability(input: AvailabilityInput): AvailabilityReport {
  const { from, to } = input;
  const systems = new Map<string, { acc: Acc; etp: boolean }>();
  const modules = new Map<string, { system: string; module: string; acc: Acc }>();
  for (const s of input.series) {
    const sys = systems.get(s.system) ?? { acc: newAcc(), etp: s.etp };
    systems.set(s.system, sys);
    const accs = [sys.acc];
    if (s.module !== null) {
      const k = `${s.system}\u0000${s.module}`;
      const mod = modules.get(k) ?? { system: s.system, module: s.module, acc: newAcc() };
      modules.set(k, mod);
      accs.push(mod.acc);
    }
    accumulate(s, from, to, windowsFor(s, input.maintenance), accs);
  }
  const sysReports = [...systems.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, v]) => ({ etp: v.etp, r: report('system', id, null, v.acc) }));
  const worstN = input.worstDays ?? 5;
  const worstDays = sysReports.flatMap(({ r }) =>
    r.days
      .filter((d) => d.availabilityPct !== null && d.downMs > 0)
      .sort((a, b) => (a.availabilityPct ?? 100) - (b.availabilityPct ?? 100) || b.downMs - a.downMs)
      .slice(0, worstN)
      .map((d) => ({
        system: r.system,
        date: d.date,
        availabilityPct: d.availabilityPct as number,
        downMinutes: Math.round(d.downMs / 600) / 100,
      })),
  );
  return {
    from: formatAstana(from),
    to: formatAstana(to),
    systems: sysReports.filter((x) => !x.etp).map((x) => x.r),
    modules: [...modules.values()]
      .sort((a, b) => (a.system + a.module < b.system + b.module ? -1 : 1))
      .map((m) => report('module', m.system, m.module, m.acc)),
    etps: sysReports.filter((x) => x.etp).map((x) => ({ ...x.r, scope: 'etp' as const })),
    maintenance: input.maintenance
      .filter((m) => m.end > from && m.start < to)
      .map((m) => ({
        system: m.system,
        modules: [...(m.modules ?? [])],
        start: formatAstana(m.start),
        end: formatAstana(m.end),
        minutes: Math.round((Math.min(m.end, to) - Math.max(m.start, from)) / 60_000),
      })),
    worstDays,
  };
}

/** The report flattened to one line per group and day or month, for CSV and XLSX. */
export function availabilityLines(r: AvailabilityReport): {
  scope: string;
  system: string;
  module: string;
  period: string;
  upMinutes: number;
  downMinutes: number;
  maintenanceMinutes: number;
  availabilityPct: number | null;
}[] {
  const min = (ms: number) => Math.round(ms / 600) / 100;
  return [...r.systems, ...r.etps, ...r.modules].flatMap((g) => [
    ...g.months.map((m) => ({
      scope: g.scope,
      system: g.system,
      module: g.module ?? '',
      period: m.month,
      upMinutes: min(m.upMs),
      downMinutes: min(m.downMs),
      maintenanceMinutes: min(m.maintenanceMs),
      availabilityPct: m.availabilityPct,
    })),
    ...g.days.map((d) => ({
      scope: g.scope,
      system: g.system,
      module: g.module ?? '',
      period: d.date,
      upMinutes: min(d.upMs),
      downMinutes: min(d.downMs),
      maintenanceMinutes: min(d.maintenanceMs),
      availabilityPct: d.availabilityPct,
    })),
  ]);
}
