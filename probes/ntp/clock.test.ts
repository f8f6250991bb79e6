import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { clearMeasuredOffset, correctedNow, correctedNowMs, measuredOffset, setMeasuredOffset } from './clock.ts';

describe('corrected clock', () => {
  afterEach(clearMeasuredOffset);
  it('is the host clock until an offset is measured', () => {
    assert.equal(measuredOffset(), undefined);
    assert.equal(
      correctedNowMs(() => 1_000),
      1_000,
    );
    assert.ok(Math.abs(correctedNow().getTime() - Date.now()) < 50);
  });
  it('adds the measured offset (reference minus host)', () => {
    setMeasuredOffset(1500, new Date(10), 'ntp.nic.kz:123');
    assert.equal(
      correctedNowMs(() => 1_000),
      2_500,
    );
    assert.ok(Math.abs(correctedNow().getTime() - Date.now() - 1500) < 50);
    assert.deepEqual(measuredOffset(), { offsetMs: 1500, at: new Date(10), source: 'ntp.nic.kz:123' });
  });
  it('keeps the newer of two measurements', () => {
    setMeasuredOffset(10, new Date(2_000));
    setMeasuredOffset(99, new Date(1_000));
    assert.equal(measuredOffset()?.offsetMs, 10);
    setMeasuredOffset(-5, new Date(3_000));
    assert.equal(measuredOffset()?.offsetMs, -5);
  });
  it('refuses a non-finite offset', () => assert.throws(() => setMeasuredOffset(Number.NaN, new Date()), RangeError));
});
