/** The incident's description in both languages: table-driven over the source, the cause and module or system. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { incidentDescription } from './incident-subject.ts';

type Row = Parameters<typeof incidentDescription>[0];
const row = (r: Partial<Row>): Row => ({ source: 'appeal', system: 'portal', module: 'search', probable_cause: null, cause: null, title: 't', ...r });

const CASES: { name: string; row: Row; ru: string; kk: string }[] = [
  {
    name: "the operator's cause, in a module",
    row: row({ cause: 'отказ базы данных' }),
    ru: 'Технический сбой «search»: отказ базы данных',
    kk: '«search» модуліндегі техникалық іркіліс: отказ базы данных',
  },
  {
    name: "the operator's cause, a system without a module",
    row: row({ module: null, cause: 'DDoS' }),
    ru: 'Технический сбой «portal»: DDoS',
    kk: '«portal» жүйесіндегі техникалық іркіліс: DDoS',
  },
  {
    name: 'monitoring, a known cause',
    row: row({ source: 'monitoring', probable_cause: 'timeout' }),
    ru: 'Нарушение работы модуля «search» по данным мониторинга: превышено время ожидания',
    kk: 'Мониторинг деректері бойынша «search» модулінің жұмысы бұзылды: күту уақыты асып кетті',
  },
  {
    name: 'monitoring, no cause, a system',
    row: row({ source: 'monitoring', module: null }),
    ru: 'Нарушение работы системы «portal» по данным мониторинга: недоступность',
    kk: 'Мониторинг деректері бойынша «portal» жүйесінің жұмысы бұзылды: қолжетімсіздік',
  },
  {
    name: "a user's appeal",
    row: row({}),
    ru: 'Технический сбой «search» по обращению пользователя',
    kk: 'Пайдаланушының өтініші бойынша «search» модуліндегі техникалық іркіліс',
  },
  {
    name: "a user's appeal, a system without a module",
    row: row({ module: '' }),
    ru: 'Технический сбой «portal» по обращению пользователя',
    kk: 'Пайдаланушының өтініші бойынша «portal» жүйесіндегі техникалық іркіліс',
  },
];

for (const c of CASES) {
  test(`incident description: ${c.name}`, () => assert.deepEqual(incidentDescription(c.row), { ru: c.ru, kk: c.kk }));
}
