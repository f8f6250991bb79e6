/**
 * Shared pieces of the PDF documents (journal, annual extract): pdfkit with DejaVu Sans embedded
 * (a subset with a ToUnicode map, so text extraction returns the Kazakh letters), collected into a
 * Buffer as pdfkit streams its pages out.
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { UnavailableError } from '../core/errors.ts';

export const PDF_FONT_PATH = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const PDF_FONT_BOLD_PATH = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export interface OpenPdf {
  doc: PDFKit.PDFDocument;
  /** Ends the document and resolves with its bytes. */
  finish(): Promise<Buffer>;
}

/** Refuses, naming the package, when a font file the journal is drawn or measured with is missing. */
export function requireFonts(...paths: string[]): void {
  for (const p of paths) {
    if (!existsSync(p)) {
      throw new UnavailableError(
        `the PDF font ${p} is missing: it carries the Kazakh letters (ә ғ қ ң ө ұ ү һ і); install it with \`apt-get install -y fonts-dejavu-core\``,
      );
    }
  }
}

/** A pdfkit document with DejaVu Sans registered as `regular` and `bold`. */
export function openPdf(opts: { landscape: boolean; title: string; fontPath?: string; boldPath?: string }): OpenPdf {
  const fontPath = opts.fontPath ?? PDF_FONT_PATH;
  const boldPath = opts.boldPath ?? PDF_FONT_BOLD_PATH;
  requireFonts(fontPath, boldPath);
  const doc = new PDFDocument({
    size: 'A4',
    layout: opts.landscape ? 'landscape' : 'portrait',
    margin: 28,
    bufferPages: false,
    info: { Title: opts.title, Creator: 'kuzet' },
  });
  doc.registerFont('regular', fontPath);
  doc.registerFont('bold', boldPath);
  doc.font('regular');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return {
    doc,
    finish: () => {
      doc.end();
      return done;
    },
  };
}

/** Draws a text block and moves the cursor below it. */
export function block(
  doc: PDFKit.PDFDocument,
  text: string,
  opts: { font?: 'regular' | 'bold'; size?: number; align?: 'left' | 'center'; gap?: number } = {},
): void {
  doc.font(opts.font ?? 'regular').fontSize(opts.size ?? 10);
  const x = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  doc.text(text, x, doc.y, { width, align: opts.align ?? 'left' });
  doc.moveDown(opts.gap ?? 0.3);
}
