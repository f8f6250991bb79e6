/**
 * The on-call pages: live board, incidents (list, page with evidence, clocks, transitions,
 * extensions, timeline), notice editor, maintenance planning, ETPs, journal downloads. Every change
 * goes through the same services as the HTTP API (and is audited there), acting as `user:<name>`.
 */
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { roleAtLeast, type Role } from '../core/auth.ts';
import { moduleNamesOf, systemOf, type KuzetConfig } from '../core/config.ts';
import { InputError, KuzetError, NotFoundError } from '../core/errors.ts';
import { astanaDayTimeToMs, formatAstana, tryParseDateDay } from '../core/time.ts';
import {
  FAILURE_KIND_IDS,
  INCIDENT_STATES,
  LEVELS,
  POLICY_REGISTRY,
  TRANSITIONS,
  clocksView,
  consequencesOf,
  consequencesRecorded,
  procurementChoices,
  getIncidentRow,
  incidentView,
  listIncidentRows,
  timelineView,
  type IncidentRow,
  type IncidentState,
  type Level,
} from '../incidents/index.ts';
import { JOURNAL_FORMATS } from '../journal/index.ts';
import { listEtps } from '../etp/index.ts';
import {
  maintenanceInputSchema,
  planMaintenance,
  type NoticeSubject,
  type Phase,
  noticeSubjectForIncident,
  PROBABLE_CAUSE_WORDS,
} from '../notices/index.ts';
import { openSilences, placeNamesOf, SILENT_NOT_DOWNTIME } from '../meta/index.ts';
import type { ConsoleDeps } from './deps.ts';
import { astanaInput, localValue, pick } from './forms.ts';
import { labels, renderPage, term, type PageContext, type PageName } from './render.ts';
import type { Labels } from './i18n.ts';
import { formProblems, type FormProblem } from './form-errors.ts';
import { reasonText, timelineLines } from './timeline-text.ts';
import { timelineCsv, timelinePdf } from './timeline-export.ts';
import { consoleState, forbidden } from './security.ts';
import { incidentAppeals, type IncidentAppealRow } from './pages.repo.ts';
import { actorId } from './users.repo.ts';
import { withMutes } from './board-mutes.ts';
import { ackPanel } from './acknowledge-panel.ts';

const isActiveState = (st: string) => st === 'registered' || st === 'analysing' || st === 'confirmed';

export function pageContext(ctx: Context, s: Pick<ConsoleDeps, 'now'>, flash?: string): PageContext {
  const st = consoleState(ctx);
  const u = st.session?.user;
  return {
    lang: st.lang,
    me: u ? { username: u.username, role: u.role } : undefined,
    csrf: st.session?.csrf,
    path: ctx.path,
    now: s.now(),
    flash,
  };
}

export function html(
  ctx: Context,
  s: Pick<ConsoleDeps, 'now'>,
  page: PageName,
  data: Record<string, unknown>,
  opts: { title?: string; live?: boolean; flash?: string } = {},
): void {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderPage(page, pageContext(ctx, s, opts.flash), data, opts);
}

/** 403 (rendered as a page) unless the signed-in user's role is at least `role`. */
export function need(ctx: Context, role: Role): { id: string; ip: string } {
  const u = consoleState(ctx).session?.user;
  if (!u) throw forbidden('sign in first');
  if (!roleAtLeast(u.role, role)) throw forbidden(`the ${u.role} role may not do this; ${role} is required`);
  return { id: actorId(u.username), ip: ctx.ip };
}

const see = (ctx: Context) => {
  const st = consoleState(ctx);
  return { lang: st.lang, L: labels(st.lang), canOperate: st.session ? roleAtLeast(st.session.user.role, 'operator') : false };
};

const seeOther = (ctx: Context, to: string) => {
  ctx.status = 303;
  ctx.redirect(to);
};

const DONE = { published: 'published', saved: 'saved', planned: 'planned', transitioned: 'transitioned' } as const;
function flashOf(ctx: Context): string | undefined {
  const d = ctx.query.done;
  if (typeof d !== 'string' || !(d in DONE)) return undefined;
  const L = see(ctx).L;
  return { published: L.published, saved: L.save, planned: L.plan, transitioned: L.transition }[d as keyof typeof DONE];
}

/**
 * A system's module as the operator reads it (issue #17 item 14): the system's name and the module's
 * configured name in the page's language first, the config ids after it (`placeIds`) for lookups.
 */
function placeOf(cfg: Pick<KuzetConfig, 'systems'>, lang: 'kk' | 'ru', system: string | null, module: string | null | undefined) {
  const sys = systemOf(cfg, system);
  const m = moduleNamesOf(sys, module);
  const placeIds = `${system ?? ''}${module ? `/${module}` : ''}`;
  const placeName = sys ? (m ? `${sys.name} · ${m[lang]}` : sys.name) : placeIds;
  return { placeName, placeIds };
}

/**
 * The incident's title in the page's language: the stored one is kuzet's English note
 * (`Appeal from …`, `portal/search: timeout`), so it is built again from what it says.
 */
