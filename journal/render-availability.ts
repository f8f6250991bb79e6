/**
 * The availability report as a file: JSON, CSV (one line per scope and period), or XLSX with the
 * figures, the maintenance windows and the worst days on their own sheets. Used by
 * `kuzet availability` and `GET /api/v1/availability`.
 */
import { availabilityLines, type AvailabilityReport } from './availability.ts';

export const AVAILABILITY_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type AvailabilityFormat = (typeof AVAILABILITY_FORMATS)[number];

export const AVAILABILITY_CONTENT_TYPES: Readonly<Record<AvailabilityFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The report as a buffer or text in the format asked for. */
export async function availabilityBody(r: AvailabilityReport, format: AvailabilityFormat): Promise<Buffer | string> {
  if (format === 'json') return `${JSON.stringify(r)}\n`;
  const lines = availabilityLines(r);
  const head = ['scope', 'system', 'module', 'period', 'upMinutes', 'downMinutes', 'maintenanceMinutes', 'availabilityPct'] as const;
  if (format === 'csv') {
    const q = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;
    return `${[head.map(q).join(','), ...lines.map((l) => head.map((h) => q(l[h])).join(','))].join('\r\n')}\r\n`;
  }
  const { default: ExcelJS } = await import('exceljs'); // loaded on the first XLSX report, not with the journal
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('availability', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow([...head]).font = { bold: true };
  for (const l of lines) ws.addRow(head.map((h) => l[h]));
  const mw = wb.addWorksheet('maintenance', { views: [{ state: 'frozen', ySplit: 1 }] });
  mw.addRow(['system', 'modules', 'start', 'end', 'minutes']).font = { bold: true };
  for (const m of r.maintenance) mw.addRow([m.system, m.modules.join(' '), m.start, m.end, m.minutes]);
  const wd = wb.addWorksheet('worst days', { views: [{ state: 'frozen', ySplit: 1 }] });
  wd.addRow(['system', 'date', 'availabilityPct', 'downMinutes']).font = { bold: true };
  for (const d of r.worstDays) wd.addRow([d.system, d.date, d.availabilityPct, d.downMinutes]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
