import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { InputError } from '../core/errors.ts';
import { ENTRIES, HOSTILE } from './fixtures.test-support.ts';
import { HEADERS, KAZAKH_LETTERS, KIND_IDS, KIND_WORDS, LEVEL_WORDS, TYPO_FIXES } from './labels.ts';
import { entryState, filterEntries, parseEntries, validBinIin } from './model.ts';
import { renderJournal } from './render.ts';
import { XLSX_FIRST_DATA_ROW, XLSX_HEADER_ROW, XLSX_NUMBER_ROW } from './render-xlsx.ts';
import { rowTexts } from './rows.ts';

const period = { from: '2026-01-01', to: '2026-12-31' };

describe('journal labels', () => {
  it('has the 16 columns of §9 in both languages, Kazakh with its own letters', () => {
    assert.equal(HEADERS.ru.length, 16);
    assert.equal(HEADERS.kk.length, 16);
    assert.equal(HEADERS.ru[15], 'Рекомендации по недопущению технического сбоя впредь');
    assert.equal(HEADERS.kk[5], 'Техникалық іркілістің сипаттамасы');
    for (const lang of ['ru', 'kk'] as const) for (const k of KIND_IDS) assert.ok(KIND_WORDS[lang][k]);
    assert.equal(LEVEL_WORDS.kk.high, 'жоғары');
    assert.match(HEADERS.kk.join(' '), /[әғқңөұүһі]/);
    assert.equal(KAZAKH_LETTERS.length, 18);
  });

  // The form's own text (001 new edition, Appendix; 002 Appendix 1 for Kazakh columns 6–12), punctuation included.
  const VERBATIM: [lang: 'ru' | 'kk', column: number, text: string][] = [
    ['ru', 1, '№ п/п'],
    ['ru', 3, 'БИН, ИИН'],
    ['ru', 5, 'Контактные данные по которому обратился пользователь'],
    ['ru', 7, 'ФИО специалиста, принявшего заявку'],
    ['ru', 8, 'Подтвержден/ не подтвержден'],
    ['ru', 9, 'Дата и время подтверждения/не подтверждения'],
    ['ru', 16, 'Рекомендации по недопущению технического сбоя впредь'],
    ['kk', 8, 'Расталды/расталмады'],
    ['kk', 9, 'Растаудың/растамаудың күні мен уақыты'],
    ['kk', 10, 'Қабылданған шешім'],
    ['kk', 11, 'Оператор қолданған шаралар'],
  ];
  for (const [lang, column, text] of VERBATIM) {
    it(`${lang} column ${column} is the form's «${text}»`, () => assert.equal(HEADERS[lang][column - 1], text));
  }

  it('departs from the form only by the listed typo corrections', () => {
    for (const f of TYPO_FIXES) {
      assert.equal(HEADERS[f.lang][f.column - 1], f.printed, `${f.lang} ${f.column}`);
      assert.notEqual(f.form, f.printed);
    }
    assert.deepEqual(
      TYPO_FIXES.map((f) => `${f.lang}${f.column}`),
      ['ru2', 'kk6', 'kk7', 'kk12'],
    );
  });

  it('docs/rules.md §9 lists every header and every typo correction', () => {
    const doc = readFileSync(new URL('../docs/rules.md', import.meta.url), 'utf8');
    HEADERS.ru.forEach((h, i) => assert.ok(doc.includes(`| ${i + 1} | ${h} | ${HEADERS.kk[i]} (`), `row ${i + 1}`));
    for (const f of TYPO_FIXES)
      assert.ok(doc.includes(`| ${f.column} (${f.lang}) | «${f.form}» | «${f.printed}» | ${f.why} |`), `${f.lang} ${f.column}`);
  });
});

