import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAstana, parseDateTimeMs } from '../core/time.ts';
import { oncallSchema, type OncallConfig } from './config.ts';
import { UnknownScheduleError, onCallAt, personShifts, shiftsBetween } from './rota.ts';

const PEOPLE = ['aigerim', 'bolat', 'dana', 'hasan'].map((id) => ({ id, name: id.toUpperCase(), email: `${id}@operator.kz` }));
const WEEKLY = { id: 'weekly', members: ['aigerim', 'bolat', 'dana'], handoff: { weekday: 'monday', time: '09:00' }, start: '2026-01-05' };

function config(schedule: Record<string, unknown>): OncallConfig {
  return oncallSchema.parse({ people: PEOPLE, schedules: [{ id: 'primary', ...schedule }] });
}
const at = (s: string) => parseDateTimeMs(s);
/** Who, from which source, over which shift, in Astana time. */
function who(cfg: OncallConfig, when: string): string {
  const s = onCallAt(cfg, 'primary', at(when));
  if (!s) return 'nobody';
  const src =
    s.source.kind === 'layer'
      ? `layer ${s.source.layer}`
      : s.source.kind === 'override'
        ? `override ${s.source.index}`
        : `holiday ${s.source.date}${s.source.layer ? ` ${s.source.layer}` : ''}`;
  return `${s.person.id} (${src}) ${formatAstana(s.startMs)} → ${formatAstana(s.endMs)}`;
}

describe('on-call rota: weekly layer', () => {
  const cfg = config({ layers: [WEEKLY] });
  const table: [string, string][] = [
    ['2026-01-05T08:59:59+05:00', 'nobody'],
    ['2026-01-05T09:00:00+05:00', 'aigerim (layer weekly) 2026-01-05T09:00:00+05:00 → 2026-01-12T09:00:00+05:00'],
    // The hand-off is at the exact minute in Astana time, whatever zone the instant is written in.
    ['2026-01-12T08:59:59+05:00', 'aigerim (layer weekly) 2026-01-05T09:00:00+05:00 → 2026-01-12T09:00:00+05:00'],
    ['2026-01-12T03:59:59Z', 'aigerim (layer weekly) 2026-01-05T09:00:00+05:00 → 2026-01-12T09:00:00+05:00'],
    ['2026-01-12T04:00:00Z', 'bolat (layer weekly) 2026-01-12T09:00:00+05:00 → 2026-01-19T09:00:00+05:00'],
    ['2026-01-25T23:00:00+05:00', 'dana (layer weekly) 2026-01-19T09:00:00+05:00 → 2026-01-26T09:00:00+05:00'],
    ['2026-01-26T09:00:00+05:00', 'aigerim (layer weekly) 2026-01-26T09:00:00+05:00 → 2026-02-02T09:00:00+05:00'],
  ];
  for (const [when, expected] of table) it(`${when} → ${expected}`, () => assert.equal(who(cfg, when), expected));

  it('no summer time: every Monday of 2026 hands off at 04:00:00Z (09:00 Astana), including late March and October', () => {
    const shifts = shiftsBetween(cfg, 'primary', at('2026-01-05T09:00:00+05:00'), at('2026-12-28T09:00:00+05:00'));
    assert.equal(shifts.length, 51);
    for (const s of shifts) {
      assert.equal(new Date(s.startMs).toISOString().slice(10), 'T04:00:00.000Z');
      assert.equal(s.endMs - s.startMs, 7 * 86_400_000);
    }
  });

  it('across the zone change of 2024-03-01 (+06:00 → +05:00) the hand-off stays at 09:00 Astana', () => {
    const c = config({ layers: [{ ...WEEKLY, start: '2024-02-26' }] });
    assert.equal(who(c, '2024-02-27T12:00:00+06:00'), 'aigerim (layer weekly) 2024-02-26T09:00:00+06:00 → 2024-03-04T09:00:00+05:00');
    assert.equal(onCallAt(c, 'primary', at('2024-03-04T09:00:00+05:00'))?.person.id, 'bolat');
  });

  it('a start between hand-off days gives the first member a short first shift', () => {
    const c = config({ layers: [{ ...WEEKLY, start: '2026-01-01' }] });
    assert.equal(who(c, '2026-01-02T12:00:00+05:00'), 'aigerim (layer weekly) 2026-01-01T09:00:00+05:00 → 2026-01-05T09:00:00+05:00');
    assert.equal(who(c, '2026-01-05T09:00:00+05:00'), 'bolat (layer weekly) 2026-01-05T09:00:00+05:00 → 2026-01-12T09:00:00+05:00');
  });

  it('every two weeks, a Friday 18:30 hand-off', () => {
    const c = config({ layers: [{ ...WEEKLY, everyWeeks: 2, handoff: { weekday: 'friday', time: '18:30' }, start: '2026-01-09' }] });
    assert.equal(who(c, '2026-01-23T18:29:00+05:00'), 'aigerim (layer weekly) 2026-01-09T18:30:00+05:00 → 2026-01-23T18:30:00+05:00');
    assert.equal(who(c, '2026-01-23T18:30:00+05:00'), 'bolat (layer weekly) 2026-01-23T18:30:00+05:00 → 2026-02-06T18:30:00+05:00');
  });

  it('a later layer takes over from its start; a layer ends at its end date', () => {
    const c = config({
      layers: [
        { ...WEEKLY, end: '2026-03-02' },
        { id: 'new', members: ['hasan', 'dana'], handoff: { weekday: 'wednesday', time: '10:00' }, start: '2026-02-04' },
      ],
    });
    assert.equal(who(c, '2026-02-04T09:59:00+05:00'), 'bolat (layer weekly) 2026-02-02T09:00:00+05:00 → 2026-02-04T10:00:00+05:00');
    assert.equal(who(c, '2026-02-04T10:00:00+05:00'), 'hasan (layer new) 2026-02-04T10:00:00+05:00 → 2026-02-11T10:00:00+05:00');
    const solo = config({ layers: [{ ...WEEKLY, end: '2026-01-19' }] });
    assert.equal(who(solo, '2026-01-19T08:00:00+05:00'), 'bolat (layer weekly) 2026-01-12T09:00:00+05:00 → 2026-01-19T09:00:00+05:00');
    assert.equal(who(solo, '2026-01-19T09:00:00+05:00'), 'nobody');
  });

  it('an unknown schedule is an input error naming the field', () => {
    assert.throws(
      () => onCallAt(cfg, 'nope', 0),
      (e) => e instanceof UnknownScheduleError && e.field === 'schedule' && /no schedule "nope"; known: primary/.test(e.message),
    );
  });
});

