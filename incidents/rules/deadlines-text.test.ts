import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { POLICY_REGISTRY, rulesDeadlines } from './index.ts';
import { deadlinesTable, pointWords, renderDeadlinesText, ruleSourceOf } from './deadlines-text.ts';

const EXAMPLE = new URL('../../docs/examples/deadlines-medium.json', import.meta.url);
const README = new URL('../../README.md', import.meta.url);
const example = () => rulesDeadlines(JSON.parse(readFileSync(EXAMPLE, 'utf8')));

const RU = `Продление сроков закупок: правила portal-692, уровень критичности: средний, длительность 600 мин.
Время города Астаны (UTC+05:00).

Закупка       Срок                     Было                 Стало                Правило           Пункт
------------  -----------------------  -------------------  -------------------  ----------------  ----------------------------
ANN-1001      окончание приема заявок  2026-06-10 18:00:00  2026-06-11 18:00:00  EX-M-ACCEPT-OVER  001 §14.7
ANN-1002      окончание приема заявок  2026-06-12 18:00:00  2026-06-13 04:00:00  EX-M-ACCEPT       001 §14.3
ANN-1002      подписание договора      2026-06-10 15:00:00  2026-06-11 15:00:00  EX-M-CONTRACT     001 §14.5
ANN-1003      обжалование              2026-06-10 12:00:00  2026-06-11 12:00:00  EX-M-COMPLAINT    001 §14.6
ANN-1004      окончание приема заявок  2026-06-10 10:20:00  2026-06-10 10:30:00  EX-ANALYSIS       002 §10 (новая редакция: §9)
тариф TAR-77  срок действия тарифа     2026-06-10           2026-06-11           EX-TARIFF         001 §25 (новая редакция)
`;

