import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDateTimeMs, formatAstana } from '../../core/time.ts';
import type { AppealChannel } from '../appeals/appeal-channel.ts';
import { appealClocksFor, channelClocksFor } from './appeal-clocks.ts';
import { clockState, clocksFor, inWarning, type ClockFacts } from './sla-clocks.ts';

const t = (s: string) => parseDateTimeMs(s);
const base: ClockFacts = {
  policy: 'portal-692',
  source: 'appeal',
  level: null,
  receivedAt: t('2026-03-26T12:50:00+05:00'),
  registeredAt: t('2026-03-26T12:55:00+05:00'),
  userDetectedAt: t('2026-03-26T11:00:00+05:00'),
};
const view = (f: ClockFacts) =>
  clocksFor(f).map(
    (c) => `${c.timer} ${c.dueAt === null ? 'untimed' : formatAstana(c.dueAt)}${c.metAt === null ? '' : ` met ${formatAstana(c.metAt)}`}`,
  );

describe('SLA clocks per policy, source and level', () => {
  it('a portal appeal before confirmation: report (late), register, id, analyse (lunch skipped)', () => {
    assert.deepEqual(view(base), [
      'SLA-P-REPORT 2026-03-26T12:00:00+05:00 met 2026-03-26T12:50:00+05:00',
      'SLA-P-REGISTER 2026-03-26T14:50:00+05:00 met 2026-03-26T12:55:00+05:00',
      'SLA-P-ID 2026-03-26T13:55:00+05:00',
      'SLA-P-ANALYSE 2026-03-26T16:20:00+05:00',
    ]);
  });
  it('a portal monitoring incident confirmed high adds the owner and homepage clocks; resolution the report', () => {
    const f: ClockFacts = {
      ...base,
      source: 'monitoring',
      level: 'high',
      confirmedAt: t('2026-03-26T13:10:00+05:00'),
      resolvedAt: t('2026-03-26T15:00:00+05:00'),
    };
    assert.deepEqual(view(f), [
      'SLA-P-ANALYSE 2026-03-26T16:20:00+05:00 met 2026-03-26T13:10:00+05:00',
      'SLA-P-HIGH-OWNER 2026-03-26T13:15:00+05:00',
      'SLA-P-HIGH-HOME 2026-03-26T13:40:00+05:00',
      'SLA-P-HIGH-REPORT 2026-03-27T18:30:00+05:00',
      'SLA-P-OWNER-MEDHIGH 2026-03-26T12:55:00+05:00',
    ]);
  });
  it('medium: homepage and notify within 60 minutes', () => {
    const f: ClockFacts = { ...base, source: 'monitoring', level: 'medium', confirmedAt: t('2026-03-26T13:10:00+05:00') };
    assert.deepEqual(view(f).slice(1, 3), ['SLA-P-MED-HOME 2026-03-26T14:10:00+05:00', 'SLA-P-MED-NOTIFY 2026-03-26T14:10:00+05:00']);
  });
  it('ETP appeals register within 15 working minutes; marking has no clocks', () => {
    assert.deepEqual(view({ ...base, policy: 'etp-em' })[0], 'SLA-E-ETP-REGISTER 2026-03-26T13:05:00+05:00 met 2026-03-26T12:55:00+05:00');
    assert.deepEqual(view({ ...base, policy: 'marking-672' }), []);
  });
});

