/** The incident's description in both languages: table-driven over the source, the cause and module or system, named as people know them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOCKS_MET_BY_PUBLISH, OWNER_UNIT_CLOCK, incidentDescription, ownerUnitEmails, type IncidentNames } from './incident-subject.ts';

type Row = Parameters<typeof incidentDescription>[0];
const row = (r: Partial<Row>): Row => ({ source: 'appeal', probable_cause: null, cause: null, ...r });
const SEARCH: IncidentNames = {
  systemName: 'Веб-портал государственных закупок',
  module: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' },
};
const SYSTEM: IncidentNames = { systemName: 'Веб-портал государственных закупок' };

const CASES: { name: string; row: Row; names: IncidentNames; ru: string; kk: string }[] = [
  {
    name: "the operator's cause, in a module",
    row: row({ cause: 'отказ базы данных' }),
    names: SEARCH,
    ru: 'Технический сбой «Поиск объявлений»: отказ базы данных',
    kk: '«Хабарландыруларды іздеу» модуліндегі техникалық іркіліс: отказ базы данных',
  },
  {
    name: "the operator's cause, a system without a module",
    row: row({ cause: 'DDoS' }),
    names: SYSTEM,
    ru: 'Технический сбой «Веб-портал государственных закупок»: DDoS',
    kk: '«Веб-портал государственных закупок» жүйесіндегі техникалық іркіліс: DDoS',
  },
  {
    name: 'monitoring, a known cause',
    row: row({ source: 'monitoring', probable_cause: 'timeout' }),
    names: SEARCH,
    ru: 'Нарушение работы модуля «Поиск объявлений» по данным мониторинга: превышено время ожидания',
    kk: 'Мониторинг деректері бойынша «Хабарландыруларды іздеу» модулінің жұмысы бұзылды: күту уақыты асып кетті',
  },
  {
    name: 'monitoring, no cause, a system',
    row: row({ source: 'monitoring' }),
    names: SYSTEM,
    ru: 'Нарушение работы системы «Веб-портал государственных закупок» по данным мониторинга: недоступность',
    kk: 'Мониторинг деректері бойынша «Веб-портал государственных закупок» жүйесінің жұмысы бұзылды: қолжетімсіздік',
  },
  {
    name: "a user's appeal",
    row: row({}),
    names: SEARCH,
    ru: 'Технический сбой «Поиск объявлений» по обращению пользователя',
    kk: 'Пайдаланушының өтініші бойынша «Хабарландыруларды іздеу» модуліндегі техникалық іркіліс',
  },
  {
    name: "a user's appeal, a module without configured names: the system is named, not the module id",
    row: row({}),
    names: SYSTEM,
    ru: 'Технический сбой «Веб-портал государственных закупок» по обращению пользователя',
    kk: 'Пайдаланушының өтініші бойынша «Веб-портал государственных закупок» жүйесіндегі техникалық іркіліс',
  },
];

for (const c of CASES) {
  test(`incident description: ${c.name}`, () => assert.deepEqual(incidentDescription(c.row, c.names), { ru: c.ru, kk: c.kk }));
}

test('SLA-P-OWNER-MEDHIGH is met only by the message to the owner IT and security unit, never by publishing the notice (001 §19)', () => {
  for (const level of ['medium', 'high'] as const) assert.ok(!CLOCKS_MET_BY_PUBLISH[level].includes(OWNER_UNIT_CLOCK), level);
  const owners = [
    { name: 'Минфин', email: 'owner@minfin.kz' },
    { name: 'ДИИБ', role: 'it-security', email: 'it@minfin.kz' },
    { name: 'ДИИБ тел.', role: 'it-security' },
  ];
  assert.deepEqual(ownerUnitEmails(owners), ['it@minfin.kz']);
  assert.deepEqual(ownerUnitEmails([{ name: 'Минфин', role: 'owner', email: 'owner@minfin.kz' }]), []);
});