function titleOf(
  cfg: KuzetConfig,
  lang: 'kk' | 'ru',
  r: Pick<IncidentRow, 'source' | 'title' | 'system' | 'module' | 'probable_cause'>,
): string {
  const L = labels(lang);
  const appeal = /^Appeal from (.*)$/s.exec(r.title);
  if (r.source === 'appeal') return appeal ? `${L.appealFrom}: ${appeal[1]}` : r.title;
  const cause = r.probable_cause ? (PROBABLE_CAUSE_WORDS[lang][r.probable_cause] ?? r.probable_cause) : L.down;
  return `${placeOf(cfg, lang, r.system, r.module).placeName}: ${cause}`;
}

function boardRows(s: Pick<ConsoleDeps, 'config' | 'now' | 'status'>, lang: 'kk' | 'ru', kinds?: string[]) {
  const cfg = s.config();
  const snap = s.status.snapshot(cfg, s.now());
  const systems = snap.systems
    .filter((sys) => !kinds || kinds.includes(sys.kind))
    .map((sys) => ({
      id: sys.id,
      name: sys.name,
      policy: sys.policy,
      rows: sys.targets.flatMap((t) =>
        t.checks.flatMap((c) =>
          c.regions.map((r) => ({
            key: c.key,
            target: t.id,
            moduleName: moduleNamesOf(systemOf(cfg, sys.id), t.module)?.[lang] ?? '',
            check: c.id,
            region: r.region,
            status: r.status,
            statusName: labels(lang)[r.status as 'up' | 'down' | 'unknown'] ?? r.status,
            since: r.since ?? '',
            latency: r.latencyMs === null ? '' : Math.round(r.latencyMs),
            message: r.message,
          })),
        ),
      ),
    }));
  return { summary: snap.summary, systems };
}

function incidentRows(cfg: KuzetConfig, lang: 'kk' | 'ru', rows: Awaited<ReturnType<typeof listIncidentRows>>) {
  return rows.map((r) => {
    const v = incidentView(r);
    const lvl = v.level ?? v.proposedLevel;
    return {
      ...v,
      ...placeOf(cfg, lang, v.system, v.module),
      title: titleOf(cfg, lang, r),
      stateName: term(lang, v.state),
      levelKey: lvl,
      levelName: term(lang, lvl),
    };
  });
}

function options<T extends string>(values: readonly T[], selected: string | undefined, name: (v: T) => string) {
  return values.map((value) => ({ value, label: name(value), selected: value === selected }));
}

const oneOf = <T extends string>(v: unknown, values: readonly T[], field: string): T | undefined => {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw new InputError(`must be one of ${values.join(', ')}`, field);
  return v as T;
};

type FieldSpec = {
  name: string;
  required?: boolean;
  textarea?: boolean;
  datetime?: boolean;
  options?: { value: string; label: string; selected: boolean }[];
  value?: string;
  /** Kazakh or Russian text: the field's `lang` attribute. */
  lang?: 'kk' | 'ru';
};

/** A refused (or previewed) transition form shown again: the values typed, the problems by field, the preview of the public notice. */
export interface FormState {
  to: string;
  values: Record<string, string>;
  problems: FormProblem[];
  preview?: { kk: { title: string; text: string }; ru: { title: string; text: string } } | undefined;
  /** The answer's status: 400 for bad input, 409 for a conflict (an old version of the incident). */
  status?: number;
}

/** The resolution's bilingual fields (issue #21 item 6): cause and measures in Kazakh and Russian. */
const RESOLVED_FIELDS: FieldSpec[] = [
  { name: 'causeKk', required: true, textarea: true, lang: 'kk' },
  { name: 'causeRu', required: true, textarea: true, lang: 'ru' },
  { name: 'measuresKk', required: true, textarea: true, lang: 'kk' },
  { name: 'measuresRu', required: true, textarea: true, lang: 'ru' },
];

function fieldLabel(L: Labels, n: string): string {
  const m = /^(cause|measures)(Kk|Ru)$/.exec(n);
  if (m) return `${L[m[1] as 'cause' | 'measures']} (${m[2] === 'Kk' ? L.inKk : L.inRu})`;
  return (L as Record<string, string>)[n === 'evidence' ? 'refuteEvidence' : n] ?? n;
}

/** The transition forms' fields: the proposed level preselected, the actual fix time prefilled with now (Astana). */
function formFields(lang: 'kk' | 'ru', inc: ReturnType<typeof incidentView>, now: Date): Record<IncidentState, FieldSpec[]> {
  return {
    registered: [],
    analysing: [],
    confirmed: [
      { name: 'level', required: true, options: options(LEVELS, inc.proposedLevel ?? undefined, (l) => term(lang, l)) },
      { name: 'levelReason' },
      { name: 'kind', required: true, options: options(FAILURE_KIND_IDS, undefined, (k) => `${term(lang, k)} (${k})`) },
      { name: 'plannedFixAt', required: true, datetime: true },
      ...(POLICY_REGISTRY.find(inc.policy)?.lifecycle?.levelAgreement ? [{ name: 'levelAgreedWith', required: true }] : []),
    ],
    refuted: [{ name: 'evidence', required: true, textarea: true }],
    resolved: [{ name: 'actualFixAt', required: true, datetime: true, value: localValue(now) }, ...RESOLVED_FIELDS],
    closed: [
      { name: 'recommendations', required: true, textarea: true },
      { name: 'decision', textarea: true },
    ],
  };
}

