/**
 * An incident as its notice must tell it (docs/rules.md §6; 001 §13.1, §14.1–14.2, §15.1–15.3): the
 * pure mapping from the stored incident to a {@link NoticeSubject}, and which duties (SLA clocks) a
 * publication meets. notices/incident-notices.ts reads the facts and acts on them.
 */
import { ERROR_CAUSES, type IncidentRow } from '../incidents/index.ts';
import type { NoticeSubject, Phase, Recipient } from './model.ts';

/** Probable causes the detector names (ERROR_CAUSES of incidents/detection/detector.ts), in words. */
const CLOCK = ERROR_CAUSES.clock;
const CAUSE_TEXT: Record<'ru' | 'kk', Record<string, string>> = {
  ru: {
    DNS: 'ошибка DNS',
    connection: 'нет соединения',
    TLS: 'ошибка TLS',
    'HTTP status': 'ошибка HTTP',
    content: 'неверное содержимое страницы',
    timeout: 'превышено время ожидания',
    'monitoring error': 'ошибка мониторинга',
    [CLOCK]: 'время сервера расходится с ntp.nic.kz',
  },
  kk: {
    DNS: 'DNS қатесі',
    connection: 'байланыс жоқ',
    TLS: 'TLS қатесі',
    'HTTP status': 'HTTP қатесі',
    content: 'беттің мазмұны қате',
    timeout: 'күту уақыты асып кетті',
    'monitoring error': 'мониторинг қатесі',
    [CLOCK]: 'сервер уақыты ntp.nic.kz уақытынан ауытқиды',
  },
};
/** The probable causes in words, for the console's timeline and titles. */
export const PROBABLE_CAUSE_WORDS: Readonly<Record<'ru' | 'kk', Readonly<Record<string, string>>>> = CAUSE_TEXT;

/** How a notice names the incident's system and module: the configured names, never the config ids. */
export interface IncidentNames {
  /** The system's name (`systems.<id>.name`). */
  systemName: string;
  /** The module's names (`systems.<id>.moduleNames.<module>`); without them the system is named instead. */
  module?: { kk: string; ru: string } | undefined;
}

/**
 * What the notice says happened, in both languages; the operator's cause wins over the detector's guess.
 * Kazakh puts the case ending on a noun after the quoted name («Поиск объявлений» модуліндегі): the
 * name itself cannot carry one.
 */
export function incidentDescription(
  r: Pick<IncidentRow, 'source' | 'probable_cause' | 'cause'> & Partial<Pick<IncidentRow, 'cause_kk'>>,
  names: IncidentNames,
): { ru: string; kk: string } {
  const m = names.module;
  const ruName = `«${m ? m.ru : names.systemName}»`;
  const kkName = `«${m ? m.kk : names.systemName}»`;
  const ruOf = m ? `модуля ${ruName}` : `системы ${ruName}`;
  const kkIn = `${kkName} ${m ? 'модуліндегі' : 'жүйесіндегі'}`;
  const kkOf = `${kkName} ${m ? 'модулінің' : 'жүйесінің'}`;
  // The Kazakh cause when the operator gave one (issue #21 item 6); a row from before it has one text for both.
  if (r.cause) return { ru: `Технический сбой ${ruName}: ${r.cause}`, kk: `${kkIn} техникалық іркіліс: ${r.cause_kk || r.cause}` };
  if (r.source === 'monitoring') {
    const ru = r.probable_cause ? (CAUSE_TEXT.ru[r.probable_cause] ?? r.probable_cause) : 'недоступность';
    const kk = r.probable_cause ? (CAUSE_TEXT.kk[r.probable_cause] ?? r.probable_cause) : 'қолжетімсіздік';
    return {
      ru: `Нарушение работы ${ruOf} по данным мониторинга: ${ru}`,
      kk: `Мониторинг деректері бойынша ${kkOf} жұмысы бұзылды: ${kk}`,
    };
  }
  return { ru: `Технический сбой ${ruName} по обращению пользователя`, kk: `Пайдаланушының өтініші бойынша ${kkIn} техникалық іркіліс` };
}

type StoredExtension = {
  subject: string;
  deadline?: string;
  kind?: string;
  original: string | null;
  extended: string;
  rule: string;
  announcement?: string;
  lot?: string;
};
type StoredStage = { extensions?: StoredExtension[]; affected?: { announcement: string; lot?: string }[] };

