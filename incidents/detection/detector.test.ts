import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_DETECTOR_CONFIG,
  emptyDetectorState,
  moduleEvidence,
  observe,
  observeAll,
  probableCause,
  type DetectorInput,
} from './detector.ts';

const T0 = Date.UTC(2026, 2, 26, 4, 0, 0);
const MIN = 60_000;
const r = (i: number, ok: boolean, o: Partial<DetectorInput> = {}): DetectorInput => ({
  key: 'portal/search/http',
  system: 'portal',
  module: 'search',
  region: 'astana',
  ok,
  errorKind: ok ? null : 'http-status',
  message: ok ? 'ok' : 'HTTP 500',
  at: T0 + i * MIN,
  ...o,
});
const types = (seq: DetectorInput[]) => {
  const s = emptyDetectorState();
  return observeAll(s, seq).map((e) => e.type);
};

describe('detector state machine', () => {
  const table: { name: string; seq: DetectorInput[]; events: string[] }[] = [
    { name: 'two failures do not open', seq: [r(0, false), r(1, false), r(2, true)], events: [] },
    { name: 'three consecutive failures open', seq: [r(0, false), r(1, false), r(2, false)], events: ['opened'] },
    {
      name: 'a success between failures resets the count',
      seq: [r(0, false), r(1, false), r(2, true), r(3, false), r(4, false)],
      events: [],
    },
    {
      name: 'two regions failing open at once',
      seq: [r(0, false, { region: 'astana' }), r(0.5, false, { region: 'almaty' })],
      events: ['opened'],
    },
    { name: 'one success does not resolve', seq: [r(0, false), r(1, false), r(2, false), r(3, true)], events: ['opened'] },
    {
      name: 'two successes resolve',
      seq: [r(0, false), r(1, false), r(2, false), r(3, true), r(4, true)],
      events: ['opened', 'recovered'],
    },
    {
      name: 'a failure within the flap window re-opens',
      seq: [r(0, false), r(1, false), r(2, false), r(3, true), r(4, true), r(9, false)],
      events: ['opened', 'recovered', 'reopened'],
    },
    {
      name: 'a failure after the flap window needs N again, then opens a new incident',
      seq: [r(0, false), r(1, false), r(2, false), r(3, true), r(4, true), r(20, false), r(21, false), r(22, false)],
      events: ['opened', 'recovered', 'opened'],
    },
    {
      name: 'a second check of the module joins',
      seq: [
        r(0, false),
        r(1, false),
        r(2, false),
        r(2.1, false, { key: 'portal/search/api' }),
        r(2.2, false, { key: 'portal/search/api' }),
        r(2.3, false, { key: 'portal/search/api' }),
      ],
      events: ['opened', 'joined'],
    },
    {
      name: 'a check of another module opens its own incident',
      seq: [
        r(0, false),
        r(1, false),
        r(2, false),
        r(0.1, false, { key: 'portal/home/http', module: 'home' }),
        r(1.1, false, { key: 'portal/home/http', module: 'home' }),
        r(2.1, false, { key: 'portal/home/http', module: 'home' }),
      ],
      events: ['opened', 'opened'],
    },
  ];
  for (const t of table) it(t.name, () => assert.deepEqual(types(t.seq), t.events));

  it('the module recovers only when every open check has', () => {
    const api = { key: 'portal/search/api' };
    const seq = [
      r(0, false),
      r(0, false, api),
      r(1, false),
      r(1, false, api),
      r(2, false),
      r(2, false, api),
      r(3, true),
      r(4, true),
      r(5, true, api),
      r(6, true, api),
    ];
    const s = emptyDetectorState();
    assert.deepEqual(
      observeAll(s, seq).map((e) => `${e.type}@${(e.at - T0) / MIN}`),
      ['opened@2', 'joined@2', 'recovered@6'],
    );
  });

  it('records S as the first failure time and the evidence with a probable cause', () => {
    const s = emptyDetectorState();
    const ev = observeAll(s, [r(0, true), r(1, false), r(2, false, { errorKind: 'timeout' }), r(3, false, { screenshots: ['/a.png'] })]);
    assert.deepEqual(ev[0], {
      type: 'opened',
      moduleKey: 'portal/search',
      episode: 1,
      startedAt: T0 + MIN,
      at: T0 + 3 * MIN,
      trigger: 'portal/search/http',
    });
    const e = moduleEvidence(s.modules['portal/search']!);
    assert.deepEqual(e.checks, ['portal/search/http']);
    assert.deepEqual(e.regions, ['astana']);
    assert.equal(e.probableCause, 'HTTP status');
    assert.deepEqual(e.screenshots, ['/a.png']);
  });

  it('probable causes by error kind', () => {
    assert.equal(probableCause({ dns: 1 }), 'DNS');
    assert.equal(probableCause({ connect: 2, tls: 1 }), 'connection');
    assert.equal(probableCause({ tls: 3 }), 'TLS');
    assert.equal(probableCause({ assertion: 1 }), 'content');
    assert.equal(probableCause({ timeout: 1 }), 'timeout');
    assert.equal(probableCause({}), null);
  });

  it('a replayed result changes nothing', () => {
    const s = emptyDetectorState();
    observeAll(s, [r(0, false), r(1, false)]);
    assert.deepEqual(observe(s, r(1, false)), []);
    assert.deepEqual(
      observe(s, r(2, false)).map((e) => e.type),
      ['opened'],
    );
  });
});