function transitionForms(lang: 'kk' | 'ru', inc: ReturnType<typeof incidentView>, now: Date, state?: FormState) {
  const L = labels(lang);
  const fields = formFields(lang, inc, now);
  return TRANSITIONS[inc.state].map((to) => {
    const own = state?.to === to ? state : undefined;
    const names = new Set(fields[to].map((f) => f.name));
    return {
      to,
      toName: term(lang, to),
      bilingual: to === 'resolved',
      refused: own && own.problems.length > 0,
      formProblems: (own?.problems ?? [])
        .filter((p) => !names.has(p.field))
        .map((p) => (p.field ? `${fieldLabel(L, p.field)}: ${p.message}` : p.message)),
      preview: own?.preview,
      fields: fields[to].map((f) => {
        const value = own ? (own.values[f.name] ?? '') : f.value;
        const error = (own?.problems ?? [])
          .filter((p) => p.field === f.name)
          .map((p) => p.message)
          .join('; ');
        return {
          ...f,
          label: fieldLabel(L, f.name),
          value,
          error,
          ...(f.options ? { options: f.options.map((o) => ({ ...o, selected: own ? o.value === value : o.selected })) } : {}),
        };
      }),
    };
  });
}

const TRANSITION_FIELDS = ['evidence', 'level', 'levelReason', 'levelAgreedWith', 'kind', 'recommendations', 'decision'] as const;

async function incidentOr404(s: Pick<ConsoleDeps, 'db'>, id: string) {
  const row = await getIncidentRow(s.db(), id);
  if (!row) throw new NotFoundError(`no incident ${id}`);
  return row;
}

type StoredExtensions = { latest?: string } & Record<
  string,
  {
    stage: string;
    notes?: string[];
    window?: { basis: string; startedAt: string; resolvedAt: string | null; refutedAt?: string };
    extensions?: { announcement?: string; lot?: string; deadline: string; original: string | null; extended: string; rule: string }[];
    annulments?: { announcement?: string; lot?: string; what: string; formedAt: string; rule: string }[];
    duties?: { announcement?: string; lot?: string; duty: string; rule: string }[];
  }
>;

/** The consequences (EX-UNSCRUPULOUS, EX-N-RESULTS) an operator may record now, as the policy offers them. */
async function consequenceForm(s: Pick<ConsoleDeps, 'db'>, row: IncidentRow, lang: 'kk' | 'ru') {
  const open = row.state === 'confirmed' || row.state === 'resolved' || row.state === 'closed';
  const kinds = open && row.level ? consequencesOf(row.policy).filter((c) => c.levels.includes(row.level as Level)) : [];
  if (kinds.length === 0) return null;
  return {
    // A source point "(new)" is the point in the amended wording of the rules: said in the page's language.
    kinds: kinds.map((c) => ({
      value: c.kind,
      label: `${c.label[lang]} (${c.rule}, ${c.source.replace('(new)', labels(lang).newWording)})`,
    })),
    procurements: (await procurementChoices(s.db(), row.system)).map((p) => ({ value: p.id, label: `${p.announcement} / ${p.lot}` })),
  };
}

/** What the on-call pages use: incidents, notices and ETPs through their services, the status board, the config, the clock. */
export type PagesDeps = Pick<ConsoleDeps, 'db' | 'config' | 'now' | 'status' | 'artifactsDir' | 'incidents' | 'notices' | 'etp' | 'oncall'>;

// ---- the board and incidents ----

/** `GET /console`: the live board, open incidents and kuzet's own silences. */
const boardPage = (s: PagesDeps) => async (ctx: Context) => {
  const { lang } = see(ctx);
  const open = (await listIncidentRows(s.db(), { limit: 100 })).filter((r) => r.state !== 'closed' && r.state !== 'refuted');
  // kuzet's own silence (issue #11), shown apart from the systems' incidents and never as their downtime.
  const silences = (await openSilences(s.db(), placeNamesOf(s.config()))).map((x) => ({ ...x, text: x.subject[lang] }));
  html(
    ctx,
    s,
    'board',
    {
      ...(await withMutes(s, lang, boardRows(s, lang))),
      incidents: incidentRows(s.config(), lang, open),
      silences,
      silentNote: SILENT_NOT_DOWNTIME[lang],
    },
    { live: true, title: labels(lang).board },
  );
};

/** A `YYYY-MM-DD` query parameter as an epoch day, undefined when absent. */
function queryDay(ctx: Context, name: string): number | undefined {
  const v = ctx.query[name];
  if (v === undefined || v === '') return undefined;
  const d = typeof v === 'string' ? tryParseDateDay(v) : undefined;
  if (d === undefined) throw new InputError('not a date YYYY-MM-DD', name);
  return d;
}

/** The search text of `?q=`: one string of at most 200 characters, without NUL (PostgreSQL text cannot hold it). */
function searchText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new InputError('give one search text', 'q');
  if (v.includes('\u0000')) throw new InputError('must not contain a NUL character', 'q');
  if (v.length > 200) throw new InputError('at most 200 characters', 'q');
  return v.trim();
}

