/**
 * Reads the journal and the annual extract from the incident store (tables `incidents`, `appeals`,
 * `incident_timeline`, `incident_clocks`, `api_tokens`; core/migrations.ts versions 2–3): one row per
 * incident received in the period, user appeals and monitoring-detected incidents alike
 * (docs/rules.md §9). Read-only; the mapping from a stored incident to a journal row is
 * {@link journalEntryOf}, pure.
 */
import type { Queryable } from '../core/db.ts';
import { astanaDayTimeToMs, epochDay, formatAstana, MS_PER_MINUTE } from '../core/time.ts';
import { KIND_IDS, LEVEL_IDS, type FailureKind, type JournalLevel, type Lang } from './labels.ts';
import {
  checkPeriod,
  filterEntries,
  type DowntimeFigure,
  type ExtensionRecord,
  type ExtractInput,
  type IncidentDetail,
  type JournalEntry,
  type JournalFilters,
  type SlaFigure,
} from './model.ts';
import type { MaintenanceWindow } from './availability.ts';

/** The operator, the journal's "organisation" for incidents kuzet detected itself. */
export const DEFAULT_OPERATOR = 'АО «Центр электронных финансов»';
export const DEFAULT_OWNER = 'Министерство финансов Республики Казахстан';

/** What the journal reads of a stored incident (with its appeal, when it is one). */
export interface StoredIncident {
  id: string;
  source: string;
  system: string | null;
  module: string | null;
  state: string;
  title: string;
  received_at: Date | string;
  started_at: Date | string;
  confirmed_at: Date | string | null;
  refuted_at: Date | string | null;
  resolved_at: Date | string | null;
  actual_fix_at: Date | string | null;
  level: string | null;
  kind: string | null;
  cause: string | null;
  probable_cause: string | null;
  measures: string | null;
  /** The Kazakh cause and measures (migration 105); absent or null on older rows, whose one text serves both languages. */
  cause_kk?: string | null;
  measures_kk?: string | null;
  recommendations: string | null;
  decision: string | null;
  refute_evidence: string | null;
  level_reason: string | null;
  extensions: Record<string, unknown> | null;
  linked_to: string | null;
  /** Who took the appeal into analysis: the token's name, else its id. */
  accepted_by: string | null;
  a_organisation: string | null;
  a_bin_iin: string | null;
  a_email: string | null;
  a_phone: string | null;
  a_description: string | null;
}

const date = (v: Date | string | null | undefined): Date | null =>
  v === null || v === undefined ? null : v instanceof Date ? v : new Date(v);
const level = (v: string | null): JournalLevel | null => ((LEVEL_IDS as readonly string[]).includes(v ?? '') ? (v as JournalLevel) : null);
const kind = (v: string | null): FailureKind | null => ((KIND_IDS as readonly string[]).includes(v ?? '') ? (v as FailureKind) : null);

const MONITORING_TEXT: Readonly<Record<Lang, (i: StoredIncident) => string>> = {
  ru: (i) =>
    `Обнаружено мониторингом kuzet: сбой ${i.module ? `модуля «${i.module}» ` : ''}системы «${i.system ?? '—'}»${i.probable_cause ? `; вероятная причина: ${i.probable_cause}` : ''}`,
  kk: (i) =>
    `kuzet мониторингімен анықталды: «${i.system ?? '—'}» жүйесінің ${i.module ? `«${i.module}» модулінің ` : ''}іркілісі${i.probable_cause ? `; ықтимал себебі: ${i.probable_cause}` : ''}`,
};
/** The operator's text in the journal's language: the Kazakh one when given, else the (Russian or, before migration 105, only) text. */
const inLang = (lang: Lang, ru: string | null, kk: string | null | undefined): string | null => (lang === 'kk' && kk ? kk : ru);

const LINKED_TEXT: Readonly<Record<Lang, (id: string) => string>> = {
  ru: (id) => `Обращение связано с ${id}`,
  kk: (id) => `Өтініш ${id} инцидентімен байланыстырылды`,
};

/**
 * One journal row of a stored incident. An appeal linked to another incident (the operator judged
 * them one failure) takes the decision columns from that incident, naming it.
 */
