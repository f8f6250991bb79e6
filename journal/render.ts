/**
 * The one face of the journal's formats: `renderJournal(entries, {format, lang, period, filters})`
 * filters the entries and returns the bytes with their content type and a file name.
 */
import { InputError } from '../core/errors.ts';
import { LANGS, type Lang } from './labels.ts';
import { filterEntries, type JournalEntry, type JournalFilters } from './model.ts';
import { renderJournalCsv } from './render-csv.ts';
import type { RenderContext } from './rows.ts';

export const JOURNAL_FORMATS = ['html', 'pdf', 'xlsx', 'docx', 'csv'] as const;
export type JournalFormat = (typeof JOURNAL_FORMATS)[number];

export const CONTENT_TYPES: Readonly<Record<JournalFormat, string>> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv; charset=utf-8',
};

/** HTML, PDF, XLSX and DOCX load on first use: pdfkit (which measures the columns of all four), exceljs and docx cost a process that never renders them ~60 MB. */
const RENDERERS: Readonly<Record<JournalFormat, (e: readonly JournalEntry[], ctx: RenderContext) => Buffer | Promise<Buffer>>> = {
  html: async (e, ctx) => (await import('./render-html.ts')).renderJournalHtml(e, ctx),
  pdf: async (e, ctx) => (await import('./render-pdf.ts')).renderJournalPdf(e, ctx),
  xlsx: async (e, ctx) => (await import('./render-xlsx.ts')).renderJournalXlsx(e, ctx),
  docx: async (e, ctx) => (await import('./render-docx.ts')).renderJournalDocx(e, ctx),
  csv: renderJournalCsv,
};

export interface RenderedFile {
  contentType: string;
  fileName: string;
  body: Buffer;
}

export interface RenderJournalOptions {
  format: JournalFormat;
  lang: Lang;
  /** The period printed on the form; also a filter when `filters` has no dates of its own. */
  period?: { from?: string | undefined; to?: string | undefined };
  filters?: JournalFilters;
}

/** Checks a format name from a user; `field` names the option (`--format`, `format`). */
export function parseFormat<F extends string>(value: unknown, allowed: readonly F[], field: string): F {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new InputError(`one of ${allowed.join(', ')}`, field);
  return value as F;
}

export function parseLang(value: unknown, field: string): Lang {
  return parseFormat(value, LANGS, field);
}

/** `journal_2026-01-01_2026-12-31_kk.xlsx`: ASCII only, safe in a Content-Disposition header. */
export function journalFileName(
  format: string,
  lang: Lang,
  period: { from?: string | undefined; to?: string | undefined },
  base = 'journal',
): string {
  const parts = [base, period.from, period.to, lang].filter((p): p is string => Boolean(p)).map((p) => p.replace(/[^A-Za-z0-9-]/g, '_'));
  return `${parts.join('_')}.${format}`;
}

export async function renderJournal(entries: readonly JournalEntry[], opts: RenderJournalOptions): Promise<RenderedFile> {
  const format = parseFormat(opts.format, JOURNAL_FORMATS, 'format');
  const lang = parseLang(opts.lang, 'lang');
  const period = opts.period ?? { from: opts.filters?.from, to: opts.filters?.to };
  const filters: JournalFilters = { from: period.from, to: period.to, ...opts.filters };
  const rows = filterEntries(entries, filters);
  const body = await RENDERERS[format](rows, { lang, period });
  return { contentType: CONTENT_TYPES[format], fileName: journalFileName(format, lang, period), body };
}
