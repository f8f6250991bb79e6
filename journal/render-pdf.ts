/**
 * The journal as PDF (pdfkit): A4 landscape, the table laid out row by row with the header repeated
 * on each page; pages stream out as they are finished. Column widths and sizes come from
 * form-layout.ts (no header word broken). A row taller than a page is cut with an ellipsis rather
 * than spilling over the next rows.
 */
import { FORM } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { BODY_SIZE, CELL_PAD as PAD, columnWidths, formMetrics, HEADER_BOLD, HEADER_SIZE } from './form-layout.ts';
import { block, openPdf, type OpenPdf } from './pdf-util.ts';
import type { Wrapper } from './pdf-wrap.ts';
import { headers, periodText, rowTexts, type RenderContext } from './rows.ts';

interface Layout {
  x: number[];
  w: number[];
  bottom: number;
  top: number;
  /** The header rows repeated at the top of each new page. */
  headers: readonly string[];
}

function layout(doc: PDFKit.PDFDocument, ctx: RenderContext): Layout {
  const left = doc.page.margins.left;
  const w = columnWidths(ctx.lang, doc.page.width - left - doc.page.margins.right);
  const hs = headers(ctx.lang);
  const x: number[] = [];
  w.reduce((acc, cw) => (x.push(acc), acc + cw), left);
  return { x, w, top: doc.page.margins.top, bottom: doc.page.height - doc.page.margins.bottom, headers: hs };
}

interface Style {
  font: 'regular' | 'bold';
  size: number;
  wrapper: Wrapper;
  lineHeight: number;
}

interface Fonts {
  regular: Style;
  header: Style;
}

function fontsOf(): Fonts {
  const m = formMetrics();
  const style = (bold: boolean, size: number): Style => ({
    font: bold ? 'bold' : 'regular',
    size,
    wrapper: m.wrapper(bold, size),
    lineHeight: m.lineHeight(size),
  });
  return { regular: style(false, BODY_SIZE), header: style(HEADER_BOLD, HEADER_SIZE) };
}

function drawRow(doc: PDFKit.PDFDocument, l: Layout, f: Fonts, cells: readonly string[], kind: 'regular' | 'header'): void {
  const { font, size, wrapper, lineHeight } = f[kind];
  const maxLines = Math.max(1, Math.floor((l.bottom - l.top - 2 * PAD) / lineHeight) - 4);
  const lines = cells.map((t, i) => (t ? wrapper.wrap(t, (l.w[i] ?? 0) - 2 * PAD, maxLines) : []));
  const h = Math.max(1, ...lines.map((ls) => ls.length)) * lineHeight + 2 * PAD;
  if (doc.y + h > l.bottom) {
    doc.addPage();
    doc.y = l.top;
    if (kind === 'regular') drawHeader(doc, l, f);
  }
  const y = doc.y;
  if (kind === 'header')
    doc
      .rect(l.x[0] ?? 0, y, (l.x[15] ?? 0) + (l.w[15] ?? 0) - (l.x[0] ?? 0), h)
      .fill('#eeeeee')
      .fillColor('black');
  doc.font(font).fontSize(size);
  cells.forEach((_, i) => doc.rect(l.x[i] ?? 0, y, l.w[i] ?? 0, h));
  doc.stroke();
  lines.forEach((ls, i) => {
    const x = (l.x[i] ?? 0) + PAD;
    ls.forEach((line, k) => {
      if (line) doc.text(line, x, y + PAD + k * lineHeight, { lineBreak: false });
    });
  });
  doc.x = l.x[0] ?? 0;
  doc.y = y + h;
}

function drawHeader(doc: PDFKit.PDFDocument, l: Layout, f: Fonts): void {
  drawRow(doc, l, f, l.headers, 'header');
  drawRow(
    doc,
    l,
    f,
    l.headers.map((_, i) => String(i + 1)),
    'header',
  );
}

/** Draws the journal (title to abbreviations) into an open document. */
export function drawJournal(pdf: OpenPdf, entries: readonly JournalEntry[], ctx: RenderContext): void {
  const { doc } = pdf;
  const w = FORM[ctx.lang];
  block(doc, w.title, { font: 'bold', size: 11, align: 'center' });
  block(doc, [periodText(ctx), w.timeNote].filter(Boolean).join(' · '), { size: 8, align: 'center', gap: 0.8 });
  const l = layout(doc, ctx);
  const f = fontsOf();
  doc.lineWidth(0.4);
  drawHeader(doc, l, f);
  if (entries.length === 0) drawRow(doc, l, f, [w.empty, ...Array<string>(15).fill('')], 'regular');
  entries.forEach((e, i) => drawRow(doc, l, f, rowTexts(e, i + 1, ctx.lang), 'regular'));
  doc.x = l.x[0] ?? 0;
  doc.moveDown(1.5);
  if (doc.y + 80 > l.bottom) {
    doc.addPage();
    doc.y = l.top;
  }
  block(doc, `${w.signatureResponsible}    ____________    ${w.signatureMarks}`, { size: 9, gap: 1 });
  block(doc, w.abbreviationsTitle, { size: 7 });
  for (const a of w.abbreviations) block(doc, a, { size: 7, gap: 0 });
}

export function renderJournalPdf(entries: readonly JournalEntry[], ctx: RenderContext): Promise<Buffer> {
  const pdf = openPdf({ landscape: true, title: FORM[ctx.lang].title });
  drawJournal(pdf, entries, ctx);
  return pdf.finish();
}