describe('deadlines as a table (kuzet deadlines --format text)', () => {
  it('renders the worked example of docs/examples in Russian: procurement, deadline, was, becomes, rule, point', () =>
    assert.equal(renderDeadlinesText(example(), 'ru', POLICY_REGISTRY), RU));

  it('the README shows exactly that output for that input', () => {
    const readme = readFileSync(README, 'utf8');
    assert.ok(readme.includes('docs/examples/deadlines-medium.json'), 'README names the example input');
    assert.ok(readme.includes(`\`\`\`text\n${RU}\`\`\``), 'README carries the Russian table verbatim');
  });

  it('speaks Kazakh with --lang kk, same rows and points', () => {
    const kk = renderDeadlinesText(example(), 'kk', POLICY_REGISTRY);
    const lines = kk.split('\n');
    assert.equal(lines[0], 'Сатып алу мерзімдерін ұзарту: қағидалар portal-692, күрделілік деңгейі: орташа, ұзақтығы 600 мин.');
    assert.equal(lines[1], 'Астана қаласының уақыты бойынша (UTC+05:00).');
    assert.match(lines[3] ?? '', /^Сатып алу +Мерзім +Бұрынғы +Жаңа +Қағида +Тармақ$/);
    assert.match(kk, /ANN-1001 +өтінімдерді қабылдауды аяқтау +2026-06-10 18:00:00 +2026-06-11 18:00:00 +EX-M-ACCEPT-OVER +001 §14\.7\n/);
    assert.match(kk, /TAR-77 тарифі +тарифтің қолданылу мерзімі +2026-06-10 +2026-06-11 +EX-TARIFF +001 §25 \(жаңа редакция\)\n/);
    const words = kk.replace(/\b(?:EX|ANN|TAR|UTC)(?:-[A-Z\d]+)*\b|portal-692/g, '');
    assert.doesNotMatch(words, /[A-Za-z]/, 'no English words besides ids');
  });

  const auctionHigh = {
    policy: 'portal-692',
    incident: {
      level: 'high',
      startedAt: '2026-06-10T10:00:00+05:00',
      confirmedAt: '2026-06-10T10:30:00+05:00',
      resolvedAt: '2026-06-10T14:00:00+05:00',
    },
    procurements: [{ id: 'AUC-1', method: 'auction', deadlines: { auctionBidding: '2026-06-10T11:00:00+05:00' } }],
  };
  const cases: { name: string; input: unknown; lang: 'ru' | 'kk'; has: RegExp[]; hasNot?: RegExp[] }[] = [
    {
      name: 'a flagged extension adds the flags column, in words',
      input: auctionHigh,
      lang: 'ru',
      has: [
        /Закупка +Срок +Было +Стало +Правило +Пункт +Отметки/,
        /AUC-1 +аукцион +2026-06-10 11:00:00 +2026-06-11 11:00:00 +EX-H-AUCTION +001 §15\.7 +протокол аукциона и ценовые предложения аннулированы\n/,
        /уровень критичности: высокий/,
      ],
    },
    {
      name: 'nothing moved: says so, no empty table',
      input: {
        ...auctionHigh,
        procurements: [{ id: 'AUC-1', method: 'auction', deadlines: { auctionBidding: '2026-06-20T11:00:00+05:00' } }],
      },
      lang: 'kk',
      has: [/^Мерзімдер ұзартылмайды\.$/m],
      hasNot: [/Сатып алу +Мерзім/, /---/],
    },
    {
      name: 'maintenance is named as works, not as a level',
      input: {
        policy: 'portal-692',
        maintenance: { startsAt: '2026-04-18T22:00:00+05:00', endsAt: '2026-04-19T06:00:00+05:00' },
        procurements: [{ id: 'M-1', method: 'competition', deadlines: { acceptanceEnd: '2026-04-19T07:00:00+05:00' } }],
      },
      lang: 'ru',
      has: [
        /правила portal-692, технические и профилактические работы, длительность 480 мин\./,
        /M-1 .* 2026-04-19 15:00:00 +EX-MAINT +001 §18 \(новая редакция\)/,
      ],
      hasNot: [/уровень/],
    },
    {
      name: 'a refuted report',
      input: {
        policy: 'portal-692',
        incident: { startedAt: '2026-06-10T10:00:00+05:00', refutedAt: '2026-06-10T11:30:00+05:00' },
        procurements: [{ id: 'R-1', method: 'competition', deadlines: { acceptanceEnd: '2026-06-10T11:00:00+05:00' } }],
      },
      lang: 'kk',
      has: [/техникалық іркіліс расталмады/, /R-1 .* 2026-06-10 11:30:00 +EX-ANALYSIS/],
    },
    {
      name: 'energy-366: annulments and duties listed after the table with their points',
      input: {
        policy: 'energy-366',
        incident: {
          level: 'low',
          startedAt: '2026-07-03T11:00:00+05:00',
          confirmedAt: '2026-07-03T11:30:00+05:00',
          resolvedAt: '2026-07-03T13:00:00+05:00',
        },
        procurements: [
          {
            id: 'E-1',
            method: 'competition',
            protocolFormedAt: '2026-07-03T12:00:00+05:00',
            resultsAffected: true,
            deadlines: { acceptanceEnd: '2026-07-02T18:00:00+05:00' },
          },
        ],
      },
      lang: 'ru',
      has: [
        /^Сроки не продлеваются\.$/m,
        /^Аннулировано: E-1 — протокол, сформирован 2026-07-03 12:00:00 — EX-N-PROTOCOL \(003 §29\.4\)$/m,
        /^Обязанности: E-1 — уведомить пользователей и провести процедуры повторно — EX-N-RESULTS \(003 §29\.5–29\.6\)$/m,
      ],
    },
    {
      name: 'force majeure: the owner agrees the days',
      input: { ...auctionHigh, incident: { ...auctionHigh.incident, forceMajeure: true } },
      lang: 'kk',
      has: [/^Тежеусіз күш жағдайлары: .* 1 күнге ұзартады\. — EX-FORCE-MAJEURE \(001 §15\.10\)$/m],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const text = renderDeadlinesText(rulesDeadlines(c.input), c.lang, POLICY_REGISTRY);
      for (const re of c.has) assert.match(text, re);
      for (const re of c.hasNot ?? []) assert.doesNotMatch(text, re);
    });

  it('the console reads the same rows', () => {
    const t = deadlinesTable(example(), 'ru', POLICY_REGISTRY);
    assert.equal(t.rows.length, 6);
    assert.deepEqual(t.rows[0], {
      procurement: 'ANN-1001',
      deadline: 'окончание приема заявок',
      was: '2026-06-10 18:00:00',
      becomes: '2026-06-11 18:00:00',
      rule: 'EX-M-ACCEPT-OVER',
      point: '001 §14.7',
      flags: '',
    });
    assert.equal(t.hasFlags, false);
    assert.equal(t.columns.length, 6);
  });

  it('finds every rule point of the policies it cites, and translates the edition', () => {
    assert.equal(ruleSourceOf(POLICY_REGISTRY.find('portal-692'), 'EX-M-ACCEPT-OVER'), '001 §14.7');
    assert.equal(ruleSourceOf(POLICY_REGISTRY.find('portal-692'), 'EX-NOPE'), '');
    assert.equal(ruleSourceOf(POLICY_REGISTRY.find('etp-em'), 'EX-M-ACCEPT-OVER'), '');
    assert.equal(pointWords('002 §15.3 (survives as new §13.3)', 'kk'), '002 §15.3 (жаңа редакция: §13.3)');
  });
});
