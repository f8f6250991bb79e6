/**
 * The status site says the same in Kazakh and Russian: the same label keys at every depth, a word in
 * one language wherever the other has one, and the glossary's Kazakh term (docs/kazakh-glossary.md)
 * wherever the Russian uses the regulation's term, like the templates' kk-ru-parity.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LABELS } from './render.ts';

type Tree = { [k: string]: string | Tree };

/** `path → text` for every leaf of a label tree. */
function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(`${prefix}${k}`, v);
    else for (const [p, text] of leaves(v, `${prefix}${k}.`)) out.set(p, text);
  }
  return out;
}

/** Russian term → the Kazakh term the same label must then carry (case-insensitive). */
const TERMS: readonly (readonly [RegExp, string])[] = [
  [/технический сбой/i, 'техникалық іркіліс'],
  [/технические и профилактические работы/i, 'техникалық және профилактикалық жұмыстар'],
  [/электронн\S* магазин/i, 'электрондық дүкен'],
  [/\bЭТП\b/, 'ЭСА'],
  [/тестов\S* сред/i, 'тестілік орта'],
  [/продуктивн\S* сред/i, 'өнеркәсіптік орта'],
  [/не отслеживается/i, 'бақыланбайды'],
  [/уведомлени/i, 'хабарлама'],
  [/времени? города Астаны/i, 'Астана қаласының уақыты'],
];

test('every status-site label exists in both languages, non-empty in one exactly where it is in the other', () => {
  const kk = leaves(LABELS.kk as Tree);
  const ru = leaves(LABELS.ru as Tree);
  assert.deepEqual([...kk.keys()].sort(), [...ru.keys()].sort());
  for (const [path, text] of ru) assert.equal(text.trim() === '', (kk.get(path) ?? '').trim() === '', path);
  assert.ok(ru.has('notMonitored') && ru.has('eshopDirection.from-eshop') && ru.has('envColumn.productive'));
});

test("a Russian label with a regulation term has the glossary's Kazakh term", () => {
  const kk = leaves(LABELS.kk as Tree);
  let checked = 0;
  for (const [path, text] of leaves(LABELS.ru as Tree)) {
    for (const [russian, kazakh] of TERMS) {
      if (!russian.test(text)) continue;
      checked++;
      assert.ok(
        (kk.get(path) ?? '').toLocaleLowerCase('kk').includes(kazakh.toLocaleLowerCase('kk')),
        `${path}: «${russian.source}» in ru, so «${kazakh}» in kk`,
      );
    }
  }
  assert.ok(checked >= 10, `only ${checked} terms checked`);
});
