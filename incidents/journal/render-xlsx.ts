/**
 * The journal as XLSX through exceljs' streaming writer: rows are committed as they are written, so
 * memory stays bounded by the zip's buffer, not by the number of rows. Real cells: text as text,
 * instants as dates (Astana wall-clock time), the header row frozen.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { FORM } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { astanaWallDate, headers, periodText, rowCells, type RenderContext } from './rows.ts';

/** Row of the 16 headers; data rows follow it. Rows 1–2 hold the title and the period. */
export const XLSX_HEADER_ROW = 3;
const WIDTHS = [14, 28, 15, 20, 24, 40, 22, 14, 20, 28, 32, 20, 32, 12, 30, 32];
const DATE_FORMAT = 'dd.mm.yyyy hh:mm:ss';
const BORDER = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const;

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
  const ws = wb.addWorksheet(ctx.lang === 'kk' ? 'Журнал' : 'Журнал', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${XLSX_HEADER_ROW}:${XLSX_HEADER_ROW}` },
    views: [{ state: 'frozen', ySplit: XLSX_HEADER_ROW, xSplit: 0 }],
  });
  ws.columns = WIDTHS.map((width) => ({ width }));

  const title = ws.addRow([words.title]);
  title.font = { bold: true, size: 12 };
  title.commit();
  ws.addRow([[periodText(ctx), words.timeNote].filter(Boolean).join(' · ')]).commit();
  const head = ws.addRow([...headers(ctx.lang)]);
  head.eachCell((c) => {
    c.font = { bold: true };
    c.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
    c.border = BORDER;
  });
  head.commit();

  entries.forEach((e, i) => {
    const row = ws.addRow(rowCells(e, i + 1, ctx.lang).map((c) => (c instanceof Date ? astanaWallDate(c) : c)));
    row.eachCell((c) => {
      c.alignment = { wrapText: true, vertical: 'top' };
      c.border = BORDER;
      if (c.value instanceof Date) c.numFmt = DATE_FORMAT;
    });
    row.commit();
  });

  ws.addRow([]).commit();
  ws.addRow([words.signatureResponsible, '', '', '____________', words.signatureMarks]).commit();
  ws.addRow([]).commit();
  ws.addRow([words.abbreviationsTitle]).commit();
  for (const a of words.abbreviations) ws.addRow([a]).commit();
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