/**
 * The search's words (at most 8), each with the modules whose configured names (kk, ru) hold it, so
 * "іздеу" or "поиск" finds the search module's incidents. Own properties only: `__proto__` is a word like any other.
 */
function searchWords(cfg: KuzetConfig, q: string) {
  const words = q.split(/\s+/).filter(Boolean).slice(0, 8);
  return words.map((word) => {
    const w = word.toLocaleLowerCase();
    const modules = Object.values(cfg.systems).flatMap((sys) =>
      Object.entries(sys.moduleNames ?? {})
        .filter(([, n]) => n.kk.toLocaleLowerCase().includes(w) || n.ru.toLocaleLowerCase().includes(w))
        .map(([id]) => id),
    );
    return { word, modules: [...new Set(modules)] };
  });
}

/** `GET /console/incidents`: the list, filtered by state, level, system and whole Astana days. */
const incidentsPage = (s: PagesDeps) => async (ctx: Context) => {
  const { lang, L } = see(ctx);
  const state = oneOf(ctx.query.state, INCIDENT_STATES, 'state');
  const level = oneOf(ctx.query.level, LEVELS, 'level') as Level | undefined;
  const systemIds = Object.keys(s.config().systems);
  const system = oneOf(ctx.query.system, systemIds, 'system');
  // Whole Astana days: from the start of `from` to the end of `to`.
  const fromDay = queryDay(ctx, 'from');
  const toDay = queryDay(ctx, 'to');
  const from = fromDay === undefined ? undefined : astanaDayTimeToMs(fromDay, 0);
  const to = toDay === undefined ? undefined : astanaDayTimeToMs(toDay + 1, 0) - 1;
  if (from !== undefined && to !== undefined && from > to) throw new InputError('must not be after "to"', 'from');
  const q = searchText(ctx.query.q);
  const rows = await listIncidentRows(s.db(), { state, level, system, from, to, text: searchWords(s.config(), q), limit: 500 });
  html(
    ctx,
    s,
    'incidents',
    {
      incidents: incidentRows(s.config(), lang, rows),
      states: options(INCIDENT_STATES, state, (v) => term(lang, v)),
      levels: options(LEVELS, level, (v) => term(lang, v)),
      systems: options(systemIds, system, (v) => `${s.config().systems[v]?.name ?? v} (${v})`),
      q,
      from: typeof ctx.query.from === 'string' ? ctx.query.from : '',
      to: typeof ctx.query.to === 'string' ? ctx.query.to : '',
    },
    { live: true, title: L.incidents },
  );
};

/** The incident's evidence as the page shows it: screenshots (served by `screenshotFile`), per-check details. */
function evidenceOf(id: string, row: IncidentRow) {
  const ev = (row.evidence ?? {}) as {
    screenshots?: string[];
    details?: { key: string; regions?: string[]; firstFailureAt?: string; lastMessage?: string }[];
    description?: string;
  };
  return {
    screenshots: (ev.screenshots ?? []).map((p, i) => ({
      name: p.split(/[\\/]/).pop(),
      url: `/console/incidents/${encodeURIComponent(id)}/screenshots/${i}`,
    })),
    details: (ev.details ?? []).map((d) => ({ ...d, regions: (d.regions ?? []).join(', ') })),
    description: ev.description,
  };
}

/** The latest recorded extensions, annulments and duties of the incident. */
function extensionsOf(row: IncidentRow) {
  const ext = (row.extensions ?? {}) as StoredExtensions;
  const latest = ext.latest ? ext[ext.latest] : undefined;
  return {
    extensions: latest?.extensions ?? [],
    extensionNotes: latest?.notes ?? [],
    extensionsBasis: latest?.window
      ? `${latest.window.basis}: ${latest.window.startedAt} – ${latest.window.resolvedAt ?? latest.window.refutedAt ?? ''}`
      : '',
    annulments: latest?.annulments ?? [],
    duties: latest?.duties ?? [],
  };
}

const appealView = (id: string, lang: 'kk' | 'ru') => (a: IncidentAppealRow) => ({
  id: a.id,
  own: a.incident_id === id,
  linkedTo: a.incident_id === id ? a.linked_incident_id : a.incident_id,
  organisation: a.organisation,
  binIin: a.bin_iin,
  email: a.email,
  phone: a.phone,
  description: a.description,
  receivedAt: formatAstana(new Date(a.received_at)),
  channel: a.channel,
  channelName: term(lang, `channel-${a.channel}`),
});

/** The incident's timeline as text lines in the page's language (timeline-text.ts). */
async function timelineOf(s: Pick<PagesDeps, 'db'>, id: string, lang: 'kk' | 'ru') {
  return timelineLines(lang, await timelineView(s.db(), id));
}

/** The planned-fix form shown again after a refusal: its problems in the page's language, what was typed. */
function plannedFixFormOf(L: Labels, form: FormState) {
  return {
    problems: form.problems.map((p) => (p.field ? `${fieldLabel(L, p.field)}: ${p.message}` : p.message)),
    plannedFixAt: form.values.plannedFixAt ?? '',
    reason: form.values.reason ?? '',
  };
}

