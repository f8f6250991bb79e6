/**
 * Shared pieces of the DOCX documents (journal, annual extract): the font, A4 landscape/portrait
 * sections, text with line breaks, table cells.
 */
import { Paragraph, TableCell, TextRun, WidthType, type IRunOptions } from 'docx';

/**
 * Named, not embedded: DejaVu Sans carries every Cyrillic and Kazakh letter (ә ғ қ ң ө ұ ү һ і), is
 * in fonts-dejavu-core on Linux and is substituted by Word and LibreOffice elsewhere; embedding it
 * would add 700 KB to every file.
 */
export const DOCX_FONT = 'DejaVu Sans';

/** A4 in twentieths of a point. */
export const A4 = { width: 11906, height: 16838 } as const;

/** Runs of a text with its line breaks kept. */
export function runs(text: string, opts: Omit<IRunOptions, 'text' | 'break'> = {}): TextRun[] {
  return text.split('\n').map((line, i) => new TextRun({ ...opts, text: line, ...(i > 0 ? { break: 1 } : {}) }));
}

export function para(text: string, opts: Omit<IRunOptions, 'text' | 'break'> = {}, align?: 'center' | 'left' | 'right'): Paragraph {
  return new Paragraph({ children: runs(text, opts), ...(align ? { alignment: align } : {}) });
}

export function cell(text: string, widthPct: number, opts: Omit<IRunOptions, 'text' | 'break'> = {}): TableCell {
  return new TableCell({ children: [para(text, opts)], width: { size: widthPct, type: WidthType.PERCENTAGE } });
}
