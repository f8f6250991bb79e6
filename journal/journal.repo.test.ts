/** The pure parts of reading the journal from the store: a stored incident as a journal row, downtime by hand, stored extensions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downtimeFigures, extensionRecords, journalEntryOf, unionMs, type StoredIncident } from './journal.repo.ts';

const MIN = 60_000;
const T = Date.parse('2026-03-10T10:00:00+05:00');
const d = (minutes: number) => new Date(T + minutes * MIN);

function incident(over: Partial<StoredIncident>): StoredIncident {
  return {
    id: 'INC-2026-000001',
    source: 'monitoring',
    system: 'portal',
    module: 'search',
    state: 'registered',
    title: 't',
    received_at: d(0),
    started_at: d(0),
    confirmed_at: null,
    refuted_at: null,
    resolved_at: null,
    actual_fix_at: null,
    level: null,
    kind: null,
    cause: null,
    probable_cause: 'timeout',
    measures: null,
    recommendations: null,
    decision: null,
    refute_evidence: null,
    level_reason: null,
    extensions: null,
    linked_to: null,
    accepted_by: null,
    a_organisation: null,
    a_bin_iin: null,
    a_email: null,
    a_phone: null,
    a_description: null,
    ...over,
  };
}

describe('journalEntryOf', () => {
  it('a monitoring incident: the operator as organisation, kuzet as contact, the description in the chosen language', () => {
    const ru = journalEntryOf(incident({}), 'ru');
    assert.deepEqual(
      [ru.source, ru.organisation, ru.binIin, ru.contacts, ru.acceptedBy, ru.confirmed, ru.level],
      ['monitoring', 'АО «Центр электронных финансов»', null, 'kuzet', 'kuzet', null, null],
    );
    assert.equal(ru.description, 'Обнаружено мониторингом kuzet: сбой модуля «search» системы «portal»; вероятная причина: timeout');
    assert.equal(
      journalEntryOf(incident({}), 'kk').description,
      'kuzet мониторингімен анықталды: «portal» жүйесінің «search» модулінің іркілісі; ықтимал себебі: timeout',
    );
  });

  const appeal = {
    source: 'appeal',
    a_organisation: 'ТОО «Қазақ»',
    a_bin_iin: '990340000004',
    a_email: 'a@b.kz',
    a_phone: '+7 701',
    a_description: 'не работает',
    accepted_by: 'Серікова Ә. Н.',
  };
  const cases: [
    string,
    Partial<StoredIncident>,
    { confirmed: boolean | null; level: string | null; confirmedAt: Date | null; resolvedAt: Date | null; decision: string },
  ][] = [
    ['open appeal', {}, { confirmed: null, level: null, confirmedAt: null, resolvedAt: null, decision: '' }],
    [
      'confirmed, the level decided',
      { confirmed_at: d(10), level: 'high', kind: 'computer-attack', level_reason: 'DDoS' },
      { confirmed: true, level: 'high', confirmedAt: d(10), resolvedAt: null, decision: 'DDoS' },
    ],
    [
      'resolved: column 12 is the actual fix time',
      { confirmed_at: d(10), level: 'low', resolved_at: d(90), actual_fix_at: d(60), decision: 'Подтвердить' },
      { confirmed: true, level: 'low', confirmedAt: d(10), resolvedAt: d(60), decision: 'Подтвердить' },
    ],
    [
      'refuted: the evidence is the decision, no level, no fix',
      { refuted_at: d(15), refute_evidence: 'ключ ЭЦП', level: 'low' },
      { confirmed: false, level: null, confirmedAt: d(15), resolvedAt: null, decision: 'ключ ЭЦП' },
    ],
  ];
  for (const [name, over, want] of cases) {
    it(`an appeal, ${name}`, () => {
      const e = journalEntryOf(incident({ ...appeal, ...over }), 'ru');
      assert.deepEqual(
        [e.source, e.organisation, e.binIin, e.contacts, e.description, e.acceptedBy],
        ['user', 'ТОО «Қазақ»', '990340000004', 'a@b.kz, +7 701', 'не работает', 'Серікова Ә. Н.'],
      );
      assert.deepEqual(
        { confirmed: e.confirmed, level: e.level, confirmedAt: e.confirmedAt, resolvedAt: e.resolvedAt, decision: e.decision },
        want,
      );
    });
  }

  it('a linked appeal takes the linked incident’s decision, naming it', () => {
    const target = incident({
      id: 'INC-2026-000007',
      confirmed_at: d(5),
      level: 'medium',
      kind: 'third-party-conditions',
      actual_fix_at: d(40),
      cause: 'узел',
      measures: 'перезапуск',
      decision: 'Подтвердить',
    });
    const e = journalEntryOf(incident({ ...appeal, id: 'INC-2026-000008', linked_to: target.id }), 'kk', { linked: target });
    assert.deepEqual(
      [e.number, e.confirmed, e.level, e.kind, e.causes, e.measures, e.resolvedAt, e.decision],
      [
        'INC-2026-000008',
        true,
        'medium',
        'third-party-conditions',
        'узел',
        'перезапуск',
        d(40),
        'Өтініш INC-2026-000007 инцидентімен байланыстырылды. Подтвердить',
      ],
    );
  });
});

describe('the cause and measures in the journal’s language (issue #21 item 6)', () => {
  const fixed = { confirmed_at: d(5), level: 'medium', kind: 'third-party-conditions', actual_fix_at: d(40) } as const;
  it('each language gets its own text', () => {
    const i = incident({
      ...fixed,
      cause: 'отказ узла',
      cause_kk: 'түйіннің істен шығуы',
      measures: 'перезапуск',
      measures_kk: 'қайта іске қосу',
    });
    const kk = journalEntryOf(i, 'kk');
    const ru = journalEntryOf(i, 'ru');
    assert.deepEqual(
      [kk.causes, kk.measures, ru.causes, ru.measures],
      ['түйіннің істен шығуы', 'қайта іске қосу', 'отказ узла', 'перезапуск'],
    );
  });
  it('a row from before migration 105 (one text, no Kazakh) reads the same in both languages', () => {
    const i = incident({ ...fixed, cause: 'disk full', measures: 'disk cleaned' });
    for (const lang of ['kk', 'ru'] as const) {
      const e = journalEntryOf(i, lang);
      assert.deepEqual([e.causes, e.measures], ['disk full', 'disk cleaned'], lang);
    }
  });
});

describe('downtime', () => {
  it('unionMs counts overlaps once', () => {
    const i = (a: number, b: number) => ({ start: a * MIN, end: b * MIN });
    assert.equal(unionMs([]), 0);
    assert.equal(unionMs([i(0, 10), i(5, 20), i(30, 40), i(40, 41), i(50, 50)]), 31 * MIN);
  });

  it('confirmed incidents from start to fix, overlaps once, maintenance cut out and counted apart, refuted ones left out, open ones to now', () => {
    const from = Date.parse('2026-01-01T00:00:00+05:00');
    const to = Date.parse('2027-01-01T00:00:00+05:00');
    const rows = [
      incident({ id: 'a', confirmed_at: d(5), started_at: d(0), actual_fix_at: d(60) }),
      incident({ id: 'b', source: 'appeal', confirmed_at: d(6), started_at: d(30), actual_fix_at: d(90) }),
      incident({ id: 'c', confirmed_at: d(5), refuted_at: d(7), started_at: d(0), actual_fix_at: d(600) }),
      incident({ id: 'd', module: 'lots', confirmed_at: d(5), started_at: d(0) }),
    ];
    const maintenance = [
      { system: 'portal', modules: ['search'], start: T + 80 * MIN, end: T + 120 * MIN },
      { system: 'etp-1', start: T, end: T + 30 * MIN },
    ];
    assert.deepEqual(downtimeFigures(rows, maintenance, from, to, T + 100 * MIN), [
      { system: 'etp-1', module: null, downtimeMinutes: 0, maintenanceMinutes: 30 },
      { system: 'portal', module: 'lots', downtimeMinutes: 100, maintenanceMinutes: 0 },
      { system: 'portal', module: 'search', downtimeMinutes: 80, maintenanceMinutes: 40 },
    ]);
  });
});

describe('extensionRecords', () => {
  it('the resolution’s extensions when there are, else the confirmation’s; a deadline that did not exist stays null', () => {
    const ext = {
      confirmed: {
        extensions: [
          {
            subject: 'p1',
            announcement: 'A-1',
            lot: '2',
            deadline: 'acceptanceEnd',
            original: '2026-03-10T18:00:00+05:00',
            extended: '2026-03-11T18:00:00+05:00',
            rule: 'EX-ACCEPT',
          },
        ],
      },
      resolved: {
        extensions: [
          {
            subject: 'p1',
            announcement: 'A-1',
            lot: '2',
            deadline: 'acceptanceStart',
            original: null,
            extended: '2026-03-12T10:00:00+05:00',
            rule: 'EX-PROTOCOL',
          },
        ],
      },
    };
    assert.deepEqual(extensionRecords(ext), [
      {
        subject: 'A-1/2',
        deadline: 'acceptanceStart',
        original: null,
        extended: new Date('2026-03-12T10:00:00+05:00'),
        rule: 'EX-PROTOCOL',
      },
    ]);
    assert.equal(extensionRecords({ confirmed: ext.confirmed })[0]!.original!.toISOString(), '2026-03-10T13:00:00.000Z');
    assert.deepEqual(extensionRecords(null), []);
  });
});