/** The incident page; `form` shows a refused or previewed transition form again with what was typed. */
async function showIncident(s: PagesDeps, ctx: Context, id: string, form?: FormState): Promise<void> {
  const { lang, L, canOperate } = see(ctx);
  const row = await incidentOr404(s, id);
  const inc = incidentView(row);
  const now = s.now();
  const clocks = (await clocksView(s.db(), id, now.getTime())).map((c) => ({
    ...c,
    stateName: term(lang, c.state),
    dueIso: c.dueAt ? new Date(Date.parse(c.dueAt)).toISOString() : '',
  }));
  const appeals = await incidentAppeals(s.db(), id);
  const { description, ...evidence } = evidenceOf(id, row);
  html(
    ctx,
    s,
    'incident',
    {
      inc: {
        ...inc,
        ...placeOf(s.config(), lang, inc.system, inc.module),
        title: titleOf(s.config(), lang, row),
        kindName: inc.kind ? term(lang, inc.kind) : '',
        stateName: term(lang, inc.state),
        levelName: term(lang, inc.level),
        proposedLevelName: term(lang, inc.proposedLevel),
        reasons: (inc.proposal?.reasons ?? []).map((r) => reasonText(lang, r)),
        // The operator's words in the page's language; a row from before migration 105 has one text for both.
        causeText: lang === 'kk' ? (inc.causeKk ?? inc.cause) : inc.cause,
        measuresText: lang === 'kk' ? (inc.measuresKk ?? inc.measures) : inc.measures,
      },
      clocks,
      timeline: await timelineOf(s, id, lang),
      canOperate,
      ack: await ackPanel(s, id, lang, isActiveState(inc.state)),
      forms: transitionForms(lang, inc, now, form),
      canChangePlannedFix: inc.state === 'confirmed',
      plannedFixForm: form?.to === 'planned-fix' ? plannedFixFormOf(L, form) : undefined,
      appeals: appeals.map(appealView(id, lang)),
      ...evidence,
      evidenceText: appeals.length === 0 ? description : undefined,
      ...extensionsOf(row),
      consequences: consequencesRecorded(row),
      consequenceForm: canOperate ? await consequenceForm(s, row, lang) : null,
    },
    { live: true, title: `${id} · ${L.incidents}` },
  );
  if (form?.problems.length) ctx.status = form.status ?? 400;
}

/** `GET /console/incidents/:id`: the incident with its clocks, timeline, appeals, evidence, extensions and forms. */
const incidentPage = (s: PagesDeps) => (ctx: Context) => showIncident(s, ctx, ctx.params.id as string);

/** `GET /console/incidents/:id/timeline.csv|pdf`: the timeline as the page shows it, for the file or the printer. */
const timelineExport = (s: PagesDeps) => async (ctx: Context) => {
  const { lang } = see(ctx);
  const id = ctx.params.id as string;
  const format = ctx.params.format as string;
  if (format !== 'csv' && format !== 'pdf') throw new NotFoundError(`no timeline format ${format}; csv or pdf`);
  const row = await incidentOr404(s, id);
  const lines = await timelineOf(s, id, lang);
  const file = `${id}-timeline-${lang}.${format}`;
  ctx.set('Content-Disposition', `attachment; filename="${file}"`);
  if (format === 'csv') {
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = timelineCsv(lang, lines);
    return;
  }
  ctx.type = 'application/pdf';
  ctx.body = await timelinePdf(
    lang,
    { id, title: titleOf(s.config(), lang, row), place: placeOf(s.config(), lang, row.system, row.module).placeName },
    lines,
    s.now(),
  );
};

/** `GET /console/incidents/:id/screenshots/:n`: a journey's screenshot, only from inside the artifacts directory. */
const screenshotFile = (s: PagesDeps) => async (ctx: Context) => {
  const row = await incidentOr404(s, ctx.params.id as string);
  const shots = ((row.evidence ?? {}) as { screenshots?: string[] }).screenshots ?? [];
  const p = shots[Number(ctx.params.n)];
  const root = resolve(s.artifactsDir);
  const file = p ? resolve(p) : undefined;
  // The path comes from a worker's observation: served only from inside the artifacts directory.
  if (!file || !file.startsWith(root + sep) || !file.endsWith('.png'))
    throw new NotFoundError('no such screenshot under the artifacts directory');
  const bytes = await readFile(file).catch(() => undefined);
  if (!bytes) throw new NotFoundError('the screenshot is gone (removed by retention)');
  ctx.type = 'image/png';
  ctx.body = bytes;
};

const backToIncident = (ctx: Context, id: string, done: keyof typeof DONE) =>
  seeOther(ctx, `/console/incidents/${encodeURIComponent(id)}?done=${done}`);

