import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test/support.ts';
import { ENTRIES } from './fixtures.test-support.ts';
import { renderExtract, summarizeExtract } from './extract.ts';
import { availabilityPercent, formatPercent } from './availability.ts';
import { type ExtractInput, parseExtractInput } from './model.ts';
import { extractReminder } from './reminder.ts';

const input: ExtractInput = {
  year: 2026,
  operator: 'АО «Центр электронных финансов»',
  owner: 'Министерство финансов Республики Казахстан',
  headOfOperator: 'Ахметов А. А.',
  responsiblePerson: 'Серікова Ә. Н.',
  letterRef: '',
  entries: [...ENTRIES],
  details: [
    { number: 'INC-2026-0002', cause: 'DDoS', measures: 'Фильтрация', result: 'Устранено', extensions: [], prevention: 'Скрубинг' },
  ],
  downtime: [{ system: 'portal', module: 'search', downtimeMinutes: 525.6, maintenanceMinutes: 0 }],
  sla: [{ timer: 'SLA-P-REGISTER', met: 10, breached: 1 }],
};

describe('annual extract', () => {
  it('summarizes by level and kind, mean times and availability (hand-computed)', () => {
    const { summary } = summarizeExtract(input);
    assert.equal(summary.entries, 3);
    assert.deepEqual(summary.byLevel, { low: 1, medium: 1, high: 1 });
    assert.deepEqual(summary.byKind, { 'third-party-conditions': 1, 'computer-attack': 1, 'eds-key-misuse': 1 });
    // Confirm: 25, 15, 60 min → 33.3; resolve (refuted left out): 110.5 and 130 → 120.3.
    assert.equal(summary.meanMinutesToConfirm, 33.3);
    assert.equal(summary.meanMinutesToResolve, 120.3);
    // 525.6 of 525,600 minutes = 0.1 % down.
    assert.equal(summary.downtime[0]?.availabilityPct, 99.9);
  });

  it('one minute down in a year does not read 100.000 %', () => {
    const { summary } = summarizeExtract({
      ...input,
      downtime: [{ system: 'portal', module: null, downtimeMinutes: 1, maintenanceMinutes: 0 }],
    });
    assert.equal(summary.downtime[0]?.availabilityPct, 99.9998); // 525,599 / 525,600 = 99.99981 %
    const none = summarizeExtract({ ...input, downtime: [{ system: 'portal', module: null, downtimeMinutes: 0, maintenanceMinutes: 0 }] });
    assert.equal(none.summary.downtime[0]?.availabilityPct, 100);
  });

  it('refuses details of unknown entries, naming the field', () => {
    assert.throws(() => parseExtractInput({ year: 2026, details: [{ number: 'X' }] }), /details\[0\]\.number: no entry "X"/);
  });

  it('renders PDF and DOCX', async () => {
    const pdf = await renderExtract(input, { format: 'pdf', lang: 'kk' });
    assert.equal(pdf.fileName, 'extract_2026_kk.pdf');
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    const docx = await renderExtract(input, { format: 'docx', lang: 'ru' });
    assert.equal(docx.body.subarray(0, 2).toString(), 'PK');
  });

  it('the PDF holds the cover letter, the summary, a section per medium/high incident and both signatures (pdftotext)', async () => {
    const dir = tempDir('kuzet-extract-');
    try {
      const file = join(dir.path, 'e.pdf');
      writeFileSync(file, (await renderExtract(input, { format: 'pdf', lang: 'ru' })).body);
      const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      const want = [
        'Министерство финансов Республики Казахстан', // the cover letter's addressee, then its text
        'На основании пункта 21 Правил АО «Центр электронных финансов» направляет выписку',
        'Сводные данные',
        'Обращений в журнале: 3 (подтверждено: 2, не подтверждено: 1)',
        'По уровню критичности: низкий — 1; средний — 1; высокий — 1',
        'Среднее время до подтверждения, мин: 33.3; Среднее время до устранения, мин: 120.3',
        'portal | search | 525.6 | 0 | 99.900',
        'SLA-P-REGISTER | 10 | 1',
        'Технические сбои со средним и высоким уровнем критичности',
        // INC-2026-0002 (high) with its details; APP-2026-0001 (medium) falls back to the journal's columns.
        'Причина возникновения: DDoS',
        'Выполненные мероприятия по устранению: Фильтрация',
        'Результат устранения: Устранено',
        'Продление сроков закупок: нет',
        'Предложения по недопущению технического сбоя: Скрубинг',
        'Причина возникновения: Отказ сервера приложений',
        'Предложения по недопущению технического сбоя: Резервирование узла',
        'Ответственное лицо отдела технического администрирования ____________ Серікова Ә. Н.',
        'Руководитель оператора ____________ Ахметов А. А.',
      ];
      for (const t of want) assert.ok(text.includes(t), t);
      assert.ok(text.includes('INC-2026-0002 · высокий') && text.includes('APP-2026-0001 · средний'), 'a section per medium/high incident');
    } finally {
      dir.remove();
    }
  });

  it('reminds in January of the year before', () => {
    assert.equal(extractReminder(new Date('2027-01-10T04:00:00Z')).year, 2026);
  });
});

describe('availability percentages', () => {
  const MIN = 60_000;
  const YEAR = 365 * 24 * 60 * MIN;
  const cases: [string, number, number, number | null, string][] = [
    ['no downtime', YEAR, 0, 100, '100.000'],
    ['one minute in a year: more digits, never 100', YEAR - MIN, MIN, 99.9998, '99.9998'],
    ['one second in a year', YEAR - 1000, 1000, 99.999997, '99.999997'],
    ['30 minutes in a day: 3 decimals', 1410 * MIN, 30 * MIN, 97.917, '97.917'],
    ['half', 1, 1, 50, '50.000'],
    ['no data', 0, 0, null, ''],
  ];
  for (const [name, up, down, pct, text] of cases)
    it(name, () => {
      assert.equal(availabilityPercent(up, down), pct);
      if (pct !== null) assert.equal(formatPercent(pct), text);
    });
});
