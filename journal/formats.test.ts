/**
 * What issue #8 asks of each file format beyond its rows: DOCX is a real table in A4 landscape naming
 * a font with the Kazakh letters, PDF is A4 landscape with that font embedded, and every format ends
 * with the form's footer (signature line and abbreviations). Hostile appeal text stays text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { tempDir } from '../test/support.ts';
import { DOCX_FONT } from './docx-util.ts';
import { ENTRIES } from './fixtures.test-support.ts';
import { FORM, HEADERS } from './labels.ts';
import { renderJournal } from './render.ts';

const period = { from: '2026-01-01', to: '2026-12-31' };
const w = FORM.kk;

describe('journal formats: layout, font and footer', () => {
  it('DOCX: one real table (16 header cells in order, a row per appeal), A4 landscape, the font named, the footer; appeal text escaped', async () => {
    const dir = tempDir('kuzet-journal-docx-');
    const file = join(dir.path, 'j.docx');
    writeFileSync(file, (await renderJournal(ENTRIES, { format: 'docx', lang: 'kk', period })).body);
    const part = (name: string) => execFileSync('unzip', ['-p', file, name], { encoding: 'utf8' });
    const [doc, styles] = [part('word/document.xml'), part('word/styles.xml')];
    dir.remove();
    assert.equal(doc.match(/<w:tbl>/g)?.length, 1, 'one table');
    const rows = doc.split('<w:tr>').slice(1);
    assert.equal(rows.length, 2 + ENTRIES.length, 'header, column numbers, one row per appeal');
    const cellTexts = (row: string) =>
      row
        .split('<w:tc>')
        .slice(1)
        .map((c) => [...c.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));
    assert.deepEqual(cellTexts(rows[0]!), [...HEADERS.kk]);
    assert.match(doc, /<w:pgSz [^>]*w:orient="landscape"/);
    assert.match(doc, /<w:pgSz [^>]*w:w="16838"[^>]*w:h="11906"|<w:pgSz [^>]*w:h="11906"[^>]*w:w="16838"/);
    assert.ok(styles.includes(`w:ascii="${DOCX_FONT}"`), `styles name ${DOCX_FONT}`);
    for (const text of [w.signatureResponsible, w.abbreviationsTitle, ...w.abbreviations]) assert.ok(doc.includes(text), text);
    assert.ok(doc.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!doc.includes('<script>'));
  });

  it('PDF: A4 landscape, the Kazakh-capable font embedded, the footer in the text', async () => {
    const dir = tempDir('kuzet-journal-pdf-');
    try {
      const file = join(dir.path, 'j.pdf');
      writeFileSync(file, (await renderJournal(ENTRIES, { format: 'pdf', lang: 'kk', period })).body);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      assert.match(info, /Page size:\s+841\.89 x 595\.2[78] pts \(A4\)/, info);
      // pdffonts: name, type, encoding, emb, sub, uni, object ID.
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
      assert.ok(fonts.length > 0);
      for (const f of fonts) assert.match(f, /DejaVuSans.*\byes\s+yes\s+yes\b/, `embedded subset with a Unicode map: ${f}`);
      const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const t of [w.signatureResponsible, w.abbreviationsTitle, ...w.abbreviations]) assert.ok(text.includes(t), t);
    } finally {
      dir.remove();
    }
  });

  it('XLSX and HTML end with the signature line and the abbreviations', async () => {
    const x = await renderJournal(ENTRIES, { format: 'xlsx', lang: 'kk', period });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ArrayBuffer);
    const firstCells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => void firstCells.push(String(row.getCell(1).value ?? '')));
    assert.deepEqual(firstCells.slice(-(w.abbreviations.length + 2)), [
      `${w.signatureResponsible}    ____________    ${w.signatureMarks}`,
      w.abbreviationsTitle,
      ...w.abbreviations,
    ]);
    const html = (await renderJournal(ENTRIES, { format: 'html', lang: 'kk', period })).body.toString('utf8');
    for (const t of [w.abbreviationsTitle, ...w.abbreviations]) assert.ok(html.includes(t), t);
  });
});