export function journalEntryOf(
  i: StoredIncident,
  lang: Lang,
  opts: { operator?: string; linked?: StoredIncident | undefined } = {},
): JournalEntry {
  const appeal = i.source === 'appeal';
  const d = opts.linked && i.confirmed_at === null && i.refuted_at === null ? opts.linked : i;
  const confirmed = d.refuted_at !== null ? false : d.confirmed_at !== null ? true : null;
  const decision = d.decision ?? (confirmed === false ? d.refute_evidence : d.level_reason) ?? '';
  return {
    number: i.id,
    source: appeal ? 'user' : 'monitoring',
    organisation: appeal ? (i.a_organisation ?? '') : (opts.operator ?? DEFAULT_OPERATOR),
    binIin: appeal ? (i.a_bin_iin ?? null) : null,
    appealedAt: date(i.received_at) as Date,
    contacts: appeal ? [i.a_email, i.a_phone].filter(Boolean).join(', ') : 'kuzet',
    description: appeal ? (i.a_description ?? '') : MONITORING_TEXT[lang](i),
    acceptedBy: i.accepted_by ?? (appeal ? '' : 'kuzet'),
    confirmed,
    confirmedAt: date(d.confirmed_at ?? d.refuted_at),
    decision: d !== i ? [LINKED_TEXT[lang](d.id), decision].filter(Boolean).join('. ') : decision,
    measures: inLang(lang, d.measures, d.measures_kk) ?? '',
    resolvedAt: confirmed === false ? null : date(d.actual_fix_at ?? d.resolved_at),
    causes: inLang(lang, d.cause, d.cause_kk) ?? d.probable_cause ?? '',
    level: confirmed === true ? level(d.level) : null,
    kind: confirmed !== null ? kind(d.kind) : null,
    recommendations: d.recommendations ?? '',
    system: i.system ?? d.system ?? '',
    module: i.module ?? d.module ?? null,
  };
}

const SELECT = `SELECT i.id, i.source, i.system, i.module, i.state, i.title, i.received_at, i.started_at, i.confirmed_at, i.refuted_at, i.resolved_at,
    i.actual_fix_at, i.level, i.kind, i.cause, i.probable_cause, i.measures, i.cause_kk, i.measures_kk, i.recommendations, i.decision, i.refute_evidence, i.level_reason,
    i.extensions, i.linked_to,
    (SELECT COALESCE(tok.name, t.actor) FROM incident_timeline t LEFT JOIN api_tokens tok ON tok.id = t.actor
      WHERE t.incident_id = i.id AND t.action = 'transition.analysing' ORDER BY t.id LIMIT 1) AS accepted_by,
    a.organisation AS a_organisation, a.bin_iin AS a_bin_iin, a.email AS a_email, a.phone AS a_phone, a.description AS a_description
  FROM incidents i LEFT JOIN appeals a ON a.incident_id = i.id`;

/** The stored incidents received in `[from, to)` (epoch ms), optionally of one system, in journal order. */
export async function loadStoredIncidents(
  db: Queryable,
  from: number | undefined,
  to: number | undefined,
  system?: string,
): Promise<StoredIncident[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (from !== undefined) add('i.received_at >= ?', new Date(from).toISOString());
  if (to !== undefined) add('i.received_at < ?', new Date(to).toISOString());
  if (system !== undefined) add('i.system = ?', system);
  return db.query<StoredIncident>(`${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY i.received_at, i.id`, params);
}

