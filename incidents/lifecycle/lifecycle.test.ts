import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { INCIDENT_STATES, TRANSITIONS, TransitionError, transition, type IncidentState, type TransitionFields } from './lifecycle.ts';

const S = Date.UTC(2026, 2, 26, 4, 0);
const NOW = S + 3_600_000;
const full: TransitionFields = {
  evidence: 'all probes green',
  level: 'high',
  kind: 'third-party-conditions',
  plannedFixAt: NOW + 3_600_000,
  actualFixAt: NOW - 60_000,
  cause: 'disk full',
  measures: 'cleaned',
  recommendations: 'monitor disk',
};
const at = (state: IncidentState) => ({ state, startedAt: S, proposedLevel: 'high' as const });

describe('lifecycle transitions', () => {
  const table: { from: IncidentState; to: IncidentState; fields: TransitionFields; error?: RegExp }[] = [
    { from: 'registered', to: 'analysing', fields: {} },
    { from: 'registered', to: 'confirmed', fields: full, error: /cannot go from registered to confirmed; allowed: analysing/ },
    { from: 'analysing', to: 'refuted', fields: {}, error: /evidence: required to go to refuted/ },
    { from: 'analysing', to: 'refuted', fields: { evidence: 'ok' } },
    { from: 'analysing', to: 'confirmed', fields: { level: 'high' }, error: /kind: required to go to confirmed; plannedFixAt: required/ },
    { from: 'analysing', to: 'confirmed', fields: full },
    {
      from: 'analysing',
      to: 'confirmed',
      fields: { ...full, level: 'medium' },
      error: /levelReason: required when the level \(medium\) differs from the proposed one \(high\)/,
    },
    { from: 'analysing', to: 'confirmed', fields: { ...full, level: 'medium', levelReason: 'only some suppliers' } },
    { from: 'analysing', to: 'confirmed', fields: { ...full, plannedFixAt: S - 1 }, error: /plannedFixAt: is before the failure start/ },
    { from: 'confirmed', to: 'resolved', fields: { cause: 'x' }, error: /actualFixAt: required to go to resolved; measures: required/ },
    { from: 'confirmed', to: 'resolved', fields: { ...full, actualFixAt: NOW + 1 }, error: /actualFixAt: is in the future/ },
    { from: 'confirmed', to: 'resolved', fields: full },
    { from: 'resolved', to: 'closed', fields: {}, error: /recommendations: required to go to closed/ },
    { from: 'resolved', to: 'closed', fields: full },
    { from: 'refuted', to: 'closed', fields: full },
    { from: 'closed', to: 'analysing', fields: {}, error: /cannot go from closed to analysing; allowed: none \(closed is final\)/ },
    { from: 'confirmed', to: 'refuted', fields: full, error: /allowed: resolved/ },
  ];
  it('energy-366 confirmation needs the authorised body’s agreement (003 §24)', () => {
    const energy = { ...at('analysing'), policy: 'energy-366' };
    assert.throws(() => transition(energy, 'confirmed', full, NOW), /levelAgreedWith: required for energy-366/);
    assert.equal(
      transition(energy, 'confirmed', { ...full, levelAgreedWith: 'letter 12-3/456 of the authorised body' }, NOW).levelAgreedWith,
      'letter 12-3/456 of the authorised body',
    );
  });
  for (const t of table) {
    it(`${t.from} → ${t.to}${t.error ? ' is refused' : ''}`, () => {
      if (t.error)
        assert.throws(
          () => transition(at(t.from), t.to, t.fields, NOW),
          (e: unknown) => e instanceof TransitionError && t.error!.test(e.message),
        );
      else assert.equal(transition(at(t.from), t.to, t.fields, NOW).state, t.to);
    });
  }

  it('confirmation stores level, kind and planned fix with its time', () => {
    assert.deepEqual(transition(at('analysing'), 'confirmed', full, NOW), {
      state: 'confirmed',
      confirmedAt: NOW,
      level: 'high',
      levelReason: null,
      kind: 'third-party-conditions',
      plannedFixAt: NOW + 3_600_000,
    });
  });
});

describe('lifecycle properties', () => {
  it('with every field given, a transition succeeds exactly when the table allows it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INCIDENT_STATES), fc.constantFrom(...INCIDENT_STATES), (from, to) => {
        let ok = true;
        try {
          transition(at(from), to, full, NOW);
        } catch (e) {
          assert.ok(e instanceof TransitionError);
          assert.deepEqual(e.allowed, TRANSITIONS[from]);
          ok = false;
        }
        assert.equal(ok, TRANSITIONS[from].includes(to));
      }),
    );
  });

  it('every state is reachable from registered and every path ends in closed', () => {
    const seen = new Set<IncidentState>(['registered']);
    const queue: IncidentState[] = ['registered'];
    while (queue.length) {
      for (const n of TRANSITIONS[queue.shift()!]) {
        if (seen.has(n)) continue;
        seen.add(n);
        queue.push(n);
      }
    }
    assert.deepEqual([...seen].sort(), [...INCIDENT_STATES].sort());
    for (const s of INCIDENT_STATES) if (TRANSITIONS[s].length === 0) assert.equal(s, 'closed');
  });
});
