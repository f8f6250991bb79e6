/**
 * The journal as DOCX: A4 landscape, one real table whose header row repeats on every page, the
 * footer with the signature line and the abbreviations.
 */
import { Document, Packer, PageOrientation, Table, TableRow, WidthType, type Paragraph } from 'docx';
import { A4, cell, DOCX_FONT, para } from './docx-util.ts';
import { FORM } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { headers, periodText, rowTexts, type RenderContext } from './rows.ts';

const WEIGHTS = [6, 7, 7, 6, 7, 8, 6, 6, 6, 7, 7, 6, 7, 5, 6, 7];
const TOTAL = WEIGHTS.reduce((a, b) => a + b, 0);
const PCT = WEIGHTS.map((w) => (w / TOTAL) * 100);

export function journalTable(entries: readonly JournalEntry[], ctx: RenderContext): Table {
  const hs = headers(ctx.lang);
  const rows = [
    new TableRow({ tableHeader: true, cantSplit: true, children: hs.map((h, i) => cell(h, PCT[i] ?? 5, { bold: true })) }),
    new TableRow({ tableHeader: true, cantSplit: true, children: hs.map((_, i) => cell(String(i + 1), PCT[i] ?? 5, { bold: true })) }),
    ...entries.map((e, n) => new TableRow({ cantSplit: true, children: rowTexts(e, n + 1, ctx.lang).map((t, i) => cell(t, PCT[i] ?? 5)) })),
  ];
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
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
        properties: { page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: { top: 567, bottom: 567, left: 567, right: 567 } } },
        children: journalChildren(entries, ctx),
      },
    ],
  });
  return Packer.toBuffer(doc);
}