async function loadByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, StoredIncident>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<StoredIncident>(`${SELECT} WHERE i.id = ANY($1::text[])`, [[...ids]]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** `[from, to)` in epoch ms of a period of Astana dates (both inclusive). */
export function periodBounds(f: Pick<JournalFilters, 'from' | 'to'>): { from?: number; to?: number } {
  const { fromDay, toDay } = checkPeriod(f);
  return {
    ...(fromDay !== undefined ? { from: astanaDayTimeToMs(fromDay, 0) } : {}),
    ...(toDay !== undefined ? { to: astanaDayTimeToMs(toDay + 1, 0) } : {}),
  };
}

/** How many incidents the store holds, and when the first and the last were received (an empty journal says which it is). */
export async function incidentSpan(db: Queryable): Promise<{ count: number; first: Date | null; last: Date | null }> {
  const [r] = await db.query<{ n: string | number; first: string | Date | null; last: string | Date | null }>(
    'SELECT count(*) AS n, min(received_at) AS first, max(received_at) AS last FROM incidents',
  );
  const at = (v: string | Date | null | undefined) => (v === null || v === undefined ? null : new Date(v));
  return { count: Number(r?.n ?? 0), first: at(r?.first), last: at(r?.last) };
}

/**
 * The journal's rows for the filters (period by the appeal's receipt in Astana days, system, level,
 * state), words of `lang` for the rows kuzet wrote itself.
 */
export async function loadJournalEntries(
  db: Queryable,
  filters: JournalFilters,
  lang: Lang,
  opts: { operator?: string } = {},
): Promise<JournalEntry[]> {
  const { from, to } = periodBounds(filters);
  const rows = await loadStoredIncidents(db, from, to, filters.system);
  const linked = await loadByIds(db, [...new Set(rows.flatMap((r) => (r.linked_to ? [r.linked_to] : [])))]);
  const entries = rows.map((r) => journalEntryOf(r, lang, { ...opts, linked: r.linked_to ? linked.get(r.linked_to) : undefined }));
  return filterEntries(entries, filters);
}

// ---- the annual extract (001 §21) ----

interface Interval {
  start: number;
  end: number;
}

/** Total length of the union of intervals, in ms. */
export function unionMs(intervals: readonly Interval[]): number {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  let total = 0;
  let cur: Interval | undefined;
  for (const i of sorted) {
    if (!cur || i.start > cur.end) {
      if (cur) total += cur.end - cur.start;
      cur = { ...i };
    } else cur.end = Math.max(cur.end, i.end);
  }
  return cur ? total + cur.end - cur.start : total;
}

/** Parts of `a` not covered by any of `cut`. */
function subtract(a: Interval, cut: readonly Interval[]): Interval[] {
  let parts = [a];
  for (const c of cut)
    parts = parts.flatMap((p) =>
      c.end <= p.start || c.start >= p.end
        ? [p]
        : [
            { start: p.start, end: c.start },
            { start: c.end, end: p.end },
          ].filter((x) => x.end > x.start),
    );
  return parts;
}

const covers = (w: MaintenanceWindow, system: string, module: string | null) =>
  w.system === system && (!w.modules || w.modules.length === 0 || module === null || w.modules.includes(module));

/**
 * Downtime per system and module in `[from, to)`: confirmed incidents from their start to their fix
 * (still open: to `now`), overlaps counted once, announced maintenance cut out and counted apart.
 */
export function downtimeFigures(
  incidents: readonly StoredIncident[],
  maintenance: readonly MaintenanceWindow[],
  from: number,
  to: number,
  now: number,
): DowntimeFigure[] {
  const groups = new Map<string, { system: string; module: string | null; intervals: Interval[] }>();
  const clip = (i: Interval): Interval => ({ start: Math.max(from, i.start), end: Math.min(to, i.end) });
  for (const i of incidents) {
    if (i.confirmed_at === null || i.refuted_at !== null || !i.system) continue;
    const end = date(i.actual_fix_at ?? i.resolved_at)?.getTime() ?? now;
    const k = `${i.system}\u0000${i.module ?? ''}`;
    const g = groups.get(k) ?? { system: i.system, module: i.module, intervals: [] };
    g.intervals.push(clip({ start: (date(i.started_at) as Date).getTime(), end }));
    groups.set(k, g);
  }
  for (const w of maintenance) {
    const k = `${w.system}\u0000`;
    if (![...groups.values()].some((g) => g.system === w.system) && !groups.has(k))
      groups.set(k, { system: w.system, module: null, intervals: [] });
  }
  return [...groups.values()]
    .map((g) => {
      const windows = maintenance.filter((w) => covers(w, g.system, g.module)).map((w) => clip({ start: w.start, end: w.end }));
      const down = g.intervals.flatMap((i) => subtract(i, windows));
      return {
        system: g.system,
        module: g.module,
        downtimeMinutes: Math.round(unionMs(down) / MS_PER_MINUTE),
        maintenanceMinutes: Math.round(unionMs(windows) / MS_PER_MINUTE),
      };
    })
    .sort((a, b) => (a.system + (a.module ?? '') < b.system + (b.module ?? '') ? -1 : 1));
}

/** SLA clocks of the incidents received in `[from, to)`: met in time, or breached (late, or overdue and unmet at `now`). Running ones are left out. */
export async function slaFigures(db: Queryable, from: number, to: number, now: number): Promise<SlaFigure[]> {
  const rows = await db.query<{ timer: string; met: string | number; breached: string | number }>(
    `SELECT c.timer,
        count(*) FILTER (WHERE c.met_at IS NOT NULL AND c.met_at <= c.due_at) AS met,
        count(*) FILTER (WHERE (c.met_at IS NOT NULL AND c.met_at > c.due_at) OR (c.met_at IS NULL AND c.due_at < $3)) AS breached
       FROM incident_clocks c JOIN incidents i ON i.id = c.incident_id
      WHERE NOT c.informational AND i.received_at >= $1 AND i.received_at < $2
      GROUP BY c.timer ORDER BY c.timer`,
    [new Date(from).toISOString(), new Date(to).toISOString(), new Date(now).toISOString()],
  );
  return rows.map((r) => ({ timer: r.timer, met: Number(r.met), breached: Number(r.breached) })).filter((r) => r.met + r.breached > 0);
}

interface StoredExtension {
  subject?: string;
  announcement?: string;
  lot?: string;
  deadline?: string;
  original?: string | null;
  extended?: string;
  rule?: string;
}

/** The extensions stored with an incident (the resolution's when there is one, else the confirmation's). */
export function extensionRecords(ext: Record<string, unknown> | null): ExtensionRecord[] {
  const stage = (ext?.resolved ?? ext?.confirmed) as { extensions?: StoredExtension[] } | undefined;
  return (stage?.extensions ?? []).flatMap((e) =>
    e.extended && e.deadline && e.rule
      ? [
          {
            subject: e.announcement ? `${e.announcement}${e.lot ? `/${e.lot}` : ''}` : (e.subject ?? ''),
            deadline: e.deadline,
            original: e.original ? new Date(e.original) : null,
            extended: new Date(e.extended),
            rule: e.rule,
          },
        ]
      : [],
  );
}

const RESULT: Readonly<Record<Lang, (at: Date | null) => string>> = {
  ru: (at) => (at ? `Сбой устранен ${formatAstana(at).slice(0, 16).replace('T', ' ')}` : 'Сбой не устранен на дату выписки'),
  kk: (at) => (at ? `Іркіліс жойылды: ${formatAstana(at).slice(0, 16).replace('T', ' ')}` : 'Үзінді көшірме күніне іркіліс жойылмаған'),
};

export interface ExtractOptions {
  now: Date;
  lang: Lang;
  maintenance: readonly MaintenanceWindow[];
  operator?: string | undefined;
  owner?: string | undefined;
  headOfOperator?: string | undefined;
  responsiblePerson?: string | undefined;
  letterRef?: string | undefined;
}

/** The annual extract's input for `year`, read from the incident store. */
export async function loadExtractInput(db: Queryable, year: number, o: ExtractOptions): Promise<ExtractInput> {
  const from = astanaDayTimeToMs(epochDay(year, 1, 1), 0);
  const to = astanaDayTimeToMs(epochDay(year + 1, 1, 1), 0);
  const rows = await loadStoredIncidents(db, from, to);
  const linked = await loadByIds(db, [...new Set(rows.flatMap((r) => (r.linked_to ? [r.linked_to] : [])))]);
  const operator = o.operator ?? DEFAULT_OPERATOR;
  const entries = rows.map((r) => journalEntryOf(r, o.lang, { operator, linked: r.linked_to ? linked.get(r.linked_to) : undefined }));
  const details: IncidentDetail[] = rows
    .filter((r) => r.confirmed_at !== null && r.refuted_at === null && (r.level === 'medium' || r.level === 'high'))
    .map((r) => ({
      number: r.id,
      cause: inLang(o.lang, r.cause, r.cause_kk) ?? r.probable_cause ?? '',
      measures: inLang(o.lang, r.measures, r.measures_kk) ?? '',
      result: RESULT[o.lang](date(r.actual_fix_at ?? r.resolved_at)),
      extensions: extensionRecords(r.extensions),
      prevention: r.recommendations ?? '',
    }));
  return {
    year,
    operator,
    owner: o.owner ?? DEFAULT_OWNER,
    headOfOperator: o.headOfOperator ?? '',
    responsiblePerson: o.responsiblePerson ?? '',
    letterRef: o.letterRef ?? '',
    entries,
    details,
    downtime: downtimeFigures(rows, o.maintenance, from, to, Math.min(to, o.now.getTime())),
    sla: await slaFigures(db, from, to, o.now.getTime()),
  };
}

/** Announced maintenance windows overlapping `[from, to)`, read from the notices' table (for the CLI, which runs without the notices runtime). */
export async function loadMaintenanceWindows(db: Queryable, from: number, to: number): Promise<MaintenanceWindow[]> {
  const rows = await db.query<{ system: string; input: { modules?: string[] }; starts_at: Date | string; ends_at: Date | string }>(
    'SELECT system, input, starts_at, ends_at FROM maintenance_windows WHERE ends_at > $1 AND starts_at < $2 ORDER BY starts_at',
    [new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return rows.map((r) => ({
    system: r.system,
    modules: r.input.modules ?? [],
    start: (date(r.starts_at) as Date).getTime(),
    end: (date(r.ends_at) as Date).getTime(),
  }));
}
