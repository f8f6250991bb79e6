/**
 * An incident's timeline as a file (issue #21 item 5): CSV (RFC 4180, UTF-8 with a BOM so a
 * spreadsheet reads the Kazakh letters; a cell starting with = + - @ gets an apostrophe so it never
 * runs as a formula) and PDF (pdfkit with the journal's DejaVu Sans, so Kazakh and Russian print).
 * Both carry the same lines as the page: when (Astana), who, what, the details.
 */
import { formatAstana } from '../core/time.ts';
import { loadPdfKit } from '../journal/index.ts';
import { LABELS, type ConsoleLang } from './i18n.ts';
import type { TimelineLine } from './timeline-text.ts';

const cell = (v: string) => `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`;
const detailText = (l: TimelineLine) => l.details.map((d) => `${d.label}: ${d.value}`).join('\n');

export function timelineCsv(lang: ConsoleLang, lines: readonly TimelineLine[]): Buffer {
  const L = LABELS[lang];
  const rows = [
    [L.when, L.who, L.ip, L.action, L.details, L.actionId],
    ...lines.map((l) => [l.at, l.who, l.ip, l.what, detailText(l), l.action]),
  ];
  return Buffer.from(`\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

export async function timelinePdf(
  lang: ConsoleLang,
  inc: { id: string; title: string; place: string },
  lines: readonly TimelineLine[],
  now: Date,
): Promise<Buffer> {
  const L = LABELS[lang];
  const { openPdf, block } = await loadPdfKit();
  const pdf = openPdf({ landscape: false, title: `${inc.id} · ${L.timeline}` });
  const { doc } = pdf;
  block(doc, `${inc.id} · ${L.timeline}`, { font: 'bold', size: 14 });
  block(doc, `${inc.title}\n${L.system}: ${inc.place}`, { size: 10 });
  block(doc, `${L.astanaTime}: ${formatAstana(now)}`, { size: 8, gap: 1 });
  for (const l of lines) {
    block(doc, `${l.at} · ${l.who}${l.ip ? ` · ${l.ip}` : ''}`, { size: 8, gap: 0 });
    block(doc, l.what, { font: 'bold', size: 10, gap: 0.1 });
    if (l.details.length) block(doc, detailText(l), { size: 9 });
    doc.moveDown(0.4);
  }
  return pdf.finish();
}
