import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { PROBES } from '../probes/index.ts';

function errorsOf(text: string): string[] {
  try {
    parseConfig(text, PROBES, {});
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

const PEOPLE = `
oncall:
  people:
    - { id: aigerim, name: Айгерим, email: aigerim@operator.kz, slack: U012ABCDEF, phone: "+77011234567" }
    - { id: bolat, name: Болат, email: bolat@operator.kz }
`;

describe('oncall config', () => {
  it('a missing or empty section is valid: nobody is on call', () => {
    assert.deepEqual(parseConfig('{}', PROBES, {}).oncall, { people: [], schedules: [], escalation: { steps: [] } });
    assert.deepEqual(parseConfig('oncall: {}', PROBES, {}).oncall, { people: [], schedules: [], escalation: { steps: [] } });
  });

  it('parses times to Astana instants and applies defaults', () => {
    const cfg = parseConfig(
      `${PEOPLE}  schedules:
    - id: primary
      layers: [{ id: weekly, members: [aigerim, bolat], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
      overrides: [{ person: bolat, from: "2026-01-06T18:00:00+05:00", to: "2026-01-07T09:00:00+05:00" }]
      holidays: { person: bolat }
`,
      PROBES,
      {},
    );
    const s = cfg.oncall.schedules[0]!;
    assert.equal(s.layers[0]!.handoff.time, 9 * 3_600_000);
    assert.equal(s.layers[0]!.everyWeeks, 1);
    assert.equal(s.overrides[0]!.from, Date.parse('2026-01-06T13:00:00Z'));
    assert.deepEqual(s.holidays, { days: 'days-off', from: 0, person: 'bolat' });
    assert.ok(Object.isFrozen(s.layers[0]!.members));
  });

  // Each invalid section paired with the exact messages it must produce.
  const INVALID: [string, string, string[]][] = [
    [
      'unknown people, bad time, end before start',
      `  schedules:
    - id: primary
      layers: [{ id: weekly, members: [aigerim, zarina], handoff: { weekday: mon, time: "9:00" }, start: 2026-01-05, end: 2026-01-01 }]
`,
      [
        'oncall.schedules[0].layers[0].handoff.weekday: must be one of monday, tuesday, wednesday, thursday, friday, saturday, sunday',
        'oncall.schedules[0].layers[0].handoff.time: expected a time "HH:MM" (Astana time), e.g. "09:00"',
      ],
    ],
    [
      'cross-references',
      `  schedules:
    - id: primary
      layers: [{ id: weekly, members: [aigerim, zarina], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05, end: 2026-01-01 }]
      overrides: [{ person: bolat, from: "2026-01-07T09:00:00+05:00", to: "2026-01-06T09:00:00+05:00" }]
      holidays: { layer: nights }
    - id: primary
      layers: [{ id: weekly, members: [bolat], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
`,
      [
        'oncall.schedules[0].layers[0].members[1]: no person "zarina" in oncall.people',
        'oncall.schedules[0].layers[0].end: must be after start',
        'oncall.schedules[0].overrides[0].to: must be after from',
        'oncall.schedules[0].holidays.layer: no layer "nights" in this schedule',
        'oncall.schedules[0].holidays.layer: the holiday layer needs another layer for the other days',
        'oncall.schedules[1].id: duplicate schedule id "primary"',
      ],
    ],
    [
      'override without offset, holidays naming both',
      `  schedules:
    - id: primary
      layers: [{ id: weekly, members: [aigerim], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
      overrides: [{ person: bolat, from: "2026-01-07 09:00", to: "2026-01-08T09:00:00+05:00" }]
      holidays: { person: bolat, layer: weekly }
`,
      [
        'oncall.schedules[0].overrides[0].from: expected an ISO 8601 date-time with offset, e.g. "2026-03-09T09:00:00+05:00"',
        'oncall.schedules[0].holidays: name exactly one of person or layer',
      ],
    ],
  ];
  for (const [name, schedules, expected] of INVALID) {
    it(`refuses: ${name}`, () => assert.deepEqual(errorsOf(PEOPLE + schedules), expected));
  }

  it('refuses a person without e-mail, a bad Slack id and a duplicate id', () => {
    assert.deepEqual(
      errorsOf(`oncall:
  people:
    - { id: a, name: A, email: a@x.kz, slack: "@aigerim" }
    - { id: a, name: B }
`),
      ['oncall.people[0].slack: a Slack member id such as "U012ABCDEF"', 'oncall.people[1].email: not an e-mail address'],
    );
    assert.deepEqual(errorsOf(`oncall:\n  people:\n    - { id: a, name: A, email: a@x.kz }\n    - { id: a, name: B, email: b@x.kz }\n`), [
      'oncall.people[1].id: duplicate person id "a"',
    ]);
  });
});
