/** The live feed's fingerprint: it moves when a check's state, an incident, a clock, a notice, a maintenance window or a kuzet.silent episode changes, and only then. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveFeed, type LiveDeps } from './live.ts';

interface World {
  status: string;
  rows: Record<string, Record<string, unknown>>;
}

function feed(w: World): LiveFeed {
  const doc = () => ({
    systems: [{ targets: [{ checks: [{ key: 'portal/search/http', regions: [{ region: 'astana', status: w.status }] }] }] }],
  });
  const table = (sql: string) => Object.keys(w.rows).find((t) => sql.includes(`FROM ${t}`)) as string;
  const s = {
    status: { snapshot: doc },
    config: () => ({}),
    now: () => new Date(0),
    db: () => ({ query: async (sql: string) => [w.rows[table(sql)]] }),
  } as unknown as LiveDeps;
  return new LiveFeed(s);
}

test('the fingerprint follows what the console shows', async () => {
  const w: World = {
    status: 'up',
    rows: {
      incidents: { n: 1, v: 3 },
      incident_clocks: { n: 4, met: 1, warned: 0, breached: 0 },
      notices: { n: 1, at: '2026-11-29T10:00:00Z', v: 1 },
      maintenance_windows: { n: 0, p: null },
      meta_silences: { n: 0, ended: 0 },
    },
  };
  const f = feed(w);
  const seen = new Set([await f.fingerprint()]);
  assert.equal(await f.fingerprint(), [...seen][0], 'nothing changed, same fingerprint');
  const changes: [string, () => void][] = [
    ['a check goes down', () => (w.status = 'down')],
    ['an incident moves to its next version', () => (w.rows.incidents = { n: 1, v: 4 })],
    ['a clock is met', () => (w.rows.incident_clocks = { n: 4, met: 2, warned: 0, breached: 0 })],
    ['a clock is breached', () => (w.rows.incident_clocks = { n: 4, met: 2, warned: 0, breached: 1 })],
    ['a notice is published again', () => (w.rows.notices = { n: 1, at: '2026-11-29T10:05:00Z', v: 2 })],
    ['a maintenance window is planned', () => (w.rows.maintenance_windows = { n: 1, p: 'planned' })],
    ['kuzet.silent is raised', () => (w.rows.meta_silences = { n: 1, ended: 0 })],
    ['kuzet.silent ends', () => (w.rows.meta_silences = { n: 1, ended: 1 })],
  ];
  for (const [what, change] of changes) {
    change();
    const fp = await f.fingerprint();
    assert.ok(!seen.has(fp), what);
    seen.add(fp);
  }
});