/** The service's input from the transition form: Astana times, the cause and measures in both languages. */
function transitionInputOf(f: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...pick(f, TRANSITION_FIELDS), to: f.to };
  if (f.version) input.version = Number(f.version);
  const planned = astanaInput(f.plannedFixAt, 'plannedFixAt');
  const actual = astanaInput(f.actualFixAt, 'actualFixAt');
  if (planned) input.plannedFixAt = planned;
  if (actual) input.actualFixAt = actual;
  for (const k of ['cause', 'measures'] as const) {
    const kk = f[`${k}Kk`]?.trim() ?? '';
    const ru = f[`${k}Ru`]?.trim() ?? '';
    if (kk || ru) input[k] = { kk, ru };
  }
  return input;
}

/** Runs `act`; a refusal about the input is shown in the form it came from, in the page's language, with what was typed. */
async function inForm(s: PagesDeps, ctx: Context, id: string, to: string, act: () => Promise<void>): Promise<void> {
  try {
    await act();
  } catch (e) {
    const problems = formProblems(see(ctx).L, e);
    if (!problems) throw e;
    return showIncident(s, ctx, id, { to, values: consoleState(ctx).form, problems, status: e instanceof KuzetError ? e.status : 400 });
  }
}

/**
 * The public notice as it would read once the incident is resolved with these words (issue #21
 * item 6): nothing is stored; both languages are required, as the transition requires them.
 */
async function previewResolved(s: PagesDeps, ctx: Context, id: string): Promise<void> {
  const f = consoleState(ctx).form;
  const L = see(ctx).L;
  const input = transitionInputOf(f);
  const problems: FormProblem[] = RESOLVED_FIELDS.filter((x) => !f[x.name]?.trim()).map((x) => ({ field: x.name, message: L.errRequired }));
  if (!input.actualFixAt) problems.push({ field: 'actualFixAt', message: L.errRequired });
  if (problems.length) return showIncident(s, ctx, id, { to: 'resolved', values: f, problems });
  const at = new Date(input.actualFixAt as string);
  const subject = await noticeSubjectForIncident(s, id, {
    state: 'resolved',
    actual_fix_at: at,
    resolved_at: at,
    cause: f.causeRu?.trim() ?? null,
    cause_kk: f.causeKk?.trim() ?? null,
    measures: f.measuresRu?.trim() ?? null,
    measures_kk: f.measuresKk?.trim() ?? null,
  });
  const preview = subject ? (await s.notices.service.preview(subject)).texts : undefined;
  return showIncident(s, ctx, id, { to: 'resolved', values: f, problems: [], preview });
}

const transitionAction = (s: PagesDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const id = ctx.params.id as string;
  const f = consoleState(ctx).form;
  await inForm(s, ctx, id, f.to ?? '', async () => {
    if (f.op === 'preview' && f.to === 'resolved') return previewResolved(s, ctx, id);
    await s.incidents.service.transition(id, transitionInputOf(f), actor);
    backToIncident(ctx, id, 'transitioned');
  });
};

const plannedFixAction = (s: PagesDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const id = ctx.params.id as string;
  const f = consoleState(ctx).form;
  await inForm(s, ctx, id, 'planned-fix', async () => {
    await s.incidents.service.updatePlannedFix(
      id,
      { plannedFixAt: astanaInput(f.plannedFixAt, 'plannedFixAt'), reason: f.reason, ...(f.version ? { version: Number(f.version) } : {}) },
      actor,
    );
    backToIncident(ctx, id, 'saved');
  });
};

const consequenceAction = (s: PagesDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const id = ctx.params.id as string;
  const f = consoleState(ctx).form;
  const at = astanaInput(f.at, 'at');
  await s.incidents.service.recordConsequence(
    id,
    {
      kind: f.kind,
      procurement: f.procurement,
      note: f.note,
      ...(f.supplier?.trim() ? { supplier: f.supplier } : {}),
      ...(at ? { at } : {}),
      ...(f.version ? { version: Number(f.version) } : {}),
    },
    actor,
  );
  backToIncident(ctx, id, 'saved');
};

const clockMetAction = (s: PagesDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const id = ctx.params.id as string;
  await s.incidents.service.markClockMet(id, ctx.params.timer as string, {}, actor);
  backToIncident(ctx, id, 'saved');
};

// SLA-E-ETP-RESOLVE (000 App.4 §1.5): the operator extends the decision deadline once; the service checks the bound.
const clockExtendAction = (s: PagesDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const id = ctx.params.id as string;
  const f = consoleState(ctx).form;
  await s.incidents.service.extendClock(id, ctx.params.timer as string, { dueAt: astanaInput(f.dueAt, 'dueAt'), reason: f.reason }, actor);
  backToIncident(ctx, id, 'saved');
};

const linkAppealAction = (s: PagesDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const f = consoleState(ctx).form;
  const appealId = ctx.params.id as string;
  if (!/^\d+$/.test(appealId)) throw new NotFoundError(`no appeal ${appealId}`);
  const r = await s.incidents.service.linkAppeal(appealId, { incidentId: (f.incidentId ?? '').trim() }, actor);
  backToIncident(ctx, r.incidentId, 'saved');
};

// ---- notices ----

const noticesPage = (s: PagesDeps) => async (ctx: Context) => {
  html(
    ctx,
    s,
    'notices',
    { notices: (await s.notices.service.list()).map((n) => ({ ...n, systemName: systemOf(s.config(), n.system)?.name ?? n.system })) },
    { live: true, title: see(ctx).L.notices },
  );
};

