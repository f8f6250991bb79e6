import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CELL_PAD, columnWidths, formMetrics, HEADER_BOLD, HEADER_SIZE, headerWords, TABLE_WIDTH } from './form-layout.ts';
import { HEADERS, LANGS } from './labels.ts';
import { makeWrapper } from './pdf-wrap.ts';

describe('journal form layout', () => {
  for (const lang of LANGS) {
    it(`${lang}: the 16 columns fill the table and each holds its longest header word whole`, () => {
      const w = columnWidths(lang);
      assert.equal(w.length, 16);
      assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - TABLE_WIDTH) < 0.01);
      const m = formMetrics();
      HEADERS[lang].forEach((h, i) => {
        for (const word of headerWords(h))
          assert.ok(m.width(word, HEADER_BOLD, HEADER_SIZE) <= (w[i] ?? 0) - 2 * CELL_PAD, `${lang} column ${i + 1}: «${word}»`);
      });
    });
  }

  it('refuses a table too narrow for whole header words', () => {
    assert.throws(() => columnWidths('ru', 500), /the ru journal headers need \d+\.\d pt, the page has 500\.0 pt/);
  });

  it('header words: split at spaces and after a slash, the slash kept', () => {
    const cases: [string, string[]][] = [
      ['Дата и время подтверждения/не подтверждения', ['Дата', 'и', 'время', 'подтверждения/', 'не', 'подтверждения']],
      ['Подтвержден/ не подтвержден', ['Подтвержден/', 'не', 'подтвержден']],
      ['Расталды/расталмады', ['Расталды/', 'расталмады']],
      ['№ п/п', ['№', 'п/', 'п']],
    ];
    for (const [h, want] of cases) assert.deepEqual(headerWords(h), want, h);
  });
});

describe('PDF line wrapper', () => {
  // Every character 1 pt wide: widths are character counts.
  const wrap = (text: string, width: number, max = 99) => makeWrapper(() => 1).wrap(text, width, max);
  const cases: [text: string, width: number, lines: string[]][] = [
    ['aa bb cc', 5, ['aa bb', 'cc']],
    ['подтверждения/не подтверждения', 14, ['подтверждения/', 'не', 'подтверждения']],
    ['ab/cd', 5, ['ab/cd']],
    ['ab/cd ef', 6, ['ab/cd', 'ef']],
    ['xx ab/cd', 5, ['xx', 'ab/cd']],
    ['xx ab/cd', 6, ['xx ab/', 'cd']],
    // After a hyphen inside a word, not before or around a lone dash.
    ['APP-2026-00001', 10, ['APP-2026-', '00001']],
    ['a - b', 3, ['a -', 'b']],
    // A piece wider than the column is cut between letters and the cut marked with a hyphen.
    ['abcdefgh', 4, ['abc-', 'def-', 'gh']],
    ['abcd', 4, ['abcd']],
    ['a\n\nb', 4, ['a', '', 'b']],
  ];
  for (const [text, width, lines] of cases)
    it(`«${text.replace(/\n/g, '⏎')}» in ${width}`, () => assert.deepEqual(wrap(text, width), lines));

  it('cuts the last line with an ellipsis past maxLines', () => {
    assert.deepEqual(wrap('aa bb cc dd', 5, 1), ['aa b…']);
  });
});