describe('journal rows', () => {
  it('column 1 is the sequence number alone; the appeal number opens column 6', () => {
    const [a, b] = [rowTexts(ENTRIES[0]!, 1, 'ru'), rowTexts(ENTRIES[1]!, 2, 'kk')];
    assert.equal(a[0], '1');
    assert.equal(b[0], '2');
    assert.ok(a[5]!.startsWith('№ APP-2026-0001\n<script>'), a[5]);
    assert.equal(rowTexts({ ...ENTRIES[1]!, description: '' }, 7, 'ru')[5], '№ INC-2026-0002');
    for (const lang of ['ru', 'kk'] as const)
      for (const [i, e] of ENTRIES.entries()) assert.equal(rowTexts(e, i + 1, lang).filter((t) => t.includes(e.number)).length, 1);
  });
});

describe('journal model', () => {
  it('checks BIN/IIN check digits', () => {
    assert.equal(validBinIin('990340000004'), true);
    assert.equal(validBinIin('990340000005'), false);
    assert.equal(validBinIin('99034000000'), false);
  });

  it('parses entries and names the field of every problem', () => {
    const ok = parseEntries({ entries: [{ number: 'A-1', appealedAt: '2026-03-10T09:15:00+05:00', level: 'low' }] });
    assert.equal(ok[0]?.appealedAt.getTime(), Date.parse('2026-03-10T04:15:00Z'));
    assert.throws(
      () => parseEntries([{ number: 'A-1', appealedAt: '2026-03-10 09:15', binIin: '123', kind: 'x' }]),
      (e: unknown) =>
        e instanceof InputError && e.issues.map((i) => i.field).join(',') === 'entries[0].binIin,entries[0].appealedAt,entries[0].kind',
    );
  });

  it('filters by period (Astana dates), system, level and state, in appeal order', () => {
    const shuffled = [ENTRIES[2], ENTRIES[0], ENTRIES[1]].filter((e) => e !== undefined);
    assert.deepEqual(
      filterEntries(shuffled, {}).map((e) => e.number),
      ['APP-2026-0001', 'INC-2026-0002', 'APP-2026-0003'],
    );
    // 2026-04-02T23:50+05:00 is still April 2 in Astana although April 2 18:50 UTC.
    assert.deepEqual(
      filterEntries(ENTRIES, { from: '2026-04-02', to: '2026-04-02' }).map((e) => e.number),
      ['INC-2026-0002'],
    );
    assert.deepEqual(
      filterEntries(ENTRIES, { system: 'etp-1' }).map((e) => e.number),
      ['APP-2026-0003'],
    );
    assert.deepEqual(
      filterEntries(ENTRIES, { level: 'high' }).map((e) => e.number),
      ['INC-2026-0002'],
    );
    assert.deepEqual(
      filterEntries(ENTRIES, { state: 'refuted' }).map((e) => e.number),
      ['APP-2026-0003'],
    );
    assert.equal(entryState({ ...(ENTRIES[0] as (typeof ENTRIES)[number]), resolvedAt: null }), 'confirmed');
    assert.throws(() => filterEntries(ENTRIES, { from: '2026-02-01', to: '2026-01-01' }), /from: must not be after to/);
  });
});