// SLA-P-OWNER-MEDHIGH (001 §19 «При поступлении информации … в целях подтверждения»): from receipt, + 5 minutes of clock time.
const OWNER_TABLE: { name: string; facts: Partial<ClockFacts>; expected: string | null }[] = [
  {
    name: 'proposed high at receipt, before confirmation',
    facts: { source: 'monitoring', proposedLevel: 'high', receivedAt: t('2026-04-14T10:00:00+05:00') },
    expected: '2026-04-14T10:00:00+05:00 → 2026-04-14T10:05:00+05:00',
  },
  {
    name: 'proposed medium on an appeal',
    facts: { proposedLevel: 'medium', receivedAt: t('2026-04-14T13:10:00+05:00') },
    expected: '2026-04-14T13:10:00+05:00 → 2026-04-14T13:15:00+05:00',
  },
  {
    name: 'proposed low, confirmed high later: still from receipt, not from confirmation',
    facts: { proposedLevel: 'low', level: 'high', receivedAt: t('2026-04-14T10:00:00+05:00'), confirmedAt: t('2026-04-14T11:30:00+05:00') },
    expected: '2026-04-14T10:00:00+05:00 → 2026-04-14T10:05:00+05:00',
  },
  {
    name: 'proposed low, confirmed medium',
    facts: {
      proposedLevel: 'low',
      level: 'medium',
      receivedAt: t('2026-04-14T12:58:00+05:00'),
      confirmedAt: t('2026-04-14T14:40:00+05:00'),
    },
    expected: '2026-04-14T12:58:00+05:00 → 2026-04-14T13:03:00+05:00',
  },
  {
    name: 'proposed high on a Nauryz night: clock time, no working hours',
    facts: { source: 'monitoring', proposedLevel: 'high', receivedAt: t('2026-03-22T23:58:00+05:00') },
    expected: '2026-03-22T23:58:00+05:00 → 2026-03-23T00:03:00+05:00',
  },
  {
    name: 'received in lunch: lunch does not delay it',
    facts: { proposedLevel: 'medium', receivedAt: t('2026-04-14T13:30:00+05:00') },
    expected: '2026-04-14T13:30:00+05:00 → 2026-04-14T13:35:00+05:00',
  },
  { name: 'proposed low and not (yet) confirmed: no clock', facts: { proposedLevel: 'low' }, expected: null },
  {
    name: 'proposed low, confirmed low: no clock',
    facts: { proposedLevel: 'low', level: 'low', confirmedAt: t('2026-04-14T11:30:00+05:00') },
    expected: null,
  },
  { name: 'energy has no such clock', facts: { policy: 'energy-366', proposedLevel: 'high' }, expected: null },
];

describe('SLA-P-OWNER-MEDHIGH starts at receipt (001 §19)', () => {
  for (const c of OWNER_TABLE) {
    it(c.name, () => {
      const clock = clocksFor({ ...base, ...c.facts }).find((x) => x.timer === 'SLA-P-OWNER-MEDHIGH');
      assert.equal(clock ? `${formatAstana(clock.startedAt)} → ${formatAstana(clock.dueAt as number)}` : null, c.expected);
      if (clock) assert.equal(clock.metAt, null, 'met only by the message to the owner unit, never by the incident itself');
    });
  }
});

// SLA-P-LOW-FIXED (002 §15.3, new §13.3): untimed, from resolution of a low failure reported by users; done / not done.
const LOW_FIXED_TABLE: { name: string; facts: Partial<ClockFacts>; expected: string | null }[] = [
  {
    name: 'a low appeal resolved over midnight',
    facts: { level: 'low', confirmedAt: t('2026-04-14T23:10:00+05:00'), resolvedAt: t('2026-04-15T00:20:00+05:00') },
    expected: 'from 2026-04-15T00:20:00+05:00, untimed',
  },
  {
    name: 'a low appeal resolved on Nauryz',
    facts: { level: 'low', confirmedAt: t('2026-03-23T10:00:00+05:00'), resolvedAt: t('2026-03-23T13:30:00+05:00') },
    expected: 'from 2026-03-23T13:30:00+05:00, untimed',
  },
  {
    name: 'a low appeal resolved in lunch',
    facts: { level: 'low', confirmedAt: t('2026-04-14T12:00:00+05:00'), resolvedAt: t('2026-04-14T13:45:00+05:00') },
    expected: 'from 2026-04-14T13:45:00+05:00, untimed',
  },
  { name: 'low, confirmed but not resolved yet', facts: { level: 'low', confirmedAt: t('2026-04-14T12:00:00+05:00') }, expected: null },
  {
    name: 'medium: the resolution notice covers it, no such duty',
    facts: { level: 'medium', confirmedAt: t('2026-04-14T12:00:00+05:00'), resolvedAt: t('2026-04-14T15:00:00+05:00') },
    expected: null,
  },
  {
    name: 'monitoring without a reporting user',
    facts: { source: 'monitoring', level: 'low', confirmedAt: t('2026-04-14T12:00:00+05:00'), resolvedAt: t('2026-04-14T15:00:00+05:00') },
    expected: null,
  },
];

describe('SLA-P-LOW-FIXED: untimed, after the fix of a low failure (002 §15.3)', () => {
  for (const c of LOW_FIXED_TABLE) {
    it(c.name, () => {
      const clock = clocksFor({ ...base, ...c.facts }).find((x) => x.timer === 'SLA-P-LOW-FIXED');
      assert.equal(
        clock ? `from ${formatAstana(clock.startedAt)}, ${clock.dueAt === null ? 'untimed' : formatAstana(clock.dueAt)}` : null,
        c.expected,
      );
    });
  }
  it('is not done until the message goes, then done; never late, never warned', () => {
    const c = { dueAt: null, metAt: null };
    assert.equal(clockState(c, t('2027-01-01T00:00:00+05:00')), 'running');
    assert.equal(inWarning(c, t('2027-01-01T00:00:00+05:00')), false);
    assert.equal(clockState({ dueAt: null, metAt: t('2026-05-01T10:00:00+05:00') }, t('2027-01-01T00:00:00+05:00')), 'met');
  });
});

