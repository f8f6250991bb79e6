import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { astanaEpochDay, formatAstana, parseDateTime } from '../../core/time.ts';
import { isWorkingEpochDay } from './calendar.ts';
import { AUDIENCES, LEAD_TIMES, latestNotifyAt, latestNotifyAtMs, type Audience } from './lead-time.ts';

const TABLE: [Audience, string, string, string][] = [
  ['etp-owners', '2026-03-28T02:00:00+05:00', '2026-03-25T23:59:59+05:00', 'Sat start: Fri 27, Thu 26 lie between'],
  ['etp-owners', '2026-03-27T00:00:00+05:00', '2026-03-19T23:59:59+05:00', 'Fri start: Thu 26 and Fri 20 (Nauryz between)'],
  ['etp-owners', '2026-04-15T23:59:59+05:00', '2026-04-12T23:59:59+05:00', 'Wed start: Tue 14, Mon 13; Sunday 12 is fine'],
  ['portal-users', '2026-03-28T02:00:00+05:00', '2026-03-25T23:59:59+05:00', '2 calendar days: 27, 26'],
  ['portal-users', '2026-03-28T00:00:00+05:00', '2026-03-25T23:59:59+05:00', 'first second of the start date'],
  ['portal-users', '2026-03-27T23:59:59+05:00', '2026-03-24T23:59:59+05:00', 'last second of the day before'],
  ['etp-auth-rotation', '2026-04-20T10:00:00+05:00', '2026-04-14T23:59:59+05:00', '3 working days: 17, 16, 15'],
  ['etp-requisites', '2026-04-20T10:00:00+05:00', '2026-04-04T23:59:59+05:00', '15 calendar days: Apr 5–19'],
  ['etp-requisites', '2026-04-19T19:30:00Z', '2026-04-04T23:59:59+05:00', 'Astana date of the start (Apr 20)'],
  ['etp-owners', '2024-03-05T00:00:00+05:00', '2024-02-29T23:59:59+05:00', 'the second, repeated 23:59:59 of the UTC+6 → UTC+5 change'],
];

describe('lead times', () => {
  for (const [audience, start, expected, why] of TABLE) {
    it(`${audience}, start ${start} → ${expected} (${why})`, () =>
      assert.equal(formatAstana(latestNotifyAt(audience, parseDateTime(start))), expected));
  }
  it('every audience has a rule with a source point', () => {
    assert.deepEqual([...LEAD_TIMES.keys()].sort(), [...AUDIENCES].sort());
  });
  it('property: exactly N counted days lie strictly between the latest notice date and the start date', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...AUDIENCES),
        fc.integer({ min: Date.UTC(2024, 2, 1), max: Date.UTC(2027, 11, 31) }),
        (audience, start) => {
          const rule = LEAD_TIMES.get(audience);
          assert.ok(rule);
          const latest = latestNotifyAtMs(audience, start);
          const counted = (from: number, to: number) => {
            let n = 0;
            for (let d = from + 1; d < to; d++) if (rule.unit === 'calendar' || isWorkingEpochDay(d)) n++;
            return n;
          };
          const notifyDay = astanaEpochDay(latest);
          const startDay = astanaEpochDay(start);
          assert.ok(counted(notifyDay, startDay) >= rule.days);
          // one second later is the next date, which leaves fewer than N days
          assert.ok(counted(astanaEpochDay(latest + 1000), startDay) < rule.days);
        },
      ),
      { numRuns: 300 },
    );
  });
});
