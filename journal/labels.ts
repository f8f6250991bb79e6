/**
 * The words of the journal form (docs/rules.md §9, §11): the 16 column headers, title, footer and
 * abbreviations in Russian (001, new edition, Appendix) and Kazakh (002, Appendix 1), and the level
 * and failure-kind words (§3).
 *
 * Headers are printed as the form words them, its punctuation included: column 5 «Контактные данные
 * по которому обратился пользователь», column 8 «Подтвержден/ не подтвержден», column 9 «Дата и время
 * подтверждения/не подтверждения»; in Kazakh «Расталды/расталмады», «Растаудың/растамаудың күні мен
 * уақыты». The only departures are the typo corrections listed in docs/rules.md §9 (TYPO_FIXES
 * below), so a test can tell a correction from a slip.
 *
 * 002's Kazakh journal lists only columns 6–12; the other nine are completed here in the same style
 * and from docs/kazakh-glossary.md. Column 4 says "күні мен уақыты" like columns 9 and 12. Column 7
 * keeps 002's "қызметкердің Т.А.Ж." (the 2015 edition's "сотрудника"; the edition in force says
 * "специалиста"), expanded in the footer as "тегі, аты, жөні". Kind words follow 002 §4 where it
 * has the item. A Kazakh reader should review the completed columns and the kind words.
 */
import { LEVEL_WORDS as INCIDENT_LEVEL_WORDS } from '../incidents/index.ts';

export const LANGS = ['ru', 'kk'] as const;
export type Lang = (typeof LANGS)[number];

export const LEVEL_IDS = ['low', 'medium', 'high'] as const;
export type JournalLevel = (typeof LEVEL_IDS)[number];

/** Failure kinds of 001 §3 (new edition), operator-dependent first. */
export const KIND_IDS = [
  'operator-unlawful-action',
  'operator-infosec-failure',
  'operator-physical-damage',
  'third-party-physical-damage',
  'computer-attack',
  'third-party-conditions',
  'user-network-or-power',
  'user-computer-limitations',
  'user-malware',
  'user-non-compliance',
  'eds-key-misuse',
] as const;
export type FailureKind = (typeof KIND_IDS)[number];

/** Column keys in the order of the form; the index + 1 is the printed column number. */
export const COLUMN_KEYS = [
  'number',
  'organisation',
  'binIin',
  'appealedAt',
  'contacts',
  'description',
  'acceptedBy',
  'confirmed',
  'confirmedAt',
  'decision',
  'measures',
  'resolvedAt',
  'causes',
  'level',
  'kind',
  'recommendations',
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];

/** Columns holding an instant: printed as Astana time. */
export const DATE_COLUMNS: ReadonlySet<ColumnKey> = new Set(['appealedAt', 'confirmedAt', 'resolvedAt']);

export const HEADERS: Readonly<Record<Lang, readonly string[]>> = {
  ru: [
    '№ п/п',
    'Наименование обратившейся организации',
    'БИН, ИИН',
    'Дата и время обращения',
    'Контактные данные по которому обратился пользователь',
    'Описание технического сбоя',
    'ФИО специалиста, принявшего заявку',
    'Подтвержден/ не подтвержден',
    'Дата и время подтверждения/не подтверждения',
    'Принятое решение',
    'Принятые оператором меры',
    'Дата и время устранения технического сбоя',
    'Причины возникновения технического сбоя',
    'Уровень критичности',
    'Вид технического сбоя',
    'Рекомендации по недопущению технического сбоя впредь',
  ],
  kk: [
    'Р/с №',
    'Өтініш берген ұйымның атауы',
    'БСН, ЖСН',
    'Өтініш берілген күні мен уақыты',
    'Пайдаланушы өтініш берген байланыс деректері',
    'Техникалық іркілістің сипаттамасы',
    'Өтінім қабылдаған қызметкердің Т.А.Ж.',
    'Расталды/расталмады',
    'Растаудың/растамаудың күні мен уақыты',
    'Қабылданған шешім',
    'Оператор қолданған шаралар',
    'Техникалық іркілісті жою күні мен уақыты',
    'Техникалық іркілістің туындау себептері',
    'Күрделілік деңгейі',
    'Техникалық іркілістің түрі',
    'Техникалық іркіліске бұдан әрі жол бермеу жөніндегі ұсынымдар',
  ],
};

/** A header kuzet prints differently from the form's text, on purpose: the form's words, kuzet's, and why. */
export interface TypoFix {
  lang: Lang;
  /** Column number, 1–16. */
  column: number;
  form: string;
  printed: string;
  why: string;
}

/** Every deliberate departure from the form's header text (docs/rules.md §9 lists the same; § numbers are that file's). */
export const TYPO_FIXES: readonly TypoFix[] = [
  {
    lang: 'ru',
    column: 2,
    form: 'Наименование обратившейся организации,',
    printed: 'Наименование обратившейся организации',
    why: 'a stray comma at the end of the cell (001 Appendix, both editions)',
  },
  {
    lang: 'kk',
    column: 6,
    form: 'Техникалық іркілістің ипаттамасы',
    printed: 'Техникалық іркілістің сипаттамасы',
    why: 'a letter missing: «сипаттамасы» (description), as the glossary says (§11)',
  },
  {
    lang: 'kk',
    column: 7,
    form: 'Өтінім қабылдаған қызметкердің Т.А.Ж',
    printed: 'Өтінім қабылдаған қызметкердің Т.А.Ж.',
    why: "the abbreviation's closing full stop, as the footer spells «Т.А.Ж.»",
  },
  {
    lang: 'kk',
    column: 12,
    form: 'Техникалық іркіліс жою күні мен уақыты',
    printed: 'Техникалық іркілісті жою күні мен уақыты',
    why: 'the object takes the accusative «іркілісті» (§11: «техникалық іркілісті жою күні мен уақыты»)',
  },
];

