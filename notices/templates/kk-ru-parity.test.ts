/**
 * Every Kazakh notice template says what its Russian sibling says: the same placeholders and helpers,
 * the same rule ids and numbers, and the regulation's Kazakh term wherever the Russian uses the
 * regulation's term (docs/kazakh-glossary.md, taken from 002 beside 001).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Handlebars from 'handlebars';
import { DEFAULT_TEMPLATE_DIR } from '../templates.ts';

type Node = { type: string; [k: string]: unknown };

/** Every mustache and block of a template as `helper path…`, in order. */
function expressions(src: string): string[] {
  const out: string[] = [];
  const name = (n: unknown): string => {
    const p = n as { type?: string; original?: unknown; value?: unknown };
    return p.type === 'PathExpression' ? String(p.original) : String(p.value ?? p.original);
  };
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const node = n as Node;
    if (node.type === 'MustacheStatement' || node.type === 'BlockStatement') {
      const params = (node.params as unknown[]).map(name).join(' ');
      out.push(`${node.type === 'BlockStatement' ? '#' : ''}${name(node.path)}${params ? ` ${params}` : ''}`);
    }
    for (const key of ['body', 'program', 'inverse']) {
      const child = node[key];
      if (Array.isArray(child)) child.forEach(walk);
      else walk(child);
    }
  };
  walk(Handlebars.parse(src));
  return out;
}

/** The text outside the mustaches: what a translator writes. */
const prose = (src: string) => src.replace(/\{\{[^}]*\}\}/g, ' ');
const ruleIds = (src: string) => [...prose(src).matchAll(/\b(?:EX|SLA|CL|ETP)-[A-Z0-9-]+\b/g)].map((m) => m[0]).sort();
const numbers = (src: string) => [...prose(src).replace(/\b(?:EX|SLA|CL|ETP)-[A-Z0-9-]+\b/g, ' ').matchAll(/\d+/g)].map((m) => m[0]).sort();

/** Russian term of the regulation → the Kazakh term the sibling must then carry (case-insensitive). */
const TERMS: readonly (readonly [RegExp, string])[] = [
  [/технический сбой|технических сбоях/i, 'техникалық іркіліс'],
  [/уровень критичности/i, 'күрделілік деңгейі'],
  [/плановое время и дата устранения/i, 'жоюдың жоспарлы уақыты мен күні'],
  [/фактическая дата и время устранения/i, 'нақты жою күні мен уақыты'],
  [/номера объявлений и лотов/i, 'хабарландырулар мен лоттардың нөмірлері'],
  [/срок продления закупок/i, 'сатып алуды ұзарту мерзімі'],
  [/факт продления/i, 'сатып алуды ұзарту фактісі'],
  [/технические и профилактические работы/i, 'техникалық және профилактикалық жұмыстар'],
  [/внеплановые/i, 'жоспардан тыс'],
  [/по времени города Астаны/i, 'Астана қаласының уақыты бойынша'],
  [/журнале учета обращений пользователей/i, 'пайдаланушылардың өтініштерін есепке алу журналында'],
  [/ответственные лица/i, 'жауапты тұлғалар'],
  [/уведомлени/i, 'хабарлама'],
  [/рабочих дня|рабочий день/i, 'жұмыс күні'],
];

function pairs(): { dir: string; name: string; ru: string; kk: string }[] {
  const out: { dir: string; name: string; ru: string; kk: string }[] = [];
  for (const dir of readdirSync(DEFAULT_TEMPLATE_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    const files = readdirSync(join(DEFAULT_TEMPLATE_DIR, dir)).filter((f) => f.endsWith('.hbs'));
    const names = new Set(files.map((f) => f.replace(/\.(kk|ru)\.hbs$/, '')));
    for (const name of names) {
      const read = (lang: string) => {
        const f = `${name}.${lang}.hbs`;
        assert.ok(files.includes(f), `${dir}/${f} is missing beside its sibling`);
        return readFileSync(join(DEFAULT_TEMPLATE_DIR, dir, f), 'utf8');
      };
      out.push({ dir, name, ru: read('ru'), kk: read('kk') });
    }
  }
  return out;
}

describe('Kazakh templates match their Russian siblings', () => {
  const all = pairs();
  test('there are templates to compare', () => assert.ok(all.length >= 14, String(all.length)));
  for (const { dir, name, ru, kk } of all) {
    test(`${dir}/${name}`, () => {
      assert.deepEqual([...expressions(kk)].sort(), [...expressions(ru)].sort(), 'placeholders and helpers');
      assert.deepEqual(ruleIds(kk), ruleIds(ru), 'rule ids');
      assert.deepEqual(numbers(kk), numbers(ru), 'numbers (points, days, minutes)');
      for (const [russian, kazakh] of TERMS) {
        if (russian.test(prose(ru))) assert.ok(prose(kk).toLocaleLowerCase('kk').includes(kazakh.toLocaleLowerCase('kk')), `«${russian.source}» in ru, so «${kazakh}» in kk`);
      }
      // "бастап"/"дейін" need a case ending the placeholder cannot carry ("09:00-ден", "09:30-ға").
      assert.doesNotMatch(kk, /\}\}\s+(бастап|дейін|басталды)/, 'a case-governing word right after a placeholder');
    });
  }
});

test('the check catches a Kazakh template that drops a placeholder or a term', () => {
  const ru = 'Технический сбой: {{systemName}}\nПлановое время и дата устранения: {{plannedFixAt}} (EX-M-ACCEPT)';
  assert.notDeepEqual(expressions('Техникалық іркіліс\n{{plannedFixAt}}').sort(), expressions(ru).sort());
  assert.notDeepEqual(ruleIds('{{systemName}} (EX-M-AUCTION)'), ruleIds(ru));
  assert.ok(!prose('Іркіліс: {{systemName}}').toLocaleLowerCase('kk').includes('жоюдың жоспарлы уақыты мен күні'));
});