const findNotice = async (s: PagesDeps, kind: string, subjectId: string) =>
  (await s.notices.service.list()).find((n) => n.kind === kind && n.subjectId === subjectId);

/**
 * The subject to edit. An incident's facts (level, times, extensions, affected lots, recipients) come
 * fresh from the incident through notices/incident-notices.ts; the operator's words (description)
 * from the stored notice when there is one.
 */
async function subjectFor(s: PagesDeps, kind: string, subjectId: string): Promise<{ subject: NoticeSubject; noticeId?: string }> {
  const existing = await findNotice(s, kind, subjectId);
  if (kind === 'incident') {
    await incidentOr404(s, subjectId);
    const fresh = await noticeSubjectForIncident(s, subjectId);
    if (!fresh)
      throw new InputError(
        `incident ${subjectId} has no configured system, so it has no notice; link its appeal to a monitored incident first`,
        'incident',
      );
    return {
      subject: { ...fresh, description: existing?.subject.description ?? fresh.description },
      ...(existing ? { noticeId: existing.id } : {}),
    };
  }
  if (!existing) throw new NotFoundError(`no ${kind} notice for ${subjectId}`);
  return { subject: existing.subject, noticeId: existing.id };
}

async function showEditor(
  s: PagesDeps,
  ctx: Context,
  subject: NoticeSubject,
  noticeId: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { L, canOperate } = see(ctx);
  const notice = noticeId ? await s.notices.service.get(noticeId) : undefined;
  const phases = (
    subject.kind === 'incident'
      ? ['opened', 'updated', 'resolved']
      : ['maintenance-planned', 'maintenance-started', 'maintenance-completed']
  ).map((value) => ({ value, label: term(consoleState(ctx).lang, value), selected: value === subject.phase }));
  html(
    ctx,
    s,
    'notice-edit',
    { subject, notice, phases, canOperate, incidentId: subject.kind === 'incident' ? subject.id : undefined, ...extra },
    { title: L.editNotice, flash: flashOf(ctx) },
  );
}

/** `GET /console/notices/edit?notice=ID` or `?incident=ID`. */
const noticeEditPage = (s: PagesDeps) => async (ctx: Context) => {
  const q = ctx.query;
  if (typeof q.notice === 'string') {
    const n = await s.notices.service.get(q.notice);
    const { subject, noticeId } = await subjectFor(s, n.kind, n.subjectId);
    return showEditor(s, ctx, subject, noticeId);
  }
  if (typeof q.incident === 'string') {
    const { subject, noticeId } = await subjectFor(s, 'incident', q.incident);
    return showEditor(s, ctx, subject, noticeId);
  }
  throw new InputError('give ?incident=ID or ?notice=ID', 'incident');
};

/** `POST /console/notices/save`: preview (any role), save or publish (operator). */
const noticeSaveAction = (s: PagesDeps) => async (ctx: Context) => {
  const f = consoleState(ctx).form;
  const kind = oneOf(f.kind, ['incident', 'maintenance'] as const, 'kind') ?? 'incident';
  const { subject: base, noticeId } = await subjectFor(s, kind, f.id ?? '');
  const phase = (f.phase || base.phase) as Phase;
  const subject = {
    ...base,
    phase,
    description: { ru: f.descriptionRu ?? '', ...(f.descriptionKk?.trim() ? { kk: f.descriptionKk } : {}) },
  } as NoticeSubject;
  if (f.op === 'preview') {
    const p = await s.notices.service.preview(subject);
    return showEditor(s, ctx, subject, noticeId, { texts: p.texts, previewVersion: p.version });
  }
  const actor = need(ctx, 'operator');
  const { notice } = await s.notices.service.upsert(subject, actor);
  if (f.op === 'publish') await s.notices.service.publish(notice.id, actor);
  seeOther(ctx, `/console/notices/edit?notice=${encodeURIComponent(notice.id)}&done=${f.op === 'publish' ? 'published' : 'saved'}`);
};

// ---- maintenance ----

async function showMaintenance(s: PagesDeps, ctx: Context, extra: Record<string, unknown> = {}, flash?: string): Promise<void> {
  const { L, canOperate } = see(ctx);
  const form = (extra.form ?? {}) as Record<string, string>;
  const systems = Object.entries(s.config().systems).map(([id, sys]) => ({
    value: id,
    label: `${sys.name} (${id})`,
    selected: id === form.system,
  }));
  html(
    ctx,
    s,
    'maintenance',
    {
      systems,
      canOperate,
      windows: (await s.notices.service.listMaintenance({ from: new Date(s.now().getTime() - 7 * 86_400_000) })).map((w) => ({
        ...w,
        systemName: systemOf(s.config(), w.system)?.name ?? w.system,
      })),
      ...extra,
    },
    { live: true, title: L.maintenance, ...(flash ? { flash } : {}) },
  );
}

const maintenancePage = (s: PagesDeps) => (ctx: Context) => showMaintenance(s, ctx);

