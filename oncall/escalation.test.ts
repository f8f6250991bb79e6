/** The escalation policy: its config (invalid ones paired with their exact messages), which steps are due when, and whom each calls. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig, type KuzetConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { PROBES } from '../probes/index.ts';
import { calledBy, dueSteps, lookBackMs, stepDueAt } from './escalation.ts';

const CHANNELS = `
notifications:
  channels:
    - { id: slack-oncall, type: slack, token: xoxb-t, channel: "#oncall" }
    - { id: email, type: email, smtpUrl: "smtp://127.0.0.1:25", from: kuzet@operator.kz }
`;
const ONCALL = `
oncall:
  people:
    - { id: aigerim, name: Айгерим, email: aigerim@operator.kz, slack: U012ABCDEF }
    - { id: bolat, name: Болат, email: bolat@operator.kz }
    - { id: dana, name: Дана, email: dana@operator.kz }
  schedules:
    - id: primary
      name: Дежурные
      layers: [{ id: weekly, members: [aigerim, bolat], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
`;
const parse = (escalation: string): KuzetConfig => parseConfig(`${CHANNELS}${ONCALL}  escalation:\n${escalation}`, PROBES, {});
function errorsOf(escalation: string): string[] {
  try {
    parse(escalation);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

const POLICY = `    steps:
      - { afterMinutes: 5, who: { schedule: primary }, channel: slack-oncall }
      - { afterMinutes: 15, who: { person: dana }, channel: email }
`;

describe('escalation policy config', () => {
  it('parses steps in order; none configured means nobody is re-notified', () => {
    const cfg = parse(POLICY);
    assert.deepEqual(cfg.oncall.escalation.steps, [
      { afterMinutes: 5, who: { schedule: 'primary' }, channel: 'slack-oncall' },
      { afterMinutes: 15, who: { person: 'dana' }, channel: 'email' },
    ]);
    assert.deepEqual(parseConfig(`${CHANNELS}${ONCALL}`, PROBES, {}).oncall.escalation, { steps: [] });
  });

  const INVALID: [string, string, string[]][] = [
    [
      'unknown person, schedule and channel',
      `    steps:
      - { afterMinutes: 5, who: { schedule: secondary }, channel: pager }
      - { afterMinutes: 10, who: { person: zarina }, channel: email }
`,
      [
        'oncall.escalation.steps[0].who.schedule: no schedule "secondary" in oncall.schedules',
        'oncall.escalation.steps[1].who.person: no person "zarina" in oncall.people',
        'oncall.escalation.steps[0].channel: no channel "pager" in notifications.channels (configured: slack-oncall, email)',
      ],
    ],
    [
      'steps out of order, zero minutes',
      `    steps:
      - { afterMinutes: 10, who: { person: dana }, channel: email }
      - { afterMinutes: 10, who: { person: bolat }, channel: email }
      - { afterMinutes: 0, who: { person: bolat }, channel: email }
`,
      [
        'oncall.escalation.steps[2].afterMinutes: must be more than 0',
        "oncall.escalation.steps[1].afterMinutes: must be after the previous step's 10",
        "oncall.escalation.steps[2].afterMinutes: must be after the previous step's 10",
      ],
    ],
    [
      'who names both or neither, an unknown key',
      `    steps:
      - { afterMinutes: 5, who: { person: dana, schedule: primary }, channel: email }
      - { afterMinutes: 6, who: {}, channel: email, repeat: true }
`,
      [
        'oncall.escalation.steps[0].who: expected { person: <id> } or { schedule: <id> }',
        'oncall.escalation.steps[1].who: expected { person: <id> } or { schedule: <id> }',
        'oncall.escalation.steps[1]: Unrecognized key: "repeat"',
      ],
    ],
  ];
  for (const [what, text, want] of INVALID) {
    it(`refuses ${what}, naming each field`, () => assert.deepEqual(errorsOf(text), want));
  }
});

describe('which steps are due', () => {
  const steps = parse(POLICY).oncall.escalation.steps;
  const t0 = Date.parse('2026-03-26T10:00:00+05:00');
  const cases: [string, number, number[], number[]][] = [
    ['at the alert', t0, [], []],
    ['4 min 59.999 s after', t0 + 5 * 60_000 - 1, [], []],
    ['at the 5th minute exactly', t0 + 5 * 60_000, [], [1]],
    ['step 1 sent, minute 14', t0 + 14 * 60_000, [1], []],
    ['step 1 sent, minute 15', t0 + 15 * 60_000, [1], [2]],
    ['kuzet was down: both due at once, in order', t0 + 20 * 60_000, [], [1, 2]],
    ['both sent', t0 + 60 * 60_000, [1, 2], []],
  ];
  for (const [what, now, sent, want] of cases) {
    it(`${what}: ${want.length ? `steps ${want.join(', ')}` : 'none'}`, () =>
      assert.deepEqual(
        dueSteps(steps, t0, now, sent).map((s) => s.number),
        want,
      ));
  }
  it('fractions of a minute, and the look-back of the last step plus an hour', () => {
    assert.equal(stepDueAt({ afterMinutes: 0.5 }, t0), t0 + 30_000);
    assert.equal(lookBackMs(steps), 75 * 60_000);
  });
});

describe('whom a step calls', () => {
  const cfg = parse(POLICY).oncall;
  const [bySchedule, byPerson] = cfg.escalation.steps as [never, never];
  it('a schedule: whoever is on call at the moment the step falls due (the rota hands over on Monday 09:00 Astana)', () => {
    const sunday = calledBy(cfg, bySchedule, Date.parse('2026-01-11T20:00:00+05:00'));
    assert.equal(sunday.person?.id, 'aigerim');
    assert.equal(sunday.label, 'Айгерим (Дежурные)');
    const monday = calledBy(cfg, bySchedule, Date.parse('2026-01-12T09:00:00+05:00'));
    assert.equal(monday.person?.id, 'bolat');
  });
  it('before the rota starts nobody is on call: the schedule is named, no person', () => {
    const before = calledBy(cfg, bySchedule, Date.parse('2026-01-01T12:00:00+05:00'));
    assert.equal(before.person, undefined);
    assert.equal(before.label, 'Дежурные');
  });
  it('a person: that person', () => {
    assert.deepEqual(calledBy(cfg, byPerson, 0), { person: cfg.people[2], label: 'Дана', schedule: null });
  });
});