describe('clock state', () => {
  it('running, met, breached and the warning period', () => {
    const c = { dueAt: 1_000_000, metAt: null };
    assert.equal(clockState(c, 999_999), 'running');
    assert.equal(clockState(c, 1_000_001), 'breached');
    assert.equal(clockState({ ...c, metAt: 1_000_000 }, 5_000_000), 'met');
    assert.equal(clockState({ ...c, metAt: 1_000_001 }, 5_000_000), 'breached');
    assert.equal(inWarning(c, 1_000_000 - 600_000), true);
    assert.equal(inWarning(c, 1_000_000 - 600_001), false);
  });
  it('a clock never goes back from breached to running as time passes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (due, a, b) => {
        const [n1, n2] = a < b ? [a, b] : [b, a];
        if (clockState({ dueAt: due, metAt: null }, n1) === 'breached')
          assert.equal(clockState({ dueAt: due, metAt: null }, n2), 'breached');
      }),
    );
  });
  it('every clock is due no earlier than it starts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: t('2026-01-01T00:00:00+05:00'), max: t('2026-12-01T00:00:00+05:00') }),
        fc.constantFrom('low', 'medium', 'high' as const),
        (at, level) => {
          for (const c of clocksFor({
            ...base,
            level,
            receivedAt: at,
            registeredAt: at,
            userDetectedAt: at,
            confirmedAt: at,
            refutedAt: at,
            resolvedAt: at,
          }))
            assert.ok((c.dueAt ?? Infinity) >= c.startedAt, c.timer);
        },
      ),
    );
  });
});

describe("energy desk clocks by the appeal's intake channel (003 §19.2–19.4)", () => {
  const desk = (f: Omit<ClockFacts, 'source'>, appealId = '7') =>
    appealClocksFor(appealId, f)
      .filter((c) => c.timer.startsWith('SLA-N-DESK'))
      .map((c) => [c.timer, formatAstana(c.startedAt), c.dueAt === null ? null : formatAstana(c.dueAt)]);
  const energy = (at: string, channel?: AppealChannel): Omit<ClockFacts, 'source'> => ({
    policy: 'energy-366',
    level: null,
    receivedAt: t(at),
    registeredAt: t(at),
    userDetectedAt: t(at),
    channel,
  });
  const cases: [string, Omit<ClockFacts, 'source'>, (string | null)[][]][] = [
    [
      'e-mail Sat 2026-05-09 10:00 (digest example)',
      energy('2026-05-09T10:00:00+05:00', 'email'),
      [['SLA-N-DESK-MAIL@appeal-7', '2026-05-09T10:00:00+05:00', '2026-05-12T18:30:00+05:00']],
    ],
    [
      'e-mail Tue 2026-04-14 18:30 (at closing)',
      energy('2026-04-14T18:30:00+05:00', 'email'),
      [['SLA-N-DESK-MAIL@appeal-7', '2026-04-14T18:30:00+05:00', '2026-04-15T18:30:00+05:00']],
    ],
    [
      'voice Fri 2026-03-20 19:00, over Nauryz',
      energy('2026-03-20T19:00:00+05:00', 'voice'),
      [['SLA-N-DESK-VOICE@appeal-7', '2026-03-20T19:00:00+05:00', '2026-03-26T18:30:00+05:00']],
    ],
    ['web form', energy('2026-04-14T10:00:00+05:00', 'web'), []],
    ['phone', energy('2026-04-14T10:00:00+05:00', 'phone'), []],
    ["no channel (an incident's own facts)", energy('2026-04-14T10:00:00+05:00'), []],
    ['e-mail to portal-692', { ...energy('2026-04-14T10:00:00+05:00', 'email'), policy: 'portal-692' }, []],
  ];
  for (const [name, f, want] of cases) it(name, () => assert.deepEqual(desk(f), want));
  it("the incident's own clocks never hold a desk clock; channelClocksFor gives it alone", () => {
    const f = energy('2026-05-09T10:00:00+05:00', 'email');
    assert.deepEqual(
      clocksFor({ ...f, channel: undefined, source: 'appeal' }).map((c) => c.timer),
      ['SLA-N-REPORT'],
    );
    assert.deepEqual(
      channelClocksFor('7', f).map((c) => c.timer),
      ['SLA-N-DESK-MAIL@appeal-7'],
    );
  });
});