/** The extensions of the incident's latest stage (planned fix when confirmed, actual fix when resolved). */
export function latestExtensions(extensions: Record<string, unknown> | null): {
  extensions: NoticeSubject['extensions'];
  affected: NoticeSubject['affected'];
} {
  const latest = extensions?.latest;
  const stage = (typeof latest === 'string' ? extensions?.[latest] : undefined) as StoredStage | undefined;
  const list = stage?.extensions ?? [];
  return {
    extensions: list.map((e) => ({
      subject: e.announcement ? `${e.announcement}${e.lot ? `/${e.lot}` : ''}` : e.subject,
      deadline: e.deadline ?? e.kind ?? 'deadline',
      original: e.original,
      extended: e.extended,
      rule: e.rule,
    })),
    affected: (stage?.affected ?? []).map((a) => ({ announcement: a.announcement, ...(a.lot ? { lot: a.lot } : {}) })),
  };
}

const iso = (d: Date | string | null | undefined) => (d === null || d === undefined ? undefined : new Date(d).toISOString());

/**
 * The notice phase an incident state calls for; null when none is due (registered, analysing,
 * refuted). `updated` is the reconciler's choice once a published notice's facts change.
 */
export function noticePhase(r: Pick<IncidentRow, 'state'>): 'opened' | 'resolved' | null {
  if (r.state === 'resolved' || r.state === 'closed') return 'resolved';
  if (r.state === 'confirmed') return 'opened';
  return null;
}

/**
 * The subject of an incident's notice. `recipients`: the reporting users and the suppliers of the
 * affected procurements (001 §14.2), who get it by e-mail besides owners and subscribers.
 */
export function incidentSubject(r: IncidentRow, phase: Phase, recipients: Recipient[], names: IncidentNames): NoticeSubject {
  const { extensions, affected } = latestExtensions(r.extensions);
  const s: NoticeSubject = {
    kind: 'incident',
    id: r.id,
    system: r.system ?? '',
    modules: r.module ? [r.module] : [],
    policy: r.policy,
    phase,
    description: incidentDescription(r, names),
    extensions,
    affected,
    contacts: [],
    recipients,
    unplanned: false,
  };
  if (r.level) s.level = r.level;
  const started = iso(r.started_at);
  if (started) s.startedAt = started;
  const confirmed = iso(r.confirmed_at);
  if (confirmed) s.confirmedAt = confirmed;
  const planned = iso(r.planned_fix_at);
  if (planned) s.plannedFixAt = planned;
  const resolved = phase === 'resolved' ? iso(r.actual_fix_at ?? r.resolved_at) : undefined;
  if (resolved) s.resolvedAt = resolved;
  // The measures in each language (issue #21 item 6); a row from before migration 105 has one text for both.
  if (phase === 'resolved' && r.measures) s.measures = { ru: r.measures, kk: r.measures_kk || r.measures };
  return s;
}

/**
 * The incident clocks a publication meets (docs/rules.md §4, policy portal-692): the homepage
 * notice (SLA-P-MED-HOME, SLA-P-HIGH-HOME), the e-mail to the reporter and suppliers in the same
 * fan-out (SLA-P-MED-NOTIFY), and the owners, who are always among its e-mail recipients
 * (SLA-P-HIGH-OWNER). Not SLA-P-OWNER-MEDHIGH: only the message to the owner's IT and security unit
 * meets that one ({@link OWNER_UNIT_CLOCK}).
 */
export const CLOCKS_MET_BY_PUBLISH: Readonly<Record<'medium' | 'high', readonly string[]>> = {
  medium: ['SLA-P-MED-HOME', 'SLA-P-MED-NOTIFY'],
  high: ['SLA-P-HIGH-HOME', 'SLA-P-HIGH-OWNER'],
};

/**
 * 001 §19: on receipt of a medium/high failure the operator informs the owner's unit responsible for
 * informatisation and information security, in order to confirm it. Met only by that message, sent to
 * the system's owners contacts with this role; the public notice never meets it.
 */
export const OWNER_UNIT_CLOCK = 'SLA-P-OWNER-MEDHIGH';
export const OWNER_UNIT_ROLE = 'it-security';

/** The owner unit's addresses among a system's owners (001 §19). */
export function ownerUnitEmails<T extends { role?: string | undefined; email?: string | undefined }>(owners: readonly T[]): string[] {
  return owners.filter((o) => o.role === OWNER_UNIT_ROLE && o.email).map((o) => o.email as string);
}

/** A low-level incident gets no homepage notice; the reporting user is told the level and planned fix (SLA-P-LOW-NOTIFY, 001 §13.1). */
export const LOW_NOTIFY_CLOCK = 'SLA-P-LOW-NOTIFY';
/** After the fix of a low failure the reporting users are told the works are finished (SLA-P-LOW-FIXED, 002 §15.3, new §13.3): untimed. */
export const LOW_FIXED_CLOCK = 'SLA-P-LOW-FIXED';
