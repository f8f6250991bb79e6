/** Incident state changes for the InfluxDB history: one point per state, timestamped by its entry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etpPoint, incidentChangeOf, incidentPoint } from './influx.sink.ts';

const base = {
  id: 'INC-2026-000007',
  system: 'portal',
  level: null,
  proposed_level: 'medium',
  registered_at: new Date('2026-03-26T05:00:00Z'),
  analysing_at: null,
  confirmed_at: null,
  refuted_at: null,
  resolved_at: null,
  closed_at: null,
};

describe('incident state changes for InfluxDB', () => {
  it('takes the time the incident entered its state, the level (or the proposed one) and whether it is open', () => {
    assert.deepEqual(incidentChangeOf({ ...base, state: 'registered' }), {
      system: 'portal',
      incident: 'INC-2026-000007',
      level: 'medium',
      state: 'registered',
      open: true,
      at: new Date('2026-03-26T05:00:00Z'),
    });
    const confirmed = incidentChangeOf({
      ...base,
      state: 'confirmed',
      level: 'high',
      analysing_at: new Date('2026-03-26T05:05:00Z'),
      confirmed_at: new Date('2026-03-26T05:10:00Z'),
    });
    assert.equal(confirmed.level, 'high');
    assert.equal(confirmed.at.toISOString(), '2026-03-26T05:10:00.000Z');
    assert.equal(incidentChangeOf({ ...base, state: 'refuted', refuted_at: new Date('2026-03-26T06:00:00Z') }).open, false);
    assert.equal(
      incidentChangeOf({ ...base, system: null, state: 'closed', closed_at: new Date('2026-03-26T07:00:00Z') }).system,
      'unknown',
    );
  });

  it('writes one line-protocol point per change with the state and open fields', () => {
    const line = incidentPoint(incidentChangeOf({ ...base, state: 'registered' })).toLineProtocol();
    assert.equal(line, 'incident_state,incident=INC-2026-000007,level=medium,system=portal open=1i,state="registered" 1774501200000000000');
  });
});

describe('ETP failure streaks for InfluxDB', () => {
  it('writes the streak in days and the connection state per ETP', () => {
    const line = etpPoint({ etp: 'etp-alpha', streakDays: 8, state: 'productive', at: new Date('2026-03-26T05:00:00Z') }).toLineProtocol();
    assert.equal(line, 'etp_streak,etp=etp-alpha state="productive",streak_days=8i 1774501200000000000');
  });
});
