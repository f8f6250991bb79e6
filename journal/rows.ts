/**
 * The journal's table as every format prints it: the 16 cells of a row in the form's order, words
 * in the chosen language, instants kept as `Date` until a format prints them in Astana time.
 */
import { formatAstana } from '../core/time.ts';
import { COLUMN_KEYS, FORM, HEADERS, KIND_WORDS, LEVEL_WORDS, type Lang } from './labels.ts';
import type { JournalEntry } from './model.ts';

export type JournalCell = string | Date;

/**
 * Column 6 starts with the appeal's or incident's own number on a line of its own: column 1 is
 * «№ п/п» («по порядку»), the sequence number alone, and the form has no column for the id the user
 * was sent (SLA-P-ID), yet the journal must lead back to it.
 */
export function descriptionCell(e: JournalEntry): string {
  return e.description ? `№ ${e.number}\n${e.description}` : `№ ${e.number}`;
}

// Characters XML 1.0 cannot carry (XLSX, DOCX, HTML) and lone surrogates: dropped, so appeal text
// can never make a document unreadable.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- the point of this pattern is to match control characters
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe for every format: no XML-illegal characters, CR LF as LF. */
export function cleanText(s: string): string {
  return s.replace(NOT_XML, '').replace(/\r\n?/g, '\n');
}

export function rowCells(e: JournalEntry, seq: number, lang: Lang): JournalCell[] {
  const words = FORM[lang];
  const cells: Record<(typeof COLUMN_KEYS)[number], JournalCell> = {
    number: String(seq),
    organisation: e.organisation,
    binIin: e.binIin ?? '',
    appealedAt: e.appealedAt,
    contacts: e.contacts,
    description: descriptionCell(e),
    acceptedBy: e.acceptedBy,
    confirmed: e.confirmed === null ? words.pending : e.confirmed ? words.confirmed : words.refuted,
    confirmedAt: e.confirmedAt ?? '',
    decision: e.decision,
    measures: e.measures,
    resolvedAt: e.resolvedAt ?? '',
    causes: e.causes,
    level: e.level ? LEVEL_WORDS[lang][e.level] : '',
    kind: e.kind ? KIND_WORDS[lang][e.kind] : '',
    recommendations: e.recommendations,
  };
  return COLUMN_KEYS.map((k) => {
    const c = cells[k];
    return typeof c === 'string' ? cleanText(c) : c;
  });
}

/**
 * A cell as text. Instants in Astana time: `iso` is `YYYY-MM-DDTHH:MM:SS+05:00` (CSV, for machines);
 * `print` is `YYYY-MM-DD HH:MM:SS`, the form's title saying the time is Astana's.
 */
export function cellText(c: JournalCell, style: 'iso' | 'print' = 'print'): string {
  if (!(c instanceof Date)) return c;
  const iso = formatAstana(c);
  return style === 'iso' ? iso : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function rowTexts(e: JournalEntry, seq: number, lang: Lang, style: 'iso' | 'print' = 'print'): string[] {
  return rowCells(e, seq, lang).map((c) => cellText(c, style));
}

export function headers(lang: Lang): readonly string[] {
  return HEADERS[lang];
}

export interface JournalPeriod {
  from?: string | undefined;
  to?: string | undefined;
}

/** Options every renderer takes. */
export interface RenderContext {
  lang: Lang;
  period: JournalPeriod;
}

/** "Период: 2026-01-01 — 2026-12-31" in the chosen language; empty when there is no period. */
export function periodText(ctx: RenderContext): string {
  const { from, to } = ctx.period;
  if (!from && !to) return '';
  return `${FORM[ctx.lang].period}: ${from ?? '…'} — ${to ?? '…'}`;
}