/** `POST /console/maintenance`: `op=plan` plans the window (operator); anything else checks it against the rules only. */
const maintenanceAction = (s: PagesDeps) => async (ctx: Context) => {
  const f = consoleState(ctx).form;
  const input = {
    system: f.system,
    modules: (f.modules ?? '').split(/[\s,]+/).filter(Boolean),
    startsAt: astanaInput(f.startsAt, 'startsAt'),
    endsAt: astanaInput(f.endsAt, 'endsAt'),
    description: { ru: f.descriptionRu ?? '', ...(f.descriptionKk?.trim() ? { kk: f.descriptionKk } : {}) },
    responsible: f.responsible?.trim()
      ? [{ name: f.responsible.trim(), ...(f.responsibleEmail?.trim() ? { email: f.responsibleEmail.trim() } : {}) }]
      : [],
  };
  if (f.op === 'plan') {
    const actor = need(ctx, 'operator');
    const out = await s.notices.service.planMaintenance(input, actor);
    return showMaintenance(s, ctx, { verdicts: out.plan.verdicts, reasons: out.plan.reasons }, `${see(ctx).L.plan}: ${out.id}`);
  }
  const parsed = maintenanceInputSchema.safeParse(input);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  const sys = systemOf(s.config(), parsed.data.system);
  if (!sys) throw new InputError(`unknown system "${parsed.data.system}"`, 'system');
  const plan = planMaintenance(parsed.data, { id: parsed.data.system, policy: sys.policy, modules: sys.modules }, s.now());
  return showMaintenance(s, ctx, { verdicts: plan.verdicts, reasons: plan.reasons, form: f });
};

// ---- ETPs and the journal ----

/** `GET /console/etps`: each ETP with its state, streak, latest events and decisions, and its checks' rows. */
const etpsPage = (s: PagesDeps) => async (ctx: Context) => {
  const { lang, L, canOperate } = see(ctx);
  const rt = s.etp();
  await rt.ensureSeeded();
  const checks = new Map(
    boardRows(s, lang, ['etp']).systems.map((e) => [e.id, e.rows.map((r) => ({ ...r, target: `${r.target}/${r.check}` }))]),
  );
  const etps = await Promise.all(
    (await listEtps(s.db(), s.now())).map(async (e) => {
      const d = await rt.detail(e.id);
      return {
        ...e,
        stateName: term(lang, e.state),
        failureDays: d.streak.failureDays.slice(-15).join(', '),
        events: d.events.slice(-5).map((x) => ({ ...x, typeName: term(lang, x.type) })),
        decisions: d.decisions.slice(-5),
        rows: checks.get(e.id) ?? [],
      };
    }),
  );
  html(
    ctx,
    s,
    'etps',
    { etps, canOperate, decisions: ['keep', 'disconnect'].map((value) => ({ value, label: term(lang, value) })) },
    { live: true, title: L.etps, flash: flashOf(ctx) },
  );
};

const etpDecisionAction = (s: PagesDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const f = consoleState(ctx).form;
  const at = astanaInput(f.disconnectAt, 'disconnectAt');
  await s.etp().decide(
    ctx.params.id as string,
    {
      decision: f.decision,
      reason: f.reason,
      ...(at ? { disconnectAt: at } : {}),
      ...(f.thresholdDate?.trim() ? { thresholdDate: f.thresholdDate.trim() } : {}),
    },
    actor,
  );
  seeOther(ctx, '/console/etps?done=saved');
};

const journalPage = (s: PagesDeps) => (ctx: Context) => {
  const { lang, L } = see(ctx);
  const today = formatAstana(s.now()).slice(0, 10);
  html(
    ctx,
    s,
    'journal',
    {
      journalFormats: JOURNAL_FORMATS,
      from: `${today.slice(0, 4)}-01-01`,
      to: today,
      year: String(Number(today.slice(0, 4)) - 1),
      lang,
      otherLang: lang === 'kk' ? 'ru' : 'kk',
    },
    { title: L.journal },
  );
};

export function registerPages(router: Router, s: PagesDeps): void {
  router.get('/console', boardPage(s));
  router.get('/console/incidents', incidentsPage(s));
  router.get('/console/incidents/:id', incidentPage(s));
  router.get('/console/incidents/:id/screenshots/:n', screenshotFile(s));
  router.get('/console/incidents/:id/timeline.:format', timelineExport(s));
  router.post('/console/incidents/:id/transition', transitionAction(s));
  router.post('/console/incidents/:id/planned-fix', plannedFixAction(s));
  router.post('/console/incidents/:id/consequences', consequenceAction(s));
  router.post('/console/incidents/:id/clocks/:timer/met', clockMetAction(s));
  router.post('/console/incidents/:id/clocks/:timer/extend', clockExtendAction(s));
  router.post('/console/appeals/:id/link', linkAppealAction(s));
  router.get('/console/notices', noticesPage(s));
  router.get('/console/notices/edit', noticeEditPage(s));
  router.post('/console/notices/save', noticeSaveAction(s));
  router.get('/console/maintenance', maintenancePage(s));
  router.post('/console/maintenance', maintenanceAction(s));
  router.get('/console/etps', etpsPage(s));
  router.post('/console/etps/:id/decision', etpDecisionAction(s));
  router.get('/console/journal', journalPage(s));
}
