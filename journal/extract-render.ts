/**
 * The annual extract's PDF and DOCX output, loaded only when an extract is rendered: pdfkit and docx
 * (with their fonts and zip writers) cost tens of MB a process that never renders one should not hold.
 */
import { Document, Packer, PageOrientation, Paragraph, Table, TableRow, WidthType } from 'docx';
import { A4, cell, DOCX_FONT, para } from './docx-util.ts';
import type { JournalEntry } from './model.ts';
import { block, openPdf } from './pdf-util.ts';
import { JOURNAL_MARGINS, journalChildren } from './render-docx.ts';
import { drawJournal } from './render-pdf.ts';
import type { RenderContext } from './rows.ts';

/** A heading, a paragraph or a table of the extract's text, before the journal of the year. */
export type Block = { h: string } | { p: string } | { table: string[][] };

export interface ExtractParts {
  title: string;
  blocks: readonly Block[];
  entries: readonly JournalEntry[];
  signatures: readonly Block[];
  ctx: RenderContext;
}

export async function extractPdf(x: ExtractParts): Promise<Buffer> {
  const pdf = openPdf({ landscape: true, title: x.title });
  const draw = (b: Block) => {
    if ('h' in b) block(pdf.doc, b.h, { font: 'bold', size: 11, gap: 0.4 });
    else if ('p' in b) block(pdf.doc, b.p, { size: 9 });
    else for (const row of b.table) block(pdf.doc, row.join('  |  '), { size: 8, gap: 0.1 });
  };
  x.blocks.forEach(draw);
  pdf.doc.addPage();
  drawJournal(pdf, x.entries, x.ctx);
  pdf.doc.moveDown(1);
  x.signatures.forEach(draw);
  return pdf.finish();
}

export async function extractDocx(x: ExtractParts): Promise<Buffer> {
  const toDocx = (b: Block): (Paragraph | Table)[] => {
    if ('h' in b) return [para(b.h, { bold: true, size: 22 })];
    if ('p' in b) return [para(b.p, { size: 18 })];
    const pct = 100 / (b.table[0]?.length ?? 1);
    return [
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: b.table.map((r, i) => new TableRow({ tableHeader: i === 0, children: r.map((c) => cell(c, pct, { bold: i === 0 })) })),
      }),
      new Paragraph({}),
    ];
  };
  const doc = new Document({
    creator: 'kuzet',
    title: x.title,
    styles: { default: { document: { run: { font: DOCX_FONT, size: 14 } } } },
    sections: [
      {
        properties: { page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: JOURNAL_MARGINS } },
        children: [
          ...x.blocks.flatMap(toDocx),
          new Paragraph({ pageBreakBefore: true }),
          ...journalChildren(x.entries, x.ctx),
          new Paragraph({}),
          ...x.signatures.flatMap(toDocx),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
