/** The console's words: journal terms are the journal's own, and the Kazakh labels keep the glossary's words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLUMN_KEYS, HEADERS, KIND_WORDS, LEVEL_WORDS } from '../journal/index.ts';
import { FAILURE_KIND_IDS, LEVELS } from '../incidents/index.ts';
import { CONSOLE_LANGS, LABELS, TERMS, type Labels } from './i18n.ts';

describe('console words shared with the journal', () => {
  for (const lang of CONSOLE_LANGS) {
    it(`${lang}: every failure kind and level reads as in the journal`, () => {
      for (const kind of FAILURE_KIND_IDS) assert.equal(TERMS[lang][kind], KIND_WORDS[lang][kind], kind);
      for (const level of LEVELS) assert.equal(TERMS[lang][level], LEVEL_WORDS[lang][level], level);
    });

    it(`${lang}: fields that fill a journal column carry that column's header`, () => {
      const fields: [keyof Labels, (typeof COLUMN_KEYS)[number]][] = [
        ['level', 'level'],
        ['kind', 'kind'],
        ['decision', 'decision'],
        ['measures', 'measures'],
        ['cause', 'causes'],
        ['recommendations', 'recommendations'],
      ];
      for (const [label, col] of fields) assert.equal(LABELS[lang][label], HEADERS[lang][COLUMN_KEYS.indexOf(col)], label);
    });
  }
});

describe('Kazakh labels (docs/kazakh-glossary.md)', () => {
  const cases: [keyof Labels, string][] = [
    ['recommendations', 'Техникалық іркіліске бұдан әрі жол бермеу жөніндегі ұсынымдар'], // ұсыным = рекомендация
    ['cause', 'Техникалық іркілістің туындау себептері'],
    ['name', 'Т.А.Ж.'],
    ['extract', 'Үзінді көшірме'],
    ['windows', 'Жұмыстарды жүргізу кезеңдері'],
    ['before', 'Өзгеріске дейін'],
    ['after', 'Өзгерістен кейін'],
    ['latestNotifyAt', 'Хабарлаудың соңғы мерзімі'],
    ['thresholdReachedOn', 'Шекке жеткен күн'],
  ];
  for (const [label, words] of cases) it(label, () => assert.equal(LABELS.kk[label], words));

  it('no case-governing word follows a {placeholder} (its ending would depend on the number)', () => {
    for (const [label, text] of Object.entries(LABELS.kk)) {
      assert.doesNotMatch(text, /\}\s*(?:\S{1,3}\s+)?(?:кейін|дейін(?:гі)?|бастап|бері)(?!\p{L})/u, label);
    }
  });
});
