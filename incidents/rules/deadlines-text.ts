/**
 * The deadline extensions as a procurement officer reads them (issue #21 item 7): a table of
 * procurement, deadline, was, becomes, the rule and its point (`EX-M-ACCEPT-OVER`, `001 §14.7`), in
 * Kazakh or Russian, every time in Astana time. The same table is printed by
 * `kuzet deadlines --format text` and shown by the console's deadlines page. Pure: the output of
 * {@link rulesDeadlines} in, words out.
 *
 * Kazakh words follow docs/kazakh-glossary.md; the flag, duty and column words are kuzet's own
 * (not in the sources) and a Kazakh reader should confirm them.
 */
import { LEVEL_WORDS } from '../classification/level-words.ts';
import type { DeadlineKind, ExtensionFlag, PolicyRegistry, Policy } from './policies/index.ts';

export const DEADLINE_TEXT_LANGS = ['ru', 'kk'] as const;
export type DeadlineTextLang = (typeof DEADLINE_TEXT_LANGS)[number];

/** A procurement's deadlines in words (docs/kazakh-glossary.md, "Notices"); notices print the same words. */
export const DEADLINE_WORDS: Readonly<Record<DeadlineTextLang, Readonly<Record<DeadlineKind, string>>>> = {
  kk: {
    acceptanceStart: 'өтінімдерді қабылдауды бастау',
    acceptanceEnd: 'өтінімдерді қабылдауды аяқтау',
    opening: 'өтінімдерді ашу',
    admission: 'қатысуға жіберу',
    results: 'қорытындылар шығару',
    contractSigning: 'шартқа қол қою',
    complaints: 'шағымдану',
    auctionBidding: 'аукцион',
    discussionEnd: 'талқылаудың аяқталуы',
  },
  ru: {
    acceptanceStart: 'начало приема заявок',
    acceptanceEnd: 'окончание приема заявок',
    opening: 'вскрытие заявок',
    admission: 'допуск',
    results: 'подведение итогов',
    contractSigning: 'подписание договора',
    complaints: 'обжалование',
    auctionBidding: 'аукцион',
    discussionEnd: 'окончание обсуждения',
  },
};

const FLAG_WORDS: Readonly<Record<DeadlineTextLang, Readonly<Record<ExtensionFlag, string>>>> = {
  ru: {
    protocolAnnulled: 'протокол аукциона и ценовые предложения аннулированы',
    resubmissionRequired: 'поставщики подают ценовые предложения повторно',
    protocolCancelled: 'протокол отменён',
    biddingRescheduleRequired: 'торги нужно перенести',
    listingAnnulled: 'включение в перечень недобросовестных поставщиков отменено',
  },
  kk: {
    protocolAnnulled: 'аукцион хаттамасы мен баға ұсыныстарының күші жойылды',
    resubmissionRequired: 'өнім берушілер баға ұсыныстарын қайта береді',
    protocolCancelled: 'хаттаманың күші жойылды',
    biddingRescheduleRequired: 'сауда-саттықты ауыстыру қажет',
    listingAnnulled: 'жосықсыз өнім берушілер тізбесіне енгізудің күші жойылды',
  },
};

