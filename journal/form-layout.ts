/**
 * The printed form's geometry, shared by the PDF, DOCX and XLSX journals so all three print alike:
 * the font and sizes, and column widths measured from the header words so that no header word is
 * ever broken inside (a 16-column form on A4 landscape leaves about 49 pt a column; a fixed share
 * per column broke «қызметкердің», «подтверждения/не» and a dozen more mid-word).
 *
 * Widths are measured with DejaVu Sans, the font every format names (PDF embeds it): each column is
 * at least its longest header word at {@link HEADER_SIZE}, or the longest value it must hold
 * on one line (a BIN, a date, a time), plus padding and a margin for renderers that measure a little
 * wider; the width left over goes to the columns holding free text.
 */
import PDFDocument from 'pdfkit';
import { COLUMN_KEYS, HEADERS, type ColumnKey, type Lang } from './labels.ts';
import { PDF_FONT_BOLD_PATH, PDF_FONT_PATH, requireFonts } from './pdf-util.ts';
import { makeWrapper, type Wrapper } from './pdf-wrap.ts';

/** The font family every format names (DOCX, XLSX) or embeds (PDF). */
export const FORM_FONT = 'DejaVu Sans';
/**
 * Header cells, in points, regular weight on a grey fill: bold at any legible size makes the Russian
 * header words («Наименование», «обратившейся», «возникновения» …) need about 810 pt of the page's
 * 786, so whole words and bold cannot both be had.
 */
export const HEADER_SIZE = 6;
export const HEADER_BOLD = false;
/** Data cells, in points. */
export const BODY_SIZE = 6.5;
/** Inner padding of a cell on each side, in points. */
export const CELL_PAD = 1.5;
/** A4 landscape, in points, and the side margins the journal prints with. */
export const PAGE = { width: 841.89, height: 595.28, side: 28, top: 28 } as const;
/** The table's width on the page, in points. */
export const TABLE_WIDTH = PAGE.width - 2 * PAGE.side;
/** Renderers (LibreOffice, Word) measure text up to a few per cent wider than the font's advances. */
const SLACK = 1.05;

/** How the width left after every column's minimum is shared: the free-text columns take most. */
const SHARE: Readonly<Record<ColumnKey, number>> = {
  number: 0,
  organisation: 3,
  binIin: 0,
  appealedAt: 0,
  contacts: 2,
  description: 6,
  acceptedBy: 1,
  confirmed: 0,
  confirmedAt: 0,
  decision: 3,
  measures: 3,
  resolvedAt: 0,
  causes: 3,
  level: 0,
  kind: 2,
  recommendations: 3,
};

/** Values a column must hold on one line: a five-digit sequence number, a BIN, a date and a time. */
const ONE_LINE: Partial<Readonly<Record<ColumnKey, readonly string[]>>> = {
  number: ['99999'],
  binIin: ['000000000000'],
  appealedAt: ['2026-12-31', '23:59:59'],
  confirmedAt: ['2026-12-31', '23:59:59'],
  resolvedAt: ['2026-12-31', '23:59:59'],
};

export interface Metrics {
  /** Width of `text` in points. */
  width(text: string, bold: boolean, size: number): number;
  /** Distance between two lines' baselines, in points. */
  lineHeight(size: number): number;
  /** A wrapper laying text out in lines as narrow as a column. */
  wrapper(bold: boolean, size: number): Wrapper;
}

let shared: Metrics | undefined;

/** DejaVu Sans' advances, read through pdfkit (which the PDF renderer draws with). */
export function formMetrics(): Metrics {
  if (shared) return shared;
  requireFonts(PDF_FONT_PATH, PDF_FONT_BOLD_PATH);
  const doc = new PDFDocument({ autoFirstPage: false });
  doc.registerFont('regular', PDF_FONT_PATH);
  doc.registerFont('bold', PDF_FONT_BOLD_PATH);
  const set = (bold: boolean, size: number) => doc.font(bold ? 'bold' : 'regular').fontSize(size);
  const wrappers = new Map<string, Wrapper>();
  shared = {
    width: (text, bold, size) => set(bold, size).widthOfString(text),
    lineHeight: (size) => set(false, size).currentLineHeight(true),
    wrapper(bold, size) {
      const key = `${bold ? 'b' : 'r'}${size}`;
      let w = wrappers.get(key);
      if (!w) {
        w = makeWrapper((ch) => set(bold, size).widthOfString(ch));
        wrappers.set(key, w);
      }
      return w;
    },
  };
  return shared;
}

/**
 * The pieces of a header that must stay whole: its words, a word with a slash counting as two (the
 * line may break after the slash: «подтверждения/» «не»), as LibreOffice, Word and the PDF wrapper do.
 */
export function headerWords(header: string): string[] {
  return header
    .split(/\s+/)
    .flatMap((w) => w.split(/(?<=\/)(?=.)/u))
    .filter(Boolean);
}

/** The narrowest each column may be: its longest header word (bold) or one-line value, padded. */
export function minColumnWidths(lang: Lang, m: Metrics = formMetrics()): number[] {
  return COLUMN_KEYS.map((key, i) => {
    const words = headerWords(HEADERS[lang][i] ?? '').map((w) => m.width(w, HEADER_BOLD, HEADER_SIZE));
    const values = (ONE_LINE[key] ?? []).map((v) => m.width(v, false, BODY_SIZE));
    return Math.max(...words, ...values) * SLACK + 2 * CELL_PAD;
  });
}

/**
 * Column widths in points for a table `total` points wide. Throws when the header words cannot all
 * fit whole: a bug in the sizes above, caught by the tests for both languages.
 */
export function columnWidths(lang: Lang, total: number = TABLE_WIDTH, m: Metrics = formMetrics()): number[] {
  const mins = minColumnWidths(lang, m);
  const spare = total - mins.reduce((a, b) => a + b, 0);
  if (spare < 0) throw new Error(`the ${lang} journal headers need ${(total - spare).toFixed(1)} pt, the page has ${total.toFixed(1)} pt`);
  const shares = COLUMN_KEYS.map((k) => SHARE[k]);
  const sum = shares.reduce((a, b) => a + b, 0);
  return mins.map((w, i) => w + (spare * (shares[i] ?? 0)) / sum);
}

/** How many lines `text` takes in a column `width` points wide. */
export function lineCount(text: string, width: number, bold: boolean, size: number, m: Metrics = formMetrics()): number {
  if (!text) return 1;
  return Math.max(1, m.wrapper(bold, size).wrap(text, width - 2 * CELL_PAD, Number.MAX_SAFE_INTEGER).length);
}
