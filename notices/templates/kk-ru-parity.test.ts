/**
 * Every Kazakh notice template says what its Russian sibling says: the same placeholders and helpers,
 * the same rule ids and numbers, and the regulation's Kazakh term wherever the Russian uses the
 * regulation's term (docs/kazakh-glossary.md, taken from 002 beside 001). Both template folders are
 * held to it: the notices' own and the ETP rules' (etp/templates).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Handlebars from 'handlebars';
import { ETP_TEMPLATES_DIR } from '../../etp/index.ts';
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
const numbers = (src: string) =>
  [
    ...prose(src)
      .replace(/\b(?:EX|SLA|CL|ETP)-[A-Z0-9-]+\b/g, ' ')
      .matchAll(/\d+/g),
  ]
    .map((m) => m[0])
    .sort();

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

/** The template folders held to their Russian siblings, with how many pairs each has at least. */
const ROOTS = [
  { label: 'notices', dir: DEFAULT_TEMPLATE_DIR, atLeast: 14 },
  { label: 'etp', dir: ETP_TEMPLATES_DIR, atLeast: 4 },
] as const;

function pairs(root: string): { dir: string; name: string; ru: string; kk: string }[] {
  const out: { dir: string; name: string; ru: string; kk: string }[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)) {
    const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.hbs'));
    const names = new Set(files.map((f) => f.replace(/\.(kk|ru)\.hbs$/, '')));
    for (const name of names) {
      const read = (lang: string) => {
        const f = `${name}.${lang}.hbs`;
        assert.ok(files.includes(f), `${dir}/${f} is missing beside its sibling`);
        return readFileSync(join(root, dir, f), 'utf8');
      };
      out.push({ dir, name, ru: read('ru'), kk: read('kk') });
    }
  }
  return out;
}

/**
 * Kazakh words that govern a case the placeholder before them cannot carry: "бастап"/"кейін"/"бері"
 * the ablative ("09:00-ден бастап"), "дейін"/"жетті" the dative ("09:30-ға дейін", "шекке жетті").
 */
const CASE_AFTER_PLACEHOLDER = /\}\}\s+(бастап|дейін|дейінгі|басталды|кейін|бері|жетті|жеткен)(?![\p{L}])/u;
/** A suffix glued to a placeholder ("{{streak}}-күні", "{{id}}-ге"): right for some values only. */
const SUFFIX_ON_PLACEHOLDER = /\}\}-\p{L}/u;

/** Every difference of a Kazakh template from its Russian sibling, as assertion failures. */
function assertParity(ru: string, kk: string): void {
  assert.deepEqual([...expressions(kk)].sort(), [...expressions(ru)].sort(), 'placeholders and helpers');
  assert.deepEqual(ruleIds(kk), ruleIds(ru), 'rule ids');
  assert.deepEqual(numbers(kk), numbers(ru), 'numbers (points, days, minutes)');
  for (const [russian, kazakh] of TERMS) {
    if (russian.test(prose(ru)))
      assert.ok(
        prose(kk).toLocaleLowerCase('kk').includes(kazakh.toLocaleLowerCase('kk')),
        `«${russian.source}» in ru, so «${kazakh}» in kk`,
      );
  }
  assert.doesNotMatch(kk, CASE_AFTER_PLACEHOLDER, 'a case-governing word right after a placeholder');
  assert.doesNotMatch(kk, SUFFIX_ON_PLACEHOLDER, 'a suffix glued to a placeholder');
}

for (const root of ROOTS) {
  describe(`Kazakh templates match their Russian siblings (${root.label})`, () => {
    const all = pairs(root.dir);
    test('there are templates to compare', () => assert.ok(all.length >= root.atLeast, String(all.length)));
    for (const { dir, name, ru, kk } of all) test(`${root.label}: ${dir}/${name}`, () => assertParity(ru, kk));
  });
}

test('the check catches a Kazakh template that drops a placeholder or a term', () => {
  const ru = 'Технический сбой: {{systemName}}\nПлановое время и дата устранения: {{plannedFixAt}} (EX-M-ACCEPT)';
  assert.notDeepEqual(expressions('Техникалық іркіліс\n{{plannedFixAt}}').sort(), expressions(ru).sort());
  assert.notDeepEqual(ruleIds('{{systemName}} (EX-M-AUCTION)'), ruleIds(ru));
  assert.ok(!prose('Іркіліс: {{systemName}}').toLocaleLowerCase('kk').includes('жоюдың жоспарлы уақыты мен күні'));
});

test('the check catches a case ending or suffix a placeholder cannot carry, and lets the reworded forms pass', () => {
  const ru = 'Отключение с {{at}}, порог достигнут {{day}}, {{streak}}-й день';
  for (const kk of [
    '{{at}} бастап, шекке жеткен күн: {{day}}, қатарынан {{streak}} күн',
    '{{at}} күні мен уақытынан бастап, шек {{day}} жетті, қатарынан {{streak}} күн',
    '{{at}} күні мен уақытынан бастап, шекке жеткен күн: {{day}}, {{streak}}-күні',
  ]) {
    assert.throws(() => assertParity(ru, kk), assert.AssertionError, kk);
  }
  assertParity(ru, '{{at}} күні мен уақытынан бастап, шекке жеткен күн: {{day}}, қатарынан {{streak}} күн');
});
