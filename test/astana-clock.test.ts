import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDateTimeMs } from '../core/time.ts';
import { msUntilInsideAstanaDay } from './astana-clock.test-support.ts';

const margins = { afterMs: 3 * 60_000, beforeMs: 2 * 60_000 };

describe('msUntilInsideAstanaDay', () => {
  for (const [at, waitMs, why] of [
    ['2026-11-29T12:00:00+05:00', 0, 'midday: no wait'],
    ['2026-11-29T00:03:00+05:00', 0, 'exactly afterMs into the day'],
    ['2026-11-29T23:58:00+05:00', 0, 'exactly beforeMs left'],
    ['2026-11-29T00:00:30+05:00', 150_000, 'just after midnight: until 00:03'],
    ['2026-11-29T23:58:01+05:00', 119_000 + 180_000, 'too close to midnight: through it, to 00:03 of the next day'],
    ['2026-12-31T23:59:59+05:00', 1000 + 180_000, 'the last second of the year (18:59:59 UTC)'],
  ] as const) {
    it(`${at} → ${waitMs} ms (${why})`, () => assert.equal(msUntilInsideAstanaDay(parseDateTimeMs(at), margins), waitMs));
  }

  it('after the wait the clock is inside the margins, at any moment of a day', () => {
    const day0 = parseDateTimeMs('2026-12-31T00:00:00+05:00');
    for (let t = day0 - 3_600_000; t < day0 + 2 * 86_400_000; t += 7_919) {
      const after = t + msUntilInsideAstanaDay(t, margins);
      assert.equal(msUntilInsideAstanaDay(after, margins), 0, new Date(t).toISOString());
    }
  });
});