export interface FormWords {
  title: string;
  /** "time zone" note printed under the title. */
  timeNote: string;
  period: string;
  signatureResponsible: string;
  signatureHead: string;
  signatureMarks: string;
  abbreviationsTitle: string;
  abbreviations: readonly string[];
  confirmed: string;
  refuted: string;
  pending: string;
  empty: string;
}

export const FORM: Readonly<Record<Lang, FormWords>> = {
  ru: {
    title: 'Журнал учета обращений пользователей о возникших технических сбоях веб-портала государственных закупок',
    timeNote: 'Дата и время — по времени города Астаны',
    period: 'Период',
    signatureResponsible: 'Ответственное лицо отдела технического администрирования',
    signatureHead: 'Руководитель оператора',
    signatureMarks: '(подпись) Ф.И.О.',
    abbreviationsTitle: 'Расшифровка аббревиатур:',
    abbreviations: [
      'БИН – бизнес-идентификационный номер;',
      'ИИН – индивидуальный идентификационный номер;',
      'п/п – по порядку;',
      'Ф.И.О. – фамилия, имя, отчество (при наличии).',
    ],
    confirmed: 'Подтвержден',
    refuted: 'Не подтвержден',
    pending: '',
    empty: 'За период обращений нет',
  },
  kk: {
    title: 'Мемлекеттік сатып алу веб-порталының туындаған техникалық іркілістер туралы пайдаланушылардың өтініштерін есепке алу журналы',
    timeNote: 'Күні мен уақыты — Астана қаласының уақыты бойынша',
    period: 'Кезең',
    signatureResponsible: 'Техникалық әкімшілендіру бөлімінің жауапты тұлғасы',
    signatureHead: 'Оператордың басшысы',
    signatureMarks: '(қолы) аты-жөні',
    abbreviationsTitle: 'Аббревиатуралардың толық жазылуы:',
    abbreviations: [
      'БСН – бизнес-сәйкестендіру нөмірі;',
      'ЖСН – жеке сәйкестендіру нөмірі;',
      'Р/с – реттік саны;',
      'Т.А.Ж. – тегі, аты, жөні (бар болса).',
    ],
    confirmed: 'Расталды',
    refuted: 'Расталмады',
    pending: '',
    empty: 'Кезең ішінде өтініштер жоқ',
  },
};

/** The level words (§3) are the incidents' own: notices print them too. */
export const LEVEL_WORDS: Readonly<Record<Lang, Record<JournalLevel, string>>> = INCIDENT_LEVEL_WORDS;

export const KIND_WORDS: Readonly<Record<Lang, Record<FailureKind, string>>> = {
  ru: {
    'operator-unlawful-action': 'неправомерные действия специалистов оператора',
    'operator-infosec-failure': 'необеспечение должного уровня информационной безопасности Системы',
    'operator-physical-damage': 'физическое повреждение Системы по вине оператора',
    'third-party-physical-damage': 'физическое повреждение и (или) отключение Системы по вине третьих лиц',
    'computer-attack': 'недоступность Системы от компьютерной атаки',
    'third-party-conditions': 'действия третьих лиц, организационно-технические условия, не зависящие от оператора',
    'user-network-or-power': 'отсутствие или нарушение работы сетей передачи данных и (или) электроэнергии пользователя',
    'user-computer-limitations': 'программно-технические ограничения компьютерной техники пользователя',
    'user-malware': 'заражение компьютерной техники пользователя вредоносным программным обеспечением',
    'user-non-compliance': 'несоблюдение пользователем требований Закона и инструкции пользователей',
    'eds-key-misuse': 'несоблюдение правил хранения ключа ЭЦП, передача ключа третьим лицам',
  },
  kk: {
    'operator-unlawful-action': 'оператор мамандарының заңсыз әрекеттері',
    'operator-infosec-failure': 'Жүйенің ақпараттық қауіпсіздігінің тиісті деңгейін қамтамасыз етпеу',
    'operator-physical-damage': 'оператордың кінәсінен Жүйенің физикалық зақымдануы',
    'third-party-physical-damage': 'үшінші тұлғалардың кінәсінен Жүйенің физикалық зақымдануы және (немесе) өшуі',
    'computer-attack': 'компьютерлік шабуылдан Жүйенің қолжетімсіздігі',
    'third-party-conditions': 'үшінші тұлғалардың әрекеттері, операторға байланысты емес ұйымдастырушылық-техникалық жағдайлар',
    'user-network-or-power': 'пайдаланушының деректерді беру желілерінің және (немесе) электр энергиясының болмауы не жұмысының бұзылуы',
    'user-computer-limitations': 'пайдаланушының компьютерлік техникасының бағдарламалық-техникалық шектеулері',
    'user-malware': 'пайдаланушының компьютерлік техникасының зиянды бағдарламалық қамтамасыз етумен зақымдануы',
    'user-non-compliance': 'пайдаланушының Заң талаптарын және пайдаланушылар нұсқаулығын сақтамауы',
    'eds-key-misuse': 'ЭЦҚ кілтін сақтау қағидаларын сақтамау, кілтті үшінші тұлғаларға беру',
  },
};

/** "operator-dependent / independent" group of a kind (001 §3). */
export function kindIsOperatorDependent(kind: FailureKind): boolean {
  return kind.startsWith('operator-');
}

/** The letters the PDF and DOCX fonts must carry (tests check they survive). */
export const KAZAKH_LETTERS = 'әғқңөұүһіӘҒҚҢӨҰҮҺІ';
