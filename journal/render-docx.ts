/**
 * The journal as DOCX: A4 landscape, one real table whose two header rows (the headers and the
 * column numbers 1–16) repeat on every page, the footer with the signature line and the
 * abbreviations. The table is laid out fixed, in twips, from form-layout.ts: percentage widths let
 * LibreOffice narrow columns until 13–14 header words broke mid-word.
 */
import { Document, Packer, PageOrientation, Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, WidthType } from 'docx';
import { A4, DOCX_FONT, para, runs } from './docx-util.ts';
import { BODY_SIZE, CELL_PAD, columnWidths, HEADER_BOLD, HEADER_SIZE, PAGE, TABLE_WIDTH } from './form-layout.ts';
import { FORM } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { headers, periodText, rowTexts, type RenderContext } from './rows.ts';

/** Points to twentieths of a point. */
const twips = (pt: number) => Math.floor(pt * 20);
/** The journal's page margins in twips, for every document that prints it. */
export const JOURNAL_MARGINS = { top: twips(PAGE.top), bottom: twips(PAGE.top), left: twips(PAGE.side), right: twips(PAGE.side) } as const;

function formCell(text: string, width: number, header: boolean): TableCell {
  const size = Math.round((header ? HEADER_SIZE : BODY_SIZE) * 2);
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    ...(header ? { shading: { type: ShadingType.CLEAR, fill: 'EEEEEE', color: 'auto' } } : {}),
    children: [
      new Paragraph({ children: runs(text, { size, bold: header && HEADER_BOLD }), ...(header ? { alignment: 'center' as const } : {}) }),
    ],
  });
}

export function journalTable(entries: readonly JournalEntry[], ctx: RenderContext): Table {
  const hs = headers(ctx.lang);
  const widths = columnWidths(ctx.lang).map(twips);
  const rows = [
    new TableRow({ tableHeader: true, cantSplit: true, children: hs.map((h, i) => formCell(h, widths[i] ?? 0, true)) }),
    new TableRow({ tableHeader: true, cantSplit: true, children: hs.map((_, i) => formCell(String(i + 1), widths[i] ?? 0, true)) }),
    ...entries.map(
      (e, n) => new TableRow({ cantSplit: true, children: rowTexts(e, n + 1, ctx.lang).map((t, i) => formCell(t, widths[i] ?? 0, false)) }),
    ),
  ];
  const pad = twips(CELL_PAD);
  return new Table({
    rows,
    layout: TableLayoutType.FIXED,
    columnWidths: widths,
    width: { size: twips(TABLE_WIDTH), type: WidthType.DXA },
    margins: { left: pad, right: pad, top: pad, bottom: pad },
  });
}

/** The title, period, table and footer of the journal, for a section of any document. */
export function journalChildren(entries: readonly JournalEntry[], ctx: RenderContext): (Paragraph | Table)[] {
  const w = FORM[ctx.lang];
  return [
    para(w.title, { bold: true, size: 22 }, 'center'),
    para([periodText(ctx), w.timeNote].filter(Boolean).join(' · '), {}, 'center'),
    journalTable(entries, ctx),
    ...(entries.length === 0 ? [para(w.empty, { italics: true })] : []),
    para(''),
    para(`${w.signatureResponsible}    ____________    ${w.signatureMarks}`),
    para(''),
    para(w.abbreviationsTitle),
    ...w.abbreviations.map((a) => para(a, { size: 12 })),
  ];
}

export async function renderJournalDocx(entries: readonly JournalEntry[], ctx: RenderContext): Promise<Buffer> {
  const doc = new Document({
    creator: 'kuzet',
    title: FORM[ctx.lang].title,
    styles: { default: { document: { run: { font: DOCX_FONT, size: 14 } } } },
    sections: [
      {
        properties: { page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: JOURNAL_MARGINS } },
        children: journalChildren(entries, ctx),
      },
    ],
  });
  return Packer.toBuffer(doc);
}
