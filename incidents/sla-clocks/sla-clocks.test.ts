import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDateTimeMs, formatAstana } from '../../core/time.ts';
import { clockState, clocksFor, inWarning, type ClockFacts } from './sla-clocks.ts';

const t = (s: string) => parseDateTimeMs(s);
const base: ClockFacts = { policy: 'portal-692', source: 'appeal', level: null, receivedAt: t('2026-03-26T12:50:00+05:00'), registeredAt: t('2026-03-26T12:55:00+05:00'), userDetectedAt: t('2026-03-26T11:00:00+05:00') };
const view = (f: ClockFacts) => clocksFor(f).map((c) => `${c.timer} ${formatAstana(c.dueAt)}${c.metAt === null ? '' : ` met ${formatAstana(c.metAt)}`}`);

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
    const f: ClockFacts = { ...base, source: 'monitoring', level: 'high', confirmedAt: t('2026-03-26T13:10:00+05:00'), resolvedAt: t('2026-03-26T15:00:00+05:00') };
    assert.deepEqual(view(f), [
      'SLA-P-ANALYSE 2026-03-26T16:20:00+05:00 met 2026-03-26T13:10:00+05:00',
      'SLA-P-HIGH-OWNER 2026-03-26T13:15:00+05:00',
      'SLA-P-HIGH-HOME 2026-03-26T13:40:00+05:00',
      'SLA-P-HIGH-REPORT 2026-03-27T18:30:00+05:00',
      'SLA-P-OWNER-MEDHIGH 2026-03-26T13:15:00+05:00',
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
        if (clockState({ dueAt: due, metAt: null }, n1) === 'breached') assert.equal(clockState({ dueAt: due, metAt: null }, n2), 'breached');
      }),
    );
  });
  it('every clock is due no earlier than it starts', () => {
    fc.assert(
      fc.property(fc.integer({ min: t('2026-01-01T00:00:00+05:00'), max: t('2026-12-01T00:00:00+05:00') }), fc.constantFrom('low', 'medium', 'high' as const), (at, level) => {
        for (const c of clocksFor({ ...base, level, receivedAt: at, registeredAt: at, userDetectedAt: at, confirmedAt: at, refutedAt: at, resolvedAt: at })) assert.ok(c.dueAt >= c.startedAt, c.timer);
      }),
    );
  });
});
