/** A run kuzet could not make (errorKind internal) is no evidence about the system (issue #16 item 9). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTOR_CONFIG, emptyDetectorState, observe, type DetectorInput } from './detector.ts';

const at0 = Date.parse('2026-03-26T10:00:00+05:00');
const run = (i: number, ok: boolean, errorKind: DetectorInput['errorKind']): DetectorInput => ({
  key: 'portal/search-journey/browser',
  system: 'portal',
  module: 'search',
  region: 'astana',
  ok,
  errorKind,
  message: ok ? 'ok' : errorKind === 'internal' ? 'Chromium was not found' : 'HTTP 500',
  at: at0 + i * 30_000,
});

describe('detector and monitor-side errors', () => {
  it('any number of internal results opens nothing', () => {
    const s = emptyDetectorState();
    const events = Array.from({ length: 20 }, (_, i) => observe(s, run(i, false, 'internal'), DEFAULT_DETECTOR_CONFIG)).flat();
    assert.deepEqual(events, []);
    assert.deepEqual(
      Object.values(s.modules).filter((m) => m.open),
      [],
    );
  });

  it('an internal result still leaves the check and module states the store saves', () => {
    const s = emptyDetectorState();
    observe(s, run(0, false, 'internal'), DEFAULT_DETECTOR_CONFIG);
    assert.ok(s.checks['portal/search-journey/browser']);
    assert.equal(Object.keys(s.modules).length, 1);
  });

  it('internal results between real failures neither count nor break the streak', () => {
    const s = emptyDetectorState();
    const kinds: [boolean, DetectorInput['errorKind']][] = [
      [false, 'http-status'],
      [false, 'internal'],
      [false, 'http-status'],
      [false, 'internal'],
      [false, 'internal'],
    ];
    const before = kinds.flatMap(([ok, k], i) => observe(s, run(i, ok, k), DEFAULT_DETECTOR_CONFIG));
    assert.deepEqual(before, [], 'two real failures of three needed');
    const opened = observe(s, run(5, false, 'http-status'), DEFAULT_DETECTOR_CONFIG);
    assert.equal(opened[0]?.type, 'opened');
  });

  it('internal results do not resolve an open incident either', () => {
    const s = emptyDetectorState();
    for (let i = 0; i < 3; i++) observe(s, run(i, false, 'http-status'), DEFAULT_DETECTOR_CONFIG);
    const events = Array.from({ length: 5 }, (_, i) => observe(s, run(3 + i, false, 'internal'), DEFAULT_DETECTOR_CONFIG)).flat();
    assert.deepEqual(events, []);
    assert.ok(Object.values(s.modules).some((m) => m.open));
  });
});
