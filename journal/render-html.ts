/**
 * The journal as print-ready HTML (A4 landscape): a handlebars template with every value escaped,
 * so appeal text cannot add markup. Column widths and sizes are those of the other formats
 * (form-layout.ts), so no header word breaks in print either.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { columnWidths, TABLE_WIDTH } from './form-layout.ts';
import { FORM } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { headers, periodText, rowTexts, type RenderContext } from './rows.ts';

const hbs = Handlebars.create();
let template: Handlebars.TemplateDelegate | undefined;

function journalTemplate(): Handlebars.TemplateDelegate {
  template ??= hbs.compile(readFileSync(new URL('./templates/journal.hbs', import.meta.url), 'utf8'), { strict: true, noEscape: false });
  return template;
}

export function renderJournalHtml(entries: readonly JournalEntry[], ctx: RenderContext): Buffer {
  const words = FORM[ctx.lang];
  const hs = headers(ctx.lang);
  const html = journalTemplate()({
    lang: ctx.lang,
    title: words.title,
    period: periodText(ctx),
    timeNote: words.timeNote,
    headers: hs,
    widths: columnWidths(ctx.lang).map((w) => ((w / TABLE_WIDTH) * 100).toFixed(3)),
    numbers: hs.map((_, i) => i + 1),
    rows: entries.map((e, i) => rowTexts(e, i + 1, ctx.lang)),
    empty: words.empty,
    signatureResponsible: words.signatureResponsible,
    signatureMarks: words.signatureMarks,
    abbreviationsTitle: words.abbreviationsTitle,
    abbreviations: words.abbreviations,
  });
  return Buffer.from(html, 'utf8');
}
