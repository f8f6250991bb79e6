/**
 * The annual extract for the owner (001 §21): a cover letter, a summary (incidents by level and
 * kind, downtime and availability per system and module, mean times to confirm and to resolve, SLA
 * clocks met and breached), a section per medium or high incident, the journal of the year and the
 * signature block. The summary is pure; the renderers print it as PDF or DOCX.
 */
import { epochDay, formatAstana, MS_PER_DAY } from '../core/time.ts';
import { availabilityPercent, formatPercent } from './availability.ts';
import { KIND_IDS, KIND_WORDS, LEVEL_IDS, LEVEL_WORDS, type Lang } from './labels.ts';
import { filterEntries, type ExtractInput, type JournalEntry } from './model.ts';
import { journalFileName, type RenderedFile } from './render.ts';
import type { Block } from './extract-render.ts';
import type { RenderContext } from './rows.ts';

export interface ExtractSummary {
  year: number;
  entries: number;
  confirmed: number;
  refuted: number;
  byLevel: Record<string, number>;
  byKind: Record<string, number>;
  downtime: { system: string; module: string | null; downtimeMinutes: number; maintenanceMinutes: number; availabilityPct: number }[];
  /** Mean minutes from the appeal to its confirmation or refutation; null without any. */
  meanMinutesToConfirm: number | null;
  meanMinutesToResolve: number | null;
  sla: { timer: string; met: number; breached: number }[];
}

const mean = (xs: number[]) => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length / 60_000) * 10) / 10);

/** The year's figures. Availability = 1 − downtime / (minutes of the year − maintenance). */
export function summarizeExtract(input: ExtractInput): { summary: ExtractSummary; entries: JournalEntry[] } {
  const entries = filterEntries(input.entries, { from: `${input.year}-01-01`, to: `${input.year}-12-31` });
  const yearMinutes = ((epochDay(input.year + 1, 1, 1) - epochDay(input.year, 1, 1)) * MS_PER_DAY) / 60_000;
  const byLevel = Object.fromEntries(LEVEL_IDS.map((l) => [l, entries.filter((e) => e.level === l).length]));
  const byKind = Object.fromEntries(
    KIND_IDS.map((k) => [k, entries.filter((e) => e.kind === k).length]).filter(([, n]) => (n as number) > 0),
  );
  return {
    entries,
    summary: {
      year: input.year,
      entries: entries.length,
      confirmed: entries.filter((e) => e.confirmed === true).length,
      refuted: entries.filter((e) => e.confirmed === false).length,
      byLevel,
      byKind,
      downtime: input.downtime.map((d) => ({
        ...d,
        availabilityPct: availabilityPercent(Math.max(1, yearMinutes - d.maintenanceMinutes) - d.downtimeMinutes, d.downtimeMinutes) ?? 100,
      })),
      meanMinutesToConfirm: mean(entries.flatMap((e) => (e.confirmedAt ? [e.confirmedAt.getTime() - e.appealedAt.getTime()] : []))),
      meanMinutesToResolve: mean(
        entries.flatMap((e) => (e.resolvedAt && e.confirmed !== false ? [e.resolvedAt.getTime() - e.appealedAt.getTime()] : [])),
      ),
      sla: input.sla,
    },
  };
}

const WORDS = {
  ru: {
    extract: (y: number) =>
      `Выписка из Журнала учета обращений пользователей о возникших технических сбоях веб-портала государственных закупок за ${y} год`,
    letter: (o: ExtractInput) =>
      `${o.owner}\n\nНа основании пункта 21 Правил ${o.operator} направляет выписку из Журнала учета за ${o.year} год с информацией о причинах возникновения технических сбоев, выполненных мероприятиях по устранению, результатах устранения и предложениях по недопущению технических сбоев.${o.letterRef ? `\n${o.letterRef}` : ''}`,
    summary: 'Сводные данные',
    appeals: 'Обращений в журнале',
    confirmed: 'подтверждено',
    refuted: 'не подтверждено',
    byLevel: 'По уровню критичности',
    byKind: 'По виду технического сбоя',
    downtime: ['Система', 'Модуль', 'Недоступность, мин', 'Технические и профилактические работы, мин', 'Доступность, %'],
    meanConfirm: 'Среднее время до подтверждения, мин',
    meanResolve: 'Среднее время до устранения, мин',
    sla: ['Таймер', 'Соблюден', 'Нарушен'],
    incidents: 'Технические сбои со средним и высоким уровнем критичности',
    cause: 'Причина возникновения',
    measures: 'Выполненные мероприятия по устранению',
    result: 'Результат устранения',
    extensions: 'Продление сроков закупок',
    prevention: 'Предложения по недопущению технического сбоя',
    none: 'нет',
    journal: 'Выписка из Журнала учета',
    head: 'Руководитель оператора',
    responsible: 'Ответственное лицо отдела технического администрирования',
    marks: '(подпись) Ф.И.О.',
  },
  kk: {
    extract: (y: number) =>
      `Мемлекеттік сатып алу веб-порталының туындаған техникалық іркілістер туралы пайдаланушылардың өтініштерін есепке алу журналынан ${y} жылғы үзінді көшірме`,
    letter: (o: ExtractInput) =>
      `${o.owner}\n\n${o.operator} Қағидалардың 21-тармағына сәйкес ${o.year} жылғы Есепке алу журналынан үзінді көшірмені техникалық іркілістердің туындау себептері, жою бойынша орындалған іс-шаралар, жою нәтижелері және техникалық іркіліске жол бермеу жөніндегі ұсыныстар туралы ақпаратпен бірге жібереді.${o.letterRef ? `\n${o.letterRef}` : ''}`,
    summary: 'Жиынтық деректер',
    appeals: 'Журналдағы өтініштер',
    confirmed: 'расталды',
    refuted: 'расталмады',
    byLevel: 'Күрделілік деңгейі бойынша',
    byKind: 'Техникалық іркілістің түрі бойынша',
    downtime: ['Жүйе', 'Модуль', 'Қолжетімсіздік, мин', 'Техникалық және профилактикалық жұмыстар, мин', 'Қолжетімділік, %'],
    meanConfirm: 'Растауға дейінгі орташа уақыт, мин',
    meanResolve: 'Жоюға дейінгі орташа уақыт, мин',
    sla: ['Таймер', 'Сақталды', 'Бұзылды'],
    incidents: 'Орташа және жоғары күрделілік деңгейі бар техникалық іркілістер',
    cause: 'Туындау себебі',
    measures: 'Жою бойынша орындалған іс-шаралар',
    result: 'Жою нәтижесі',
    extensions: 'Сатып алу мерзімдерін ұзарту',
    prevention: 'Техникалық іркіліске жол бермеу жөніндегі ұсыныстар',
    none: 'жоқ',
    journal: 'Есепке алу журналынан үзінді көшірме',
    head: 'Оператордың басшысы',
    responsible: 'Техникалық әкімшілендіру бөлімінің жауапты тұлғасы',
    marks: '(қолы) аты-жөні',
  },
} as const;

