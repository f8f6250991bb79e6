/**
 * An incident's timeline as an operator reads it (issue #21 item 5): what happened, who did it and
 * when (Astana time), with the recorded fields named in the page's language and their values in
 * words (levels, states, kinds, channels, probable causes, the level proposal's reasons) instead of
 * the stored JSON. Pure: the page, the CSV and the PDF export all render these lines.
 */
import { PROBABLE_CAUSE_WORDS } from '../notices/index.ts';
import { FIELD_WORDS, LABELS, TERMS, TIMELINE_ACTIONS, type ConsoleLang } from './i18n.ts';

export interface TimelineEntry {
  at: string | null;
  actor: string;
  ip: string | null;
  action: string;
  before: unknown;
  after: unknown;
}

export interface TimelineLine {
  at: string;
  who: string;
  ip: string;
  what: string;
  /** The action id as stored, for machines and the CSV. */
  action: string;
  details: { label: string; value: string }[];
}

/**
 * The level proposal's reasons (incidents/classification/propose-level.ts and the policies' own
 * proposals) in Kazakh and Russian. A reason no pattern knows is shown as stored.
 */
const REASONS: readonly { re: RegExp; ru: (m: string[]) => string; kk: (m: string[]) => string }[] = [
  {
    re: /^user report without corroborating monitoring evidence$/,
    ru: () => 'обращение пользователя без подтверждения мониторингом',
    kk: () => 'мониторингпен расталмаған пайдаланушы өтініші',
  },
  {
    re: /^(\d+) of (\d+) checks of the module failing in (\d+) of (\d+) regions$/,
    ru: (m) => `сбой ${m[1]} из ${m[2]} проверок модуля в ${m[3]} из ${m[4]} регионов`,
    kk: (m) => `модульдің ${m[2]} тексеруінің ${m[1]}-і ${m[4]} өңірдің ${m[3]}-інде сәтсіз`,
  },
  {
    re: /^only timeouts: degraded but usable$/,
    ru: () => 'только превышения времени ожидания: работает медленно, но доступно',
    kk: () => 'тек күту уақытының асуы: баяу, бірақ қолжетімді',
  },
  {
    re: /^the module is down for every probe and region$/,
    ru: () => 'модуль недоступен для всех проверок и регионов',
    kk: () => 'модуль барлық тексерулер мен өңірлер үшін қолжетімсіз',
  },
  {
    re: /^a function fails for some probes or regions$/,
    ru: () => 'функция не работает для части проверок или регионов',
    kk: () => 'функция тексерулердің немесе өңірлердің бір бөлігі үшін жұмыс істемейді',
  },
  {
    re: /^the failure has lasted only outside the working hours of the energy platform so far \(09:00–18:30 on working days\)$/,
    ru: () => 'сбой пока длится только вне рабочего времени энергетической площадки (09:00–18:30 в рабочие дни)',
    kk: () => 'іркіліс әзірге тек энергетикалық алаңның жұмыс уақытынан тыс созылуда (жұмыс күндері 09:00–18:30)',
  },
  {
    re: /^every module of the platform \((\d+) of (\d+)\) is failing during working hours$/,
    ru: (m) => `в рабочее время не работают все модули площадки (${m[1]} из ${m[2]})`,
    kk: (m) => `жұмыс уақытында алаңның барлық модульдері жұмыс істемейді (${m[2]}-ден ${m[1]})`,
  },
  {
    re: /^a key functional section is down for every probe and region during working hours$/,
    ru: () => 'в рабочее время ключевой раздел недоступен для всех проверок и регионов',
    kk: () => 'жұмыс уақытында негізгі бөлім барлық тексерулер мен өңірлер үшін қолжетімсіз',
  },
  {
    re: /^core functions still work for some probes or regions$/,
    ru: () => 'основные функции ещё работают для части проверок или регионов',
    kk: () => 'негізгі функциялар тексерулердің немесе өңірлердің бір бөлігі үшін әлі жұмыс істейді',
  },
  {
    re: /^started outside working hours; in working hours from (.+)$/,
    ru: (m) => `начался вне рабочего времени; в рабочее время с ${m[1]}`,
    kk: (m) => `жұмыс уақытынан тыс басталды; жұмыс уақытында ${m[1]} бастап`,
  },
];

/** A level proposal's reason in the page's language. */
export function reasonText(lang: ConsoleLang, reason: string): string {
  for (const r of REASONS) {
    const m = r.re.exec(reason);
    if (m) return r[lang]([...m]);
  }
  return reason;
}

/** Who did it: a console user by name, kuzet itself, a public appeal, or the API token's id. */
export function actorText(lang: ConsoleLang, actor: string): string {
  const L = LABELS[lang];
  if (actor.startsWith('user:')) return actor.slice(5);
  if (actor.startsWith('system:') || actor.startsWith('cli:')) return L.kuzetSelf;
  if (actor.startsWith('public:')) return L.publicUser;
  return actor;
}

const WORD_KEYS = new Set(['state', 'level', 'proposedLevel', 'kind', 'to']);

function valueText(lang: ConsoleLang, key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? LABELS[lang].yes : LABELS[lang].no;
  if (typeof v === 'string') {
    if (WORD_KEYS.has(key)) return TERMS[lang][v] ?? v;
    if (key === 'channel') return TERMS[lang][`channel-${v}`] ?? v;
    if (key === 'probableCause') return PROBABLE_CAUSE_WORDS[lang][v] ?? v;
    return v;
  }
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.length === 0) return '—';
  if (Array.isArray(v))
    return v.map((x) => (key === 'reasons' && typeof x === 'string' ? reasonText(lang, x) : valueText(lang, '', x))).join('; ');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${FIELD_WORDS[lang][k] ?? k}: ${valueText(lang, k, x)}`)
      .join(', ');
  return String(v);
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The field's name; the Russian text of a bilingual pair is marked as such when its Kazakh text is beside it. */
function fieldLabel(lang: ConsoleLang, key: string, after: Record<string, unknown>): string {
  const words = FIELD_WORDS[lang];
  if ((key === 'cause' || key === 'measures') && `${key}Kk` in after) return words[`${key}Ru`] ?? key;
  return words[key] ?? key;
}

/** The details of one entry: each field of `after`, with `before → after` where the entry recorded a different earlier value. */
function details(lang: ConsoleLang, e: TimelineEntry): TimelineLine['details'] {
  const after = asRecord(e.after);
  const before = asRecord(e.before);
  return Object.entries(after)
    .filter(([k]) => k !== 'state')
    .map(([k, v]) => {
      const now = valueText(lang, k, v);
      const was = k in before ? valueText(lang, k, before[k]) : undefined;
      return { label: fieldLabel(lang, k, after), value: was !== undefined && was !== now && was !== '—' ? `${was} → ${now}` : now };
    });
}

/** What the entry says happened. */
export function actionText(lang: ConsoleLang, action: string): string {
  const words = TIMELINE_ACTIONS[lang];
  return words[action] ?? words[action.split('.')[0] ?? ''] ?? action;
}

export function timelineLines(lang: ConsoleLang, entries: readonly TimelineEntry[]): TimelineLine[] {
  return entries.map((e) => ({
    at: e.at ?? '',
    who: actorText(lang, e.actor),
    ip: e.ip ?? '',
    what: actionText(lang, e.action),
    action: e.action,
    details: details(lang, e),
  }));
}