describe('on-call rota: overrides', () => {
  const cfg = config({
    layers: [WEEKLY],
    overrides: [
      { person: 'dana', from: '2026-01-14T18:00:00+05:00', to: '2026-01-15T09:00:00+05:00', reason: 'bolat at the dentist' },
      { person: 'hasan', from: '2026-01-15T00:00:00+05:00', to: '2026-01-15T01:00:00+05:00' },
    ],
  });
  const table: [string, string][] = [
    ['2026-01-14T17:59:00+05:00', 'bolat (layer weekly) 2026-01-12T09:00:00+05:00 → 2026-01-14T18:00:00+05:00'],
    ['2026-01-14T18:00:00+05:00', 'dana (override 0) 2026-01-14T18:00:00+05:00 → 2026-01-15T00:00:00+05:00'],
    // The later override wins where two overlap.
    ['2026-01-15T00:30:00+05:00', 'hasan (override 1) 2026-01-15T00:00:00+05:00 → 2026-01-15T01:00:00+05:00'],
    ['2026-01-15T01:00:00+05:00', 'dana (override 0) 2026-01-15T01:00:00+05:00 → 2026-01-15T09:00:00+05:00'],
    ['2026-01-15T09:00:00+05:00', 'bolat (layer weekly) 2026-01-15T09:00:00+05:00 → 2026-01-19T09:00:00+05:00'],
  ];
  for (const [when, expected] of table) it(`${when} → ${expected}`, () => assert.equal(who(cfg, when), expected));

  it('the override carries its reason', () => {
    const s = onCallAt(cfg, 'primary', at('2026-01-14T19:00:00+05:00'));
    assert.deepEqual(s?.source, { kind: 'override', index: 0, reason: 'bolat at the dentist' });
  });

  it("a person's shifts over a range, whole", () => {
    const list = personShifts(cfg, 'dana', at('2026-01-14T00:00:00+05:00'), at('2026-01-27T00:00:00+05:00'));
    assert.deepEqual(
      list.map((s) => `${s.source.kind} ${formatAstana(s.startMs)} → ${formatAstana(s.endMs)}`),
      [
        'override 2026-01-14T18:00:00+05:00 → 2026-01-15T00:00:00+05:00',
        'override 2026-01-15T01:00:00+05:00 → 2026-01-15T09:00:00+05:00',
        'layer 2026-01-19T09:00:00+05:00 → 2026-01-26T09:00:00+05:00',
      ],
    );
  });
});

