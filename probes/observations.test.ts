/**
 * Readers and probes share one type per kind. The type-level half is checked by `tsc` (`npm run lint`
 * type-checks tests too): each `@ts-expect-error` below must stay an error, so a reader that names a field
 * its probe does not produce, or a probe that stops producing a field a reader names, fails the build.
 * The runtime half is in every probe test: `runChecked` parses each real output with its kind's schema.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshnessAgeObservation } from './freshness.probe.ts';
import { httpDateMeasurementObservation } from './http-date.probe.ts';
import { ntpMeasurementObservation } from './ntp.probe.ts';
import { observationOf, type ObservationOf } from './observations.ts';

/** The face's name for a kind's observation is the probe's own type. */
export const tlsDays = (o: ObservationOf<'tls'>): number => o.daysToExpiry;
import { CHECK_KINDS, PROBES } from './registry.ts';
import type { CheckResult } from './types.ts';

const ntp = {
  server: 'ntp.nic.kz:123',
  offsetMs: -12.5,
  delayMs: 4,
  stratum: 2,
  refId: 'GPS',
  address: '10.0.0.1',
  leap: 0,
  rootDelayMs: 0.5,
  rootDispersionMs: 1,
  level: 'ok',
};
const result = (kind: string | undefined, observations: Record<string, unknown>): CheckResult => ({
  system: 's',
  target: 't',
  check: 'c',
  region: 'r',
  kind,
  ok: true,
  latencyMs: 1,
  errorKind: null,
  message: 'm',
  at: new Date(0),
  observations,
});

describe('observationOf', () => {
  it("narrows a result to its kind's observation, typed", () => {
    const o = observationOf(result('ntp', ntp), 'ntp');
    assert.ok(o && 'offsetMs' in o);
    const offset: number = o.offsetMs;
    assert.equal(offset, -12.5);
  });

  it('gives nothing for a result of another kind, even when the shape would fit', () => {
    assert.equal(observationOf(result('http-date', ntp), 'ntp'), undefined);
  });

  it('reads a part picked from the kind schema; a result without a recorded kind is judged by the schema', () => {
    const part = httpDateMeasurementObservation.pick({ offsetMs: true, uncertaintyMs: true });
    assert.deepEqual(observationOf(result(undefined, { offsetMs: 740, uncertaintyMs: 25 }), 'http-date', part), {
      offsetMs: 740,
      uncertaintyMs: 25,
    });
    assert.equal(observationOf(result(undefined, { offsetMs: 740 }), 'http-date', part), undefined);
    assert.equal(observationOf({ observations: null }, 'http-date', part), undefined);
  });

  it('every kind in the registry carries its observation schema', () => {
    for (const kind of CHECK_KINDS) assert.equal(typeof PROBES[kind].observation.safeParse, 'function', kind);
  });
});

// Type-level coupling: these lines compile only while the probes observe what they observe today.
export function typeLevel(r: CheckResult): void {
  const tcp = observationOf(r, 'tcp');
  // @ts-expect-error a tcp check observes no clock offset
  void tcp?.offsetMs;
  const dns = observationOf(r, 'dns');
  // @ts-expect-error a dns check observes values and its resolver, not a status
  void dns?.status;
  const tls = observationOf(r, 'tls');
  const days: number | undefined = tls?.daysToExpiry;
  void days;
  // @ts-expect-error ntp measurements have no uncertaintyMs (that is http-date's)
  ntpMeasurementObservation.pick({ uncertaintyMs: true });
  // @ts-expect-error a part picked from freshness cannot be read as an http-date observation
  observationOf(r, 'http-date', freshnessAgeObservation.pick({ ageSeconds: true }));
}