const WORDS = {
  ru: {
    title: 'Продление сроков закупок',
    policy: 'правила',
    level: 'уровень критичности',
    duration: 'длительность',
    minutes: 'мин',
    astana: 'Время города Астаны (UTC+05:00).',
    columns: ['Закупка', 'Срок', 'Было', 'Стало', 'Правило', 'Пункт', 'Отметки'],
    maintenance: 'технические и профилактические работы',
    refuted: 'сбой не подтвержден',
    nothing: 'Сроки не продлеваются.',
    tariff: (id: string) => `тариф ${id}`,
    tariffValidity: 'срок действия тарифа',
    annulled: 'Аннулировано',
    formedAt: 'сформирован',
    duties: 'Обязанности',
    forceMajeure: (days: number) =>
      `Обстоятельства непреодолимой силы: сроки автоматически не продлеваются; оператор продлевает их по согласованию с владельцем на ${days} дн.`,
    what: { protocol: 'протокол' } as Record<string, string>,
    duty: {
      'rerun-procedures': 'уведомить пользователей и провести процедуры повторно',
      'cancel-unreliable-listing': 'уведомить пользователей и отменить включение в перечень ненадежных поставщиков',
    } as Record<string, string>,
  },
  kk: {
    title: 'Сатып алу мерзімдерін ұзарту',
    policy: 'қағидалар',
    level: 'күрделілік деңгейі',
    duration: 'ұзақтығы',
    minutes: 'мин',
    astana: 'Астана қаласының уақыты бойынша (UTC+05:00).',
    columns: ['Сатып алу', 'Мерзім', 'Бұрынғы', 'Жаңа', 'Қағида', 'Тармақ', 'Белгілер'],
    maintenance: 'техникалық және профилактикалық жұмыстар',
    refuted: 'техникалық іркіліс расталмады',
    nothing: 'Мерзімдер ұзартылмайды.',
    tariff: (id: string) => `${id} тарифі`,
    tariffValidity: 'тарифтің қолданылу мерзімі',
    annulled: 'Күші жойылды',
    formedAt: 'қалыптастырылған',
    duties: 'Міндеттер',
    forceMajeure: (days: number) =>
      `Тежеусіз күш жағдайлары: мерзімдер автоматты түрде ұзартылмайды; оператор оларды иеленушімен келісім бойынша ${days} күнге ұзартады.`,
    what: { protocol: 'хаттама' } as Record<string, string>,
    duty: {
      'rerun-procedures': 'пайдаланушыларға хабарлау және рәсімдерді қайта өткізу',
      'cancel-unreliable-listing': 'пайдаланушыларға хабарлау және сенімсіз өнім берушілер тізбесіне енгізудің күшін жою',
    } as Record<string, string>,
  },
} as const;

/** What {@link deadlinesTable} reads: the JSON of `kuzet deadlines` (`DeadlinesOutput`). */
export interface DeadlinesTextInput {
  policy: string;
  level: string;
  failureMinutes: number;
  extensions: readonly {
    subject: string;
    deadline: string;
    original: string | null;
    extended: string;
    rule: string;
    flags: readonly string[];
  }[];
  tariffs: readonly { id: string; validUntil: string; extendedUntil: string; rule: string }[];
  annulments: readonly { procurement: string; what: string; formedAt: string; rule: string }[];
  duties: readonly { procurement: string; duty: string; rule: string }[];
  requiresOwnerAgreement?: { rule: string; durationDays: number } | undefined;
}

/** One row: procurement, deadline, was, becomes, rule, point, flags (words). */
export interface DeadlinesTableRow {
  procurement: string;
  deadline: string;
  was: string;
  becomes: string;
  rule: string;
  point: string;
  flags: string;
}

/** The table and the lines around it, in one language; the console renders it as HTML, the CLI as text. */
export interface DeadlinesTable {
  lang: DeadlineTextLang;
  title: string;
  astana: string;
  columns: readonly string[];
  rows: DeadlinesTableRow[];
  /** Whether any row has flags (the last column is printed only then). */
  hasFlags: boolean;
  /** Lines after the table: annulments, duties, force majeure, or that nothing moves. */
  notes: string[];
}

/** The source point of a rule id of `policy` (`001 §14.7`), or "" when the policy does not define it. */
export function ruleSourceOf(policy: Policy | undefined, ruleId: string): string {
  const ext = policy?.extension;
  if (!ext) return '';
  const rules = [
    ...ext.rules,
    ...ext.tariffRules,
    ...(ext.analysisRule ? [ext.analysisRule] : []),
    ...(ext.annulmentRules ?? []),
    ...(ext.dutyRules ?? []),
    ...Object.values(ext.noExtension),
    ext.forceMajeure,
  ];
  return rules.find((r) => r?.id === ruleId)?.source ?? '';
}

/**
 * A rule's source point in the reader's language: the policies write the edition in English
 * (`001 §25 (new)`, `002 §10 (kept unchanged as new §9)`); the table says it in Russian or Kazakh.
 */
export function pointWords(source: string, lang: DeadlineTextLang): string {
  const edition = lang === 'ru' ? 'новая редакция' : 'жаңа редакция';
  return source.replace(/\(new\)/g, `(${edition})`).replace(/\((?:kept unchanged|survives) as new (§[\d.]+)\)/g, `(${edition}: $1)`);
}

/** `2026-06-11T18:00:00+05:00` → `2026-06-11 18:00:00` (the output is already Astana time). */
const wallClock = (iso: string | null): string => (iso === null ? '—' : iso.slice(0, 19).replace('T', ' '));