describe('detector properties', () => {
  const arbSeq = fc.array(
    fc.record({
      ok: fc.boolean(),
      region: fc.constantFrom('astana', 'almaty'),
      key: fc.constantFrom('portal/m/a', 'portal/m/b'),
      gap: fc.integer({ min: 1, max: 20 }),
    }),
    { maxLength: 80 },
  );
  const build = (xs: { ok: boolean; region: string; key: string; gap: number }[]) => {
    let t = T0;
    return xs.map((x) => r(0, x.ok, { key: x.key, module: 'm', region: x.region, at: (t += x.gap * 30_000) }));
  };

  it('replaying any prefix of the stream gives the same events and state as reading it once', () => {
    fc.assert(
      fc.property(arbSeq, fc.nat(), (xs, cut) => {
        const seq = build(xs);
        const once = emptyDetectorState();
        const a = observeAll(once, seq);
        const twice = emptyDetectorState();
        const k = seq.length === 0 ? 0 : cut % seq.length;
        const b = [...observeAll(twice, seq.slice(0, k)), ...observeAll(twice, seq)];
        assert.deepEqual(b, a);
        assert.deepEqual(twice, once);
      }),
    );
  });

  it('events alternate: never two openings without a recovery between, never a recovery while closed', () => {
    fc.assert(
      fc.property(arbSeq, (xs) => {
        let open = false;
        for (const e of observeAll(emptyDetectorState(), build(xs))) {
          if (e.type === 'opened' || e.type === 'reopened') {
            assert.equal(open, false);
            open = true;
          } else if (e.type === 'recovered') {
            assert.equal(open, true);
            open = false;
          } else assert.equal(open, true);
        }
      }),
    );
  });

  it('a module never opens before N failures in a row in one region or K regions failing', () => {
    fc.assert(
      fc.property(arbSeq, (xs) => {
        const seq = build(xs).map((x) => ({ ...x, key: 'portal/m/a', region: 'astana' }));
        const ev = observeAll(emptyDetectorState(), seq);
        const first = ev.find((e) => e.type === 'opened');
        if (!first) return;
        const upto = seq.filter((x) => x.at <= first.at);
        assert.ok(upto.slice(-DEFAULT_DETECTOR_CONFIG.failuresToOpen).every((x) => !x.ok));
      }),
    );
  });
});
