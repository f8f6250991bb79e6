/**
 * The journal at scale: 10,000 rows to XLSX (target < 5 s) and to PDF (target < 15 s), with the
 * growth of the process's resident memory while each renders (sampled every 20 ms).
 */
import { manyEntries } from '../journal/fixtures.test-support.ts';
import { renderJournal, type JournalFormat } from '../journal/index.ts';

async function measure(format: JournalFormat, rows: number): Promise<{ ms: number; bytes: number; rssDeltaMb: number }> {
  const entries = manyEntries(rows);
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const r = await renderJournal(entries, { format, lang: 'kk' });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, bytes: r.body.length, rssDeltaMb: Math.round((peak - base) / 1e5) / 10 };
}

export async function benchJournal(): Promise<Record<string, string | number>> {
  const rows = 10_000;
  const xlsx = await measure('xlsx', rows);
  const pdf = await measure('pdf', rows);
  return {
    'journal rows': rows,
    'xlsx time (target < 5 s)': `${(xlsx.ms / 1000).toFixed(2)} s`,
    'xlsx size': `${(xlsx.bytes / 1e6).toFixed(1)} MB`,
    'xlsx peak RSS delta': `${xlsx.rssDeltaMb} MB`,
    'pdf time (target < 15 s)': `${(pdf.ms / 1000).toFixed(2)} s`,
    'pdf size': `${(pdf.bytes / 1e6).toFixed(1)} MB`,
    'pdf peak RSS delta': `${pdf.rssDeltaMb} MB`,
  };
}