describe('journal formats', () => {
  it('HTML escapes appeal text: it cannot add markup', async () => {
    const r = await renderJournal(ENTRIES, { format: 'html', lang: 'kk', period });
    const html = r.body.toString('utf8');
    assert.equal(r.contentType, 'text/html; charset=utf-8');
    assert.equal(r.fileName, 'journal_2026-01-01_2026-12-31_kk.html');
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.equal(html.match(/<tr>/g)?.length, 2 + ENTRIES.length);
    assert.equal(html.match(/<td>/g)?.length, 16 * ENTRIES.length);
    assert.ok(html.includes('Техникалық әкімшілендіру бөлімінің жауапты тұлғасы'));
    assert.ok(html.includes('size: A4 landscape'));
    assert.ok(!html.includes('\u0001'));
  });

  it('CSV: one record per appeal, quotes doubled, formulas defused, ISO Astana times', async () => {
    const csv = (await renderJournal(ENTRIES, { format: 'csv', lang: 'ru', period })).body.toString('utf8');
    assert.ok(csv.startsWith('\uFEFF"№ п/п"'));
    assert.ok(csv.includes('"2026-03-10T09:15:00+05:00"'));
    assert.ok(csv.includes('""q""'));
    assert.ok(csv.includes('"\'=HYPERLINK') === false && csv.includes('\n=HYPERLINK'));
    assert.equal(csv.split('\r\n').filter(Boolean).length, 1 + ENTRIES.length);
  });

  it('XLSX read back: 16 headers in order, their numbers, one row per appeal with the printed texts (Astana time), heights and a named font', async () => {
    const r = await renderJournal(ENTRIES, { format: 'xlsx', lang: 'kk', period });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    assert.ok(ws);
    const values = (n: number) => Array.from({ length: 16 }, (_, i) => ws.getRow(n).getCell(i + 1).value);
    assert.deepEqual(values(XLSX_HEADER_ROW), [...HEADERS.kk]);
    assert.deepEqual(
      values(XLSX_NUMBER_ROW),
      HEADERS.kk.map((_, i) => String(i + 1)),
    );
    assert.equal(ws.views[0]?.state, 'frozen');
    ENTRIES.forEach((e, n) => {
      const want = rowTexts(e, n + 1, 'kk').map((t) => (t === '' ? null : t));
      assert.deepEqual(values(XLSX_FIRST_DATA_ROW + n), want);
    });
    assert.equal(ws.getRow(XLSX_FIRST_DATA_ROW).getCell(4).value, '2026-03-10 09:15:00');
    assert.equal(ws.getRow(XLSX_FIRST_DATA_ROW + ENTRIES.length).getCell(1).value, null);
    for (let n = 1; n < XLSX_FIRST_DATA_ROW + ENTRIES.length; n++) assert.ok((ws.getRow(n).height ?? 0) > 0, `row ${n} has a height`);
    // The header wraps to several lines; the hostile description (a line break, long) makes its row taller still.
    assert.ok(ws.getRow(XLSX_HEADER_ROW).height > 3 * 7);
    assert.ok(ws.getRow(XLSX_FIRST_DATA_ROW).height > ws.getRow(XLSX_FIRST_DATA_ROW + 2).height);
    for (const n of [XLSX_HEADER_ROW, XLSX_NUMBER_ROW, XLSX_FIRST_DATA_ROW])
      assert.equal(ws.getRow(n).getCell(2).font?.name, 'DejaVu Sans');
    assert.equal(ws.pageSetup.orientation, 'landscape');
    assert.equal(ws.pageSetup.fitToWidth, 1);
    assert.equal(ws.pageSetup.fitToHeight, 0);
  });

  it('an empty period gives a valid empty journal in every format', async () => {
    for (const format of ['html', 'csv', 'xlsx', 'docx', 'pdf'] as const) {
      const r = await renderJournal(ENTRIES, { format, lang: 'ru', period: { from: '2025-01-01', to: '2025-12-31' } });
      assert.ok(r.body.length > 0, format);
      if (format === 'pdf') assert.equal(r.body.subarray(0, 5).toString(), '%PDF-');
      if (format === 'xlsx' || format === 'docx') assert.equal(r.body.subarray(0, 2).toString(), 'PK');
      if (format === 'html') assert.ok(r.body.toString().includes('За период обращений нет'));
    }
  });

  it('refuses an unknown format or language naming the field', async () => {
    await assert.rejects(renderJournal(ENTRIES, { format: 'odt' as 'pdf', lang: 'ru' }), /format: one of html, pdf, xlsx, docx, csv/);
    await assert.rejects(renderJournal(ENTRIES, { format: 'pdf', lang: 'en' as 'ru' }), /lang: one of ru, kk/);
  });

  it('uses the hostile text fixture', () => {
    assert.ok(HOSTILE.includes('</td>'));
  });
});
