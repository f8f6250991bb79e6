import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDateTimeMs } from '../../core/time.ts';
import { proposeLevel, type LevelEvidence } from './propose-level.ts';

const workHours = parseDateTimeMs('2026-03-26T10:00:00+05:00');
const night = parseDateTimeMs('2026-03-26T22:00:00+05:00');
const e = (o: Partial<LevelEvidence>): LevelEvidence => ({ moduleChecks: 2, failingChecks: 2, regions: 1, failingRegions: 1, systemModules: 4, failingModules: 1, errorKinds: { 'http-status': 3 }, startedAt: workHours, ...o });

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