function outcomeWords(lang: DeadlineTextLang, level: string): string {
  const w = WORDS[lang];
  if (level === 'maintenance') return w.maintenance;
  if (level === 'refuted') return w.refuted;
  return (LEVEL_WORDS[lang] as Record<string, string>)[level] ?? level;
}

function titleOf(out: DeadlinesTextInput, lang: DeadlineTextLang): string {
  const w = WORDS[lang];
  const level =
    out.level === 'maintenance' || out.level === 'refuted' ? outcomeWords(lang, out.level) : `${w.level}: ${outcomeWords(lang, out.level)}`;
  return `${w.title}: ${w.policy} ${out.policy}, ${level}, ${w.duration} ${out.failureMinutes} ${w.minutes}.`;
}

function notesOf(out: DeadlinesTextInput, lang: DeadlineTextLang, source: (rule: string) => string): string[] {
  const w = WORDS[lang];
  const cite = (rule: string) => `${rule}${source(rule) ? ` (${source(rule)})` : ''}`;
  const notes: string[] = [];
  if (out.extensions.length === 0 && out.tariffs.length === 0) notes.push(w.nothing);
  for (const a of out.annulments)
    notes.push(`${w.annulled}: ${a.procurement} — ${w.what[a.what] ?? a.what}, ${w.formedAt} ${wallClock(a.formedAt)} — ${cite(a.rule)}`);
  for (const d of out.duties) notes.push(`${w.duties}: ${d.procurement} — ${w.duty[d.duty] ?? d.duty} — ${cite(d.rule)}`);
  if (out.requiresOwnerAgreement)
    notes.push(`${w.forceMajeure(out.requiresOwnerAgreement.durationDays)} — ${cite(out.requiresOwnerAgreement.rule)}`);
  return notes;
}

/** The extensions of `out` as a table in `lang`; rule points come from the policy in `registry`. */
export function deadlinesTable(out: DeadlinesTextInput, lang: DeadlineTextLang, registry: PolicyRegistry): DeadlinesTable {
  const w = WORDS[lang];
  const policy = registry.find(out.policy);
  const source = (rule: string) => pointWords(ruleSourceOf(policy, rule), lang);
  const flagWords = (flags: readonly string[]) => flags.map((f) => (FLAG_WORDS[lang] as Record<string, string>)[f] ?? f).join('; ');
  const rows: DeadlinesTableRow[] = [
    ...out.extensions.map((e) => ({
      procurement: e.subject,
      deadline: (DEADLINE_WORDS[lang] as Record<string, string>)[e.deadline] ?? e.deadline,
      was: wallClock(e.original),
      becomes: wallClock(e.extended),
      rule: e.rule,
      point: source(e.rule),
      flags: flagWords(e.flags),
    })),
    ...out.tariffs.map((t) => ({
      procurement: w.tariff(t.id),
      deadline: w.tariffValidity,
      was: t.validUntil,
      becomes: t.extendedUntil,
      rule: t.rule,
      point: source(t.rule),
      flags: '',
    })),
  ];
  const hasFlags = rows.some((r) => r.flags !== '');
  return {
    lang,
    title: titleOf(out, lang),
    astana: w.astana,
    columns: hasFlags ? w.columns : w.columns.slice(0, 6),
    rows,
    hasFlags,
    notes: notesOf(out, lang, source),
  };
}

/** Header, a rule of dashes and the rows, each cell padded to its column's width (code points: Cyrillic and Kazakh letters are one column each). */
function aligned(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((n) => '-'.repeat(n))), ...rows.map(line)];
}

/** `kuzet deadlines --format text --lang ru|kk`: the title, the aligned table and its notes, ending in a newline. */
export function renderDeadlinesText(out: DeadlinesTextInput, lang: DeadlineTextLang, registry: PolicyRegistry): string {
  const t = deadlinesTable(out, lang, registry);
  const cells = t.rows.map((r) => [r.procurement, r.deadline, r.was, r.becomes, r.rule, r.point, ...(t.hasFlags ? [r.flags] : [])]);
  const table = t.rows.length === 0 ? [] : aligned(t.columns, cells);
  return `${[t.title, t.astana, '', ...table, ...(t.notes.length && table.length ? [''] : []), ...t.notes].join('\n')}\n`;
}
