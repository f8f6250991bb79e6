/**
 * What a notice says, pure: the template data per language (every key present, so templates run in
 * handlebars' strict mode), the hash of the published fields (a change re-publishes, 001 §14.1–14.2),
 * and the notice's own SLA clocks (SLA-P-MED-HOME, SLA-P-HIGH-HOME), met when it is published.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { formatAstana } from '../core/time.ts';
import { DEADLINE_WORDS, LEVEL_WORDS, POLICY_REGISTRY, timerDueAtMs, type PolicyRegistry, type SlaTimerId } from '../incidents/index.ts';
import type { Lang, NoticeSubject } from './model.ts';

// Kazakh words follow docs/kazakh-glossary.md (from 002); a Kazakh reader should review them with the templates.
/** Criticality levels in words (docs/rules.md §3): the journal's words, one table for every text kuzet writes. */
export const LEVEL_TEXT = LEVEL_WORDS;
/** The deadlines in words: one table with the rules engine's deadlines text (`kuzet deadlines --format text`). */
const DEADLINE_TEXT: Record<Lang, Record<string, string>> = DEADLINE_WORDS;

const at = (iso: string | undefined) => (iso ? formatAstana(new Date(iso)) : null);
/** Astana wall-clock for people: `2026-03-28 09:00`. */
const human = (iso: string | undefined | null) => (iso ? formatAstana(new Date(iso)).slice(0, 16).replace('T', ' ') : null);

export interface TemplateData {
  [key: string]: unknown;
}

/** Names of modules by id in both languages (config `systems.<id>.moduleNames`). */
export type ModuleNameTable = Readonly<Record<string, { readonly kk: string; readonly ru: string }>>;

/**
 * The modules as readers know them, in `lang`: their configured names, never their config ids (a
 * module without names is left out; the system's name stands for it).
 */
export function moduleLabels(modules: readonly string[], names: ModuleNameTable | undefined, lang: Lang): string[] {
  return modules.flatMap((m) => {
    const n = names && Object.hasOwn(names, m) ? names[m] : undefined;
    return n ? [n[lang]] : [];
  });
}

export function templateData(
  s: NoticeSubject,
  lang: Lang,
  extra: { systemName: string; version: number; moduleNames?: ModuleNameTable | undefined },
): TemplateData {
  const modules = moduleLabels(s.modules, extra.moduleNames, lang);
  const extendedUntil = s.extensions.reduce<string | null>((m, e) => (m === null || e.extended > m ? e.extended : m), null);
  return {
    lang,
    kind: s.kind,
    id: s.id,
    system: s.system,
    systemName: extra.systemName,
    modules: modules.map((m) => `«${m}»`).join(', '),
    hasModules: modules.length > 0,
    policy: s.policy,
    level: s.level ?? null,
    levelText: s.level ? LEVEL_TEXT[lang][s.level] : null,
    isHigh: s.level === 'high',
    isMedium: s.level === 'medium',
    phase: s.phase,
    description: (lang === 'kk' ? s.description.kk : undefined) ?? s.description.ru,
    measures: s.measures ? ((lang === 'kk' ? s.measures.kk : undefined) ?? s.measures.ru) : null,
    startedAt: human(s.startedAt),
    endsAt: human(s.endsAt),
    plannedFixAt: human(s.plannedFixAt),
    resolvedAt: human(s.resolvedAt),
    extensions: s.extensions.map((e) => ({
      subject: e.subject,
      deadline: DEADLINE_TEXT[lang][e.deadline] ?? e.deadline,
      original: human(e.original),
      extended: human(e.extended),
      rule: e.rule,
    })),
    hasExtensions: s.extensions.length > 0,
    extendedUntil: human(extendedUntil),
    affected: s.affected.map((a) => ({ announcement: a.announcement, lot: a.lot ?? null })),
    hasAffected: s.affected.length > 0,
    contacts: s.contacts.map((c) => ({ name: c.name, role: c.role ?? null, email: c.email ?? null, phone: c.phone ?? null })),
    hasContacts: s.contacts.length > 0,
    unplanned: s.unplanned,
    version: extra.version,
  };
}

/** The fields a reader sees; when their hash changes, a published notice is re-published. */
export function publishedFields(s: NoticeSubject) {
  return {
    phase: s.phase,
    level: s.level ?? null,
    description: s.description,
    ...(s.measures ? { measures: s.measures } : {}),
    modules: s.modules,
    startedAt: s.startedAt ?? null,
    endsAt: s.endsAt ?? null,
    plannedFixAt: s.plannedFixAt ?? null,
    resolvedAt: s.resolvedAt ?? null,
    extensions: s.extensions,
    affected: s.affected,
    contacts: s.contacts,
    unplanned: s.unplanned,
  };
}

/**
 * Keys are sorted at every depth: the same content read back from JSONB (which reorders keys) or
 * built by another code path hashes the same, so it is not re-published (and re-notified) for nothing.
 */
export function contentHash(s: NoticeSubject): string {
  return createHash('sha256')
    .update(stringify(publishedFields(s)) ?? '')
    .digest('hex');
}

/**
 * The hash as stored before keys were sorted: JSON.stringify of the parsed subject (schema order).
 * Read only to recognise a notice published before the change, so an upgrade re-publishes nothing.
 */
export function legacyContentHash(s: NoticeSubject): string {
  return createHash('sha256')
    .update(JSON.stringify(publishedFields(s)))
    .digest('hex');
}

export interface NoticeClock {
  timer: SlaTimerId;
  dueAt: string;
  metAt: string | null;
  met: boolean | null;
}

/** The homepage-notice timers of an incident subject (docs/rules.md §4), evaluated at `publishedAt`. */
export function noticeClocks(s: NoticeSubject, publishedAt: Date | null, policies: PolicyRegistry = POLICY_REGISTRY): NoticeClock[] {
  if (s.kind !== 'incident' || !s.confirmedAt) return [];
  const policy = policies.get(s.policy);
  const ids = (s.level && policy.notices?.homepageClocks?.[s.level]) || [];
  const timers = policy.slaTimers.filter((t) => ids.includes(t.id));
  return timers.map((t) => {
    const timer = t.id as SlaTimerId;
    const due = timerDueAtMs(t, Date.parse(s.confirmedAt as string));
    return {
      timer,
      dueAt: formatAstana(due),
      metAt: publishedAt ? formatAstana(publishedAt) : null,
      met: publishedAt ? publishedAt.getTime() <= due : null,
    };
  });
}

export { at as formatInstant };