/** The extract as a list of blocks both renderers print: headings, paragraphs and small tables. */

function extractBlocks(input: ExtractInput, lang: Lang): { blocks: Block[]; entries: JournalEntry[]; signatures: Block[] } {
  const w = WORDS[lang];
  const { summary: s, entries } = summarizeExtract(input);
  const details = new Map(input.details.map((d) => [d.number, d]));
  const blocks: Block[] = [
    { p: w.letter(input) },
    { h: w.extract(input.year) },
    { h: w.summary },
    { p: `${w.appeals}: ${s.entries} (${w.confirmed}: ${s.confirmed}, ${w.refuted}: ${s.refuted})` },
    { p: `${w.byLevel}: ${LEVEL_IDS.map((l) => `${LEVEL_WORDS[lang][l]} — ${s.byLevel[l] ?? 0}`).join('; ')}` },
    {
      p: `${w.byKind}: ${
        Object.entries(s.byKind)
          .map(([k, n]) => `${KIND_WORDS[lang][k as keyof (typeof KIND_WORDS)['ru']]} — ${n}`)
          .join('; ') || w.none
      }`,
    },
    { p: `${w.meanConfirm}: ${s.meanMinutesToConfirm ?? '—'}; ${w.meanResolve}: ${s.meanMinutesToResolve ?? '—'}` },
  ];
  if (s.downtime.length > 0) {
    blocks.push({
      table: [
        [...w.downtime],
        ...s.downtime.map((d) => [
          d.system,
          d.module ?? '',
          String(d.downtimeMinutes),
          String(d.maintenanceMinutes),
          formatPercent(d.availabilityPct),
        ]),
      ],
    });
  }
  if (s.sla.length > 0) blocks.push({ table: [[...w.sla], ...s.sla.map((x) => [x.timer, String(x.met), String(x.breached)])] });
  blocks.push({ h: w.incidents });
  const serious = entries.filter((e) => e.level === 'medium' || e.level === 'high');
  if (serious.length === 0) blocks.push({ p: w.none });
  for (const e of serious) {
    const d = details.get(e.number);
    blocks.push({ h: `${e.number} · ${LEVEL_WORDS[lang][e.level as 'medium' | 'high']} · ${formatAstana(e.appealedAt)}` });
    blocks.push({ p: e.description });
    blocks.push({ p: `${w.cause}: ${d?.cause || e.causes || '—'}` });
    blocks.push({ p: `${w.measures}: ${d?.measures || e.measures || '—'}` });
    blocks.push({ p: `${w.result}: ${d?.result || '—'}` });
    const ext = d?.extensions ?? [];
    blocks.push({
      p: `${w.extensions}: ${ext.length === 0 ? w.none : ext.map((x) => `${x.subject} (${x.deadline}): ${x.original ? formatAstana(x.original) : '—'} → ${formatAstana(x.extended)} [${x.rule}]`).join('; ')}`,
    });
    blocks.push({ p: `${w.prevention}: ${d?.prevention || e.recommendations || '—'}` });
  }
  const signatures: Block[] = [
    { p: `${w.responsible}    ____________    ${input.responsiblePerson || w.marks}` },
    { p: `${w.head}    ____________    ${input.headOfOperator || w.marks}` },
  ];
  return { blocks, entries, signatures };
}

export const EXTRACT_FORMATS = ['pdf', 'docx'] as const;
export type ExtractFormat = (typeof EXTRACT_FORMATS)[number];

export async function renderExtract(input: ExtractInput, opts: { format: ExtractFormat; lang: Lang }): Promise<RenderedFile> {
  const { blocks, entries, signatures } = extractBlocks(input, opts.lang);
  const ctx: RenderContext = { lang: opts.lang, period: { from: `${input.year}-01-01`, to: `${input.year}-12-31` } };
  const fileName = journalFileName(opts.format, opts.lang, { from: String(input.year) }, 'extract');
  // pdfkit and docx load on the first extract, not with the journal (see extract-render.ts).
  const out = await import('./extract-render.ts');
  const parts = { title: WORDS[opts.lang].extract(input.year), blocks, entries, signatures, ctx };
  if (opts.format === 'pdf') return { contentType: 'application/pdf', fileName, body: await out.extractPdf(parts) };
  return {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    fileName,
    body: await out.extractDocx(parts),
  };
}
