/**
 * The journal as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read Cyrillic): every field
 * quoted, quotes doubled; a text starting with = + - @ gets a leading apostrophe so a spreadsheet
 * never runs appeal text as a formula.
 */
import type { JournalEntry } from './model.ts';
import { headers, rowCells, cellText, type RenderContext } from './rows.ts';

function field(v: string, isText: boolean): string {
  const safe = isText && /^[=+\-@\t]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function renderJournalCsv(entries: readonly JournalEntry[], ctx: RenderContext): Buffer {
  const lines = [
    headers(ctx.lang)
      .map((h) => field(h, false))
      .join(','),
  ];
  entries.forEach((e, i) => {
    lines.push(
      rowCells(e, i + 1, ctx.lang)
        .map((c) => field(cellText(c, 'iso'), typeof c === 'string'))
        .join(','),
    );
  });
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