describe('on-call rota: holidays from the working calendar (docs/rules.md §2)', () => {
  it('days off on weekdays go to the holiday person, from the configured time to the same time next day', () => {
    const cfg = config({ layers: [WEEKLY], holidays: { person: 'hasan', from: '09:00' } });
    const table: [string, string][] = [
      // Mon 2026-03-09: the day off for Mar 8 (a Sunday); it is also a hand-off Monday.
      ['2026-03-09T08:59:00+05:00', 'dana (layer weekly) 2026-03-02T09:00:00+05:00 → 2026-03-09T09:00:00+05:00'],
      ['2026-03-09T09:00:00+05:00', 'hasan (holiday 2026-03-09) 2026-03-09T09:00:00+05:00 → 2026-03-10T09:00:00+05:00'],
      ['2026-03-10T09:00:00+05:00', 'aigerim (layer weekly) 2026-03-10T09:00:00+05:00 → 2026-03-16T09:00:00+05:00'],
      // Nauryz: Sat 21 and Sun 22 are weekend days (covered by the rota), Mon 23–Wed 25 days off: one shift.
      ['2026-03-21T12:00:00+05:00', 'bolat (layer weekly) 2026-03-16T09:00:00+05:00 → 2026-03-23T09:00:00+05:00'],
      ['2026-03-24T03:00:00+05:00', 'hasan (holiday 2026-03-23) 2026-03-23T09:00:00+05:00 → 2026-03-26T09:00:00+05:00'],
      ['2026-03-26T09:00:00+05:00', 'dana (layer weekly) 2026-03-26T09:00:00+05:00 → 2026-03-30T09:00:00+05:00'],
      // Mon 2026-08-31 is a working day (Constitution Day no longer a day off in 2026).
      ['2026-08-31T12:00:00+05:00', 'bolat (layer weekly) 2026-08-31T09:00:00+05:00 → 2026-09-07T09:00:00+05:00'],
    ];
    for (const [when, expected] of table) assert.equal(who(cfg, when), expected, when);
    const s = onCallAt(cfg, 'primary', at('2026-03-24T03:00:00+05:00'));
    assert.equal(s?.source.kind === 'holiday' && s.source.reason, 'public holiday: Nauryz meiramy');
  });

  it('non-working: weekends too; the default day starts at 00:00', () => {
    const cfg = config({ layers: [WEEKLY], holidays: { person: 'hasan', days: 'non-working' } });
    assert.equal(who(cfg, '2026-03-21T12:00:00+05:00'), 'hasan (holiday 2026-03-21) 2026-03-21T00:00:00+05:00 → 2026-03-26T00:00:00+05:00');
    assert.equal(who(cfg, '2026-03-20T23:59:00+05:00'), 'bolat (layer weekly) 2026-03-16T09:00:00+05:00 → 2026-03-21T00:00:00+05:00');
  });

  it('a holiday layer rotates its own members on those days only', () => {
    const cfg = config({
      layers: [
        WEEKLY,
        { id: 'holiday', members: ['hasan', 'aigerim'], handoff: { weekday: 'monday', time: '09:00' }, start: '2026-01-05' },
      ],
      holidays: { layer: 'holiday', from: '09:00' },
    });
    // 2026-03-09 is 9 weeks after 2026-01-05: the holiday layer's member 9 % 2 = 1.
    assert.equal(
      who(cfg, '2026-03-09T10:00:00+05:00'),
      'aigerim (holiday 2026-03-09 holiday) 2026-03-09T09:00:00+05:00 → 2026-03-10T09:00:00+05:00',
    );
    // On other days the holiday layer is not used even though it is later in the list.
    assert.equal(onCallAt(cfg, 'primary', at('2026-03-11T10:00:00+05:00'))?.person.id, 'aigerim');
    assert.equal(onCallAt(cfg, 'primary', at('2026-03-18T10:00:00+05:00'))?.person.id, 'bolat');
  });

  it('an override beats the holiday rule', () => {
    const cfg = config({
      layers: [WEEKLY],
      holidays: { person: 'hasan', from: '09:00' },
      overrides: [{ person: 'dana', from: '2026-03-24T09:00:00+05:00', to: '2026-03-25T09:00:00+05:00' }],
    });
    assert.equal(who(cfg, '2026-03-24T10:00:00+05:00'), 'dana (override 0) 2026-03-24T09:00:00+05:00 → 2026-03-25T09:00:00+05:00');
    assert.equal(who(cfg, '2026-03-23T10:00:00+05:00'), 'hasan (holiday 2026-03-23) 2026-03-23T09:00:00+05:00 → 2026-03-24T09:00:00+05:00');
    assert.equal(who(cfg, '2026-03-25T10:00:00+05:00'), 'hasan (holiday 2026-03-25) 2026-03-25T09:00:00+05:00 → 2026-03-26T09:00:00+05:00');
  });
});
