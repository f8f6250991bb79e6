/**
 * The journal as PDF (pdfkit): A4 landscape, the table laid out row by row with the header repeated
 * on each page; pages stream out as they are finished. A row taller than a page is cut with an
 * ellipsis rather than spilling over the next rows.
 */
import { FORM } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { block, openPdf, type OpenPdf } from './pdf-util.ts';
import { makeWrapper, type Wrapper } from './pdf-wrap.ts';
import { headers, periodText, rowTexts, type RenderContext } from './rows.ts';

const WEIGHTS = [5, 7, 7, 7, 7, 8, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7];
const FONT_SIZE = 6;
const PAD = 1.5;

interface Layout {
  x: number[];
  w: number[];
  bottom: number;
  top: number;
  /** The header rows repeated at the top of each new page. */
  headers: readonly string[];
}

function layout(doc: PDFKit.PDFDocument, hs: readonly string[]): Layout {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const total = WEIGHTS.reduce((a, b) => a + b, 0);
  const w = WEIGHTS.map((k) => (k / total) * width);
  const x: number[] = [];
  w.reduce((acc, cw) => (x.push(acc), acc + cw), left);
  return { x, w, top: doc.page.margins.top, bottom: doc.page.height - doc.page.margins.bottom, headers: hs };
}

interface Fonts {
  regular: Wrapper;
  lineHeight: number;
}

function fontsOf(doc: PDFKit.PDFDocument): Fonts {
  const wrapperFor = (font: 'regular') =>
    makeWrapper((ch) => {
      doc.font(font).fontSize(FONT_SIZE);
      return doc.widthOfString(ch);
    });
  doc.font('regular').fontSize(FONT_SIZE);
  return { regular: wrapperFor('regular'), lineHeight: doc.currentLineHeight(true) };
}

function drawRow(doc: PDFKit.PDFDocument, l: Layout, f: Fonts, cells: readonly string[], kind: 'regular' | 'header'): void {
  const font = 'regular';
  const maxLines = Math.max(1, Math.floor((l.bottom - l.top - 2 * PAD) / f.lineHeight) - 4);
  const wrapper = f[font];
  const lines = cells.map((t, i) => (t ? wrapper.wrap(t, (l.w[i] ?? 0) - 2 * PAD, maxLines) : []));
  const h = Math.max(1, ...lines.map((ls) => ls.length)) * f.lineHeight + 2 * PAD;
  if (doc.y + h > l.bottom) {
    doc.addPage();
    doc.y = l.top;
    if (kind === 'regular') drawHeader(doc, l, f);
  }
  const y = doc.y;
  if (kind === 'header') doc.rect(l.x[0] ?? 0, y, (l.x[15] ?? 0) + (l.w[15] ?? 0) - (l.x[0] ?? 0), h).fill('#eeeeee').fillColor('black');
  doc.font(font).fontSize(FONT_SIZE);
  cells.forEach((_, i) => doc.rect(l.x[i] ?? 0, y, l.w[i] ?? 0, h));
  doc.stroke();
  lines.forEach((ls, i) => {
    const x = (l.x[i] ?? 0) + PAD;
    ls.forEach((line, k) => {
      if (line) doc.text(line, x, y + PAD + k * f.lineHeight, { lineBreak: false });
    });
  });
  doc.x = l.x[0] ?? 0;
  doc.y = y + h;
}

function drawHeader(doc: PDFKit.PDFDocument, l: Layout, f: Fonts): void {
  // Regular, not bold: the longest Kazakh header words (қызметкердің, Пайдаланушы) then fit their column unbroken.
  drawRow(doc, l, f, l.headers, 'header');
  drawRow(doc, l, f, l.headers.map((_, i) => String(i + 1)), 'header');
}

/** Draws the journal (title to abbreviations) into an open document. */
export function drawJournal(pdf: OpenPdf, entries: readonly JournalEntry[], ctx: RenderContext): void {
  const { doc } = pdf;
  const w = FORM[ctx.lang];
  block(doc, w.title, { font: 'bold', size: 11, align: 'center' });
  block(doc, [periodText(ctx), w.timeNote].filter(Boolean).join(' · '), { size: 8, align: 'center', gap: 0.8 });
  const l = layout(doc, headers(ctx.lang));
  const f = fontsOf(doc);
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
