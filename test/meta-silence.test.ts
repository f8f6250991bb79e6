/** Silence detection (meta/silence.ts), table-driven: who is silent, and how findings are grouped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { PROBES } from '../probes/index.ts';
import { type Heartbeat } from '../collector/index.ts';
import { findSilences } from '../meta/index.ts';

const cfg = parseConfig(
  `
regions: [astana, almaty]
systems:
  portal:
    name: Portal
    kind: portal
    policy: portal-692
    modules: [search, lots]
    targets:
      - { id: search, module: search, checks: [{ id: a, type: http, url: "http://x/", interval: 10s }, { id: b, type: http, url: "http://x/", interval: 10s }] }
      - { id: lots, module: lots, checks: [{ id: a, type: http, url: "http://x/", interval: 10s, regions: [astana, almaty] }] }
`,
  PROBES,
  {},
);
const T = 1_000_000_000;
const hb = (id: string, at: number, o: Partial<Heartbeat> = {}): Heartbeat => ({
  id,
  host: 'h1',
  pid: 1,
  regions: ['astana'],
  startedAt: T - 100_000,
  at,
  ...o,
});
const fresh = (at: number) => () => at;

describe('findSilences', () => {
  const base = { startedAt: T - 100_000, config: cfg, factor: 3 };
  const cases: {
    name: string;
    now: number;
    heartbeats: Heartbeat[];
    latest: (k: string, r: string) => number | undefined;
    groups: string[];
  }[] = [
    {
      name: 'all fresh: nothing',
      now: T,
      heartbeats: [hb('w1', T - 1000, { regions: ['astana', 'almaty'] })],
      latest: fresh(T - 5000),
      groups: [],
    },
    {
      name: 'within 3 intervals: nothing',
      now: T,
      heartbeats: [hb('w1', T - 29_000, { regions: ['astana', 'almaty'] })],
      latest: fresh(T - 29_000),
      groups: [],
    },
    {
      name: 'no live worker for 3 intervals: one alert per region, covering its checks',
      now: T,
      heartbeats: [hb('w1', T - 31_000, { regions: ['astana', 'almaty'] })],
      latest: fresh(T - 31_000),
      groups: ['region/almaty', 'region/astana'],
    },
    {
      name: 'one of two workers dead: a worker alert for its region only',
      now: T,
      heartbeats: [hb('w1', T - 1000), hb('w2', T - 40_000, { host: 'h2' }), hb('w3', T - 1000, { regions: ['almaty'] })],
      latest: fresh(T - 1000),
      groups: ['worker/astana'],
    },
    {
      name: 'a restarted worker on the same host replaces the dead one: no alert',
      now: T,
      heartbeats: [hb('old', T - 40_000), hb('new', T - 500, { startedAt: T - 20_000 }), hb('w3', T - 1000, { regions: ['almaty'] })],
      latest: fresh(T - 1000),
      groups: [],
    },
    {
      name: 'stale checks while workers live: grouped per region, system and module',
      now: T,
      heartbeats: [hb('w1', T - 1000, { regions: ['astana', 'almaty'] })],
      latest: (k, r) =>
        r === 'astana' && k.startsWith('portal/search/') ? T - 60_000 : k === 'portal/lots/a' && r === 'almaty' ? undefined : T - 1000,
      groups: ['checks/almaty/portal/lots', 'checks/astana/portal/search'],
    },
    {
      name: 'a region whose workers just came back: its overdue checks get 3 intervals to report, no per-module alert',
      now: T,
      heartbeats: [
        hb('old', T - 60_000, { regions: ['astana', 'almaty'] }),
        hb('new', T - 500, { regions: ['astana', 'almaty'], startedAt: T - 5_000 }),
      ],
      latest: fresh(T - 60_000),
      groups: [],
    },
    {
      name: 'still no results 3 intervals after the workers came back: per-module alerts',
      now: T,
      heartbeats: [hb('new', T - 500, { regions: ['astana', 'almaty'], startedAt: T - 31_000 })],
      latest: fresh(T - 60_000),
      groups: ['checks/almaty/portal/lots', 'checks/astana/portal/lots', 'checks/astana/portal/search'],
    },
    {
      name: 'late results while no worker beat for an interval: left to the region verdict, no per-module alerts',
      now: T,
      heartbeats: [hb('w1', T - 12_000, { regions: ['astana', 'almaty'] })],
      latest: fresh(T - 31_000),
      groups: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = findSilences({ ...base, now: c.now, heartbeats: c.heartbeats, latest: c.latest });
      assert.deepEqual(
        r.groups.map((g) => g.group),
        c.groups,
      );
    });
  }

  it('two stale checks of one module are one group listing both', () => {
    const r = findSilences({
      ...base,
      now: T,
      heartbeats: [hb('w1', T - 1000, { regions: ['astana', 'almaty'] })],
      latest: (k, r) => (r === 'astana' && k.startsWith('portal/search/') ? T - 60_000 : T),
    });
    assert.equal(r.groups.length, 1);
    assert.deepEqual(
      r.groups[0]?.checks.map((x) => x.key),
      ['portal/search/a', 'portal/search/b'],
    );
    assert.equal(r.groups[0]?.thresholdMs, 30_000);
  });

  it('nothing is judged before 3 intervals have passed since the watcher started', () => {
    const r = findSilences({ ...base, startedAt: T - 20_000, now: T, heartbeats: [], latest: () => undefined });
    assert.deepEqual(r.groups, []);
    const later = findSilences({ ...base, startedAt: T - 31_000, now: T, heartbeats: [], latest: () => undefined });
    assert.deepEqual(
      later.groups.map((g) => g.group),
      ['region/almaty', 'region/astana'],
    );
  });

  it('replaced heartbeats are reported for pruning', () => {
    const r = findSilences({
      ...base,
      now: T,
      heartbeats: [hb('old', T - 40_000), hb('new', T - 500, { startedAt: T - 20_000 })],
      latest: fresh(T),
    });
    assert.deepEqual(r.replaced, ['old']);
  });
});
