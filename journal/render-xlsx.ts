/**
 * The journal as XLSX through exceljs' streaming writer: rows are committed as they are written, so
 * memory stays bounded by the zip's buffer, not by the number of rows.
 *
 * Instants are text in Astana time, `2026-03-10 09:15:00` as the other formats print them (the text
 * sorts in time order): a date-valued cell cannot wrap, and a date with its time does not fit the
 * form's narrow date columns on one line, so it printed as "###".
 *
 * It prints as the form: A4 landscape fitted to the page's width, the header and the 1–16 number
 * rows repeated on every page, a named font (DejaVu Sans, as the DOCX and PDF) in every cell, the
 * column widths of form-layout.ts (no header word broken), and every row's height set from its
 * wrapped text: a spreadsheet program does not grow a row for wrapped text written by another
 * program, so without heights the headers overlapped the data and cell text was cut off in print.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  BODY_SIZE,
  CELL_PAD,
  columnWidths,
  FORM_FONT,
  formMetrics,
  HEADER_BOLD,
  HEADER_SIZE,
  lineCount,
  PAGE,
  TABLE_WIDTH,
} from './form-layout.ts';
import { FORM } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { cellText, headers, periodText, rowCells, type RenderContext } from './rows.ts';

/** Rows 1–2 hold the title and the period; the 16 headers, then their numbers 1–16; data follow. */
export const XLSX_HEADER_ROW = 3;
export const XLSX_NUMBER_ROW = 4;
export const XLSX_FIRST_DATA_ROW = 5;
/**
 * Points per unit of column width as LibreOffice prints it (a width of 10 prints 70 pt; measured
 * with LibreOffice 7.4). Excel counts the unit as a digit of the default font (about 5.25 pt), so
 * there the columns come out narrower than here.
 */
export const PT_PER_WIDTH_UNIT = 7;
/** The tallest row a spreadsheet keeps, in points. */
const MAX_ROW_HEIGHT = 409;
const TITLE_SIZE = 10;
const BORDER = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const;
const LAST_COLUMN = 'P';
const inches = (pt: number) => pt / 72;

/** The height in points of a row whose tallest cell has `lines` lines at `size`. */
function heightOf(lines: number, size: number): number {
  return Math.min(MAX_ROW_HEIGHT, Math.ceil((lines * formMetrics().lineHeight(size) + 2 * CELL_PAD + 1) * 4) / 4);
}

/** Lines of a cell's printed text; measured a little narrower than the column, to err on the tall side. */
function linesIn(text: string, width: number, bold: boolean, size: number): number {
  return text.split('\n').reduce((n, para) => n + lineCount(para, width / 1.04, bold, size), 0);
}

/** The one worksheet, set up to print as the form: A4 landscape fitted to the width, the header rows repeated. */
function addFormSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, widths: readonly number[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet('Журнал', {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `${XLSX_HEADER_ROW}:${XLSX_NUMBER_ROW}`,
      margins: {
        left: inches(PAGE.side),
        right: inches(PAGE.side),
        top: inches(PAGE.top),
        bottom: inches(PAGE.top),
        header: 0.2,
        footer: 0.2,
      },
    },
    views: [{ state: 'frozen', ySplit: XLSX_NUMBER_ROW, xSplit: 0 }],
  });
  ws.columns = widths.map((pt) => ({ width: Math.round((pt / PT_PER_WIDTH_UNIT) * 100) / 100 }));
  return ws;
}

/** A line of text across the whole table (title, period, footer), its height from its wrapped text. */
function addWide(ws: ExcelJS.Worksheet, text: string, font: Partial<ExcelJS.Font>, align: 'center' | 'left' = 'left'): void {
  const row = ws.addRow([text]);
  ws.mergeCells(`A${row.number}:${LAST_COLUMN}${row.number}`);
  const c = row.getCell(1);
  c.font = font;
  c.alignment = { wrapText: true, vertical: 'top', horizontal: align };
  row.height = heightOf(text ? linesIn(text, TABLE_WIDTH, font.bold === true, font.size ?? BODY_SIZE) : 1, font.size ?? BODY_SIZE);
  row.commit();
}

/** The 16 headers, then their numbers 1–16, shaded and bordered. */
function addHeaderRows(ws: ExcelJS.Worksheet, ctx: RenderContext, widths: readonly number[]): void {
  const head = { name: FORM_FONT, size: HEADER_SIZE, bold: HEADER_BOLD };
  const hs = headers(ctx.lang);
  for (const texts of [hs, hs.map((_, i) => String(i + 1))]) {
    const row = ws.addRow([...texts]);
    row.eachCell((c) => {
      c.font = head;
      c.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
      c.border = BORDER;
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEEEEE' } };
    });
    row.height = heightOf(Math.max(...texts.map((t, i) => linesIn(t, widths[i] ?? 0, HEADER_BOLD, HEADER_SIZE))), HEADER_SIZE);
    row.commit();
  }
}

/** One row per entry, each as tall as its tallest wrapped cell. */
function addEntryRows(ws: ExcelJS.Worksheet, entries: readonly JournalEntry[], ctx: RenderContext, widths: readonly number[]): void {
  const body = { name: FORM_FONT, size: BODY_SIZE };
  entries.forEach((e, i) => {
    const texts = rowCells(e, i + 1, ctx.lang).map((c) => cellText(c));
    const row = ws.addRow(texts);
    for (let col = 1; col <= texts.length; col++) {
      const c = row.getCell(col);
      c.font = body;
      c.alignment = { wrapText: true, vertical: 'top' };
      c.border = BORDER;
    }
    const lines = texts.map((t, k) => linesIn(t, widths[k] ?? 0, false, BODY_SIZE));
    row.height = heightOf(Math.max(...lines), BODY_SIZE);
    row.commit();
  });
}

export async function renderJournalXlsx(entries: readonly JournalEntry[], ctx: RenderContext): Promise<Buffer> {
  const words = FORM[ctx.lang];
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  wb.creator = 'kuzet';
  const widths = columnWidths(ctx.lang);
  const ws = addFormSheet(wb, widths);
  const body = { name: FORM_FONT, size: BODY_SIZE };

  addWide(ws, words.title, { name: FORM_FONT, size: TITLE_SIZE, bold: true }, 'center');
  addWide(ws, [periodText(ctx), words.timeNote].filter(Boolean).join(' · '), body, 'center');
  addHeaderRows(ws, ctx, widths);
  addEntryRows(ws, entries, ctx, widths);
  if (entries.length === 0) addWide(ws, words.empty, { ...body, italic: true }, 'center');

  ws.addRow([]).commit();
  addWide(ws, `${words.signatureResponsible}    ____________    ${words.signatureMarks}`, { name: FORM_FONT, size: 8 });
  ws.addRow([]).commit();
  addWide(ws, words.abbreviationsTitle, { name: FORM_FONT, size: 7 });
  for (const a of words.abbreviations) addWide(ws, a, { name: FORM_FONT, size: 7 });
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
