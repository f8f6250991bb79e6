import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDateTimeMs } from '../../core/time.ts';
import { proposeLevel, type LevelEvidence } from './propose-level.ts';

const workHours = parseDateTimeMs('2026-03-26T10:00:00+05:00');
const night = parseDateTimeMs('2026-03-26T22:00:00+05:00');
const e = (o: Partial<LevelEvidence>): LevelEvidence => ({
  moduleChecks: 2,
  failingChecks: 2,
  regions: 1,
  failingRegions: 1,
  systemModules: 4,
  failingModules: 1,
  errorKinds: { 'http-status': 3 },
  startedAt: workHours,
  ...o,
});

describe('level proposal', () => {
  const table: [string, Parameters<typeof proposeLevel>[0], Partial<LevelEvidence>, string, string | null][] = [
    ['portal: module down everywhere', 'portal-692', {}, 'high', 'CL-P-HIGH'],
    ['portal: one of two checks', 'portal-692', { failingChecks: 1 }, 'medium', 'CL-P-MED'],
    ['portal: some regions', 'portal-692', { regions: 2, failingRegions: 1 }, 'medium', 'CL-P-MED'],
    ['portal: only timeouts on some checks', 'portal-692', { failingChecks: 1, errorKinds: { timeout: 4 } }, 'low', 'CL-P-LOW'],
    ['portal: appeal only', 'portal-692', { appealOnly: true, failingChecks: 0 }, 'low', 'CL-P-LOW'],
    ['portal: at night still high (no working-hours rule)', 'portal-692', { startedAt: night }, 'high', 'CL-P-HIGH'],
    ['energy: at night always low', 'energy-366', { startedAt: night, failingModules: 4 }, 'low', 'CL-E-LOW'],
    ['energy: whole platform down in working hours', 'energy-366', { failingModules: 4 }, 'high', 'CL-E-HIGH'],
    ['energy: one section down', 'energy-366', {}, 'medium', 'CL-E-MED'],
    ['energy: partly failing section', 'energy-366', { failingChecks: 1 }, 'low', 'CL-E-LOW'],
    ['etp: no rule ids', 'etp-em', {}, 'high', null],
  ];
  for (const [name, policy, ev, level, rule] of table) {
    it(name, () => {
      const p = proposeLevel(policy, e(ev));
      assert.deepEqual([p.level, p.rule], [level, rule]);
      assert.ok(p.reasons.length > 0);
    });
  }
  it('energy outside working hours is never above low; more failing never lowers the portal level', () => {
    const order = { low: 0, medium: 1, high: 2 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), (n, k, r) => {
        const less = e({ moduleChecks: n + k, failingChecks: n, regions: r, failingRegions: r });
        const more = e({ moduleChecks: n + k, failingChecks: n + k, regions: r, failingRegions: r });
        assert.ok(order[proposeLevel('portal-692', more).level] >= order[proposeLevel('portal-692', less).level]);
        assert.equal(proposeLevel('energy-366', { ...more, startedAt: night }).level, 'low');
      }),
    );
  });
});

describe('energy-366: the proposal follows the failure through time (§23.1, §23.3)', () => {
  const at = (t: string) => parseDateTimeMs(`${t}:00+05:00`);
  const down = (startedAt: number, when: number) => proposeLevel('energy-366', e({ startedAt, at: when, failingModules: 4 }));
  const fmt = (p: ReturnType<typeof proposeLevel>) => [
    p.level,
    p.since === undefined ? null : new Date(p.since).toISOString(),
    p.reviewAt === undefined ? null : new Date(p.reviewAt).toISOString(),
  ];
  const iso = (t: string) => new Date(at(t)).toISOString();
  it('digest example: whole platform down from Tue 2026-04-14 08:55 → low at 08:55, review at 09:00', () =>
    assert.deepEqual(fmt(down(at('2026-04-14T08:55'), at('2026-04-14T08:55'))), ['low', iso('2026-04-14T08:55'), iso('2026-04-14T09:00')]));
  it('… still down at 09:00 → high from 09:00', () => {
    const p = down(at('2026-04-14T08:55'), at('2026-04-14T09:00'));
    assert.deepEqual(fmt(p), ['high', iso('2026-04-14T09:00'), null]);
    assert.equal(p.rule, 'CL-E-HIGH');
    assert.ok(
      p.reasons.some((r) => r.includes('2026-04-14T09:00:00+05:00')),
      p.reasons.join('; '),
    );
  });
  it('a failure over midnight, fixed before the opening, stays low', () =>
    assert.equal(down(at('2026-04-14T23:00'), at('2026-04-15T08:59')).level, 'low'));
  it('a failure started on Friday evening before Nauryz is reviewed at the next opening, Thu 2026-03-26 09:00', () =>
    assert.deepEqual(fmt(down(at('2026-03-20T19:00'), at('2026-03-24T12:00'))), ['low', iso('2026-03-20T19:00'), iso('2026-03-26T09:00')]));
  it('… and is high from that opening', () =>
    assert.deepEqual(fmt(down(at('2026-03-20T19:00'), at('2026-03-26T09:30'))), ['high', iso('2026-03-26T09:00'), null]));
  it('a failure during lunch is in working hours (the energy desk has no lunch)', () =>
    assert.equal(down(at('2026-04-14T13:30'), at('2026-04-14T13:30')).level, 'high'));
  it('a section down from 18:00 lasting past closing is medium (it began in working hours)', () =>
    assert.deepEqual(fmt(proposeLevel('energy-366', e({ startedAt: at('2026-04-14T18:00'), at: at('2026-04-14T20:00') }))), [
      'medium',
      iso('2026-04-14T18:00'),
      null,
    ]));
  it('the portal has no working-hours rule: no since, no review', () =>
    assert.deepEqual(fmt(proposeLevel('portal-692', e({ startedAt: at('2026-04-14T08:55'), at: at('2026-04-14T09:00') }))), [
      'high',
      null,
      null,
    ]));
  it('the energy level never falls as the same failure goes on', () => {
    const order = { low: 0, medium: 1, high: 2 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * 24 * 30 }),
        fc.integer({ min: 0, max: 60 * 24 * 5 }),
        fc.integer({ min: 0, max: 60 * 24 * 5 }),
        (s, a, b) => {
          const start = at('2026-03-01T00:00') + s * 60_000;
          const p1 = down(start, start + a * 60_000);
          const p2 = down(start, start + (a + b) * 60_000);
          assert.ok(order[p2.level] >= order[p1.level]);
        },
      ),
    );
  });
});
