import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { freshnessProbe, freshnessSchema, judgeFreshness, type FreshnessObservation } from './freshness.probe.ts';
import { clearMeasuredOffset, setMeasuredOffset } from './ntp/clock.ts';
import { observationOf } from './observations.ts';
import { runChecked } from './observations.test-support.ts';
import { startHttp, type Running } from './test-servers.ts';

const NOW = Date.parse('2026-03-20T12:00:00+05:00');
const config = (extra: Record<string, unknown>) =>
  freshnessSchema.parse({ url: 'https://etp.kz/api/prices', path: '$.updatedAt', ...extra });
const body = (updatedAt: unknown) => JSON.stringify({ updatedAt });
const ageOf = (o: FreshnessObservation | undefined) => (o && 'ageSeconds' in o ? o.ageSeconds : undefined);

describe('freshness: limits from the rules', () => {
  const table: [string, Record<string, unknown>, string | number, boolean, number, string][] = [
    ['prices 6 d 23 h old pass', { preset: 'prices' }, '2026-03-13T13:00:00+05:00', true, 601_200, '$.updatedAt is 7 d old'],
    [
      'prices 7 d 1 h old fail',
      { preset: 'prices' },
      '2026-03-13T11:00:00+05:00',
      false,
      608_400,
      '$.updatedAt is 7 d old: older than 7 d (ETP price transfers at least weekly, 000 §35)',
    ],
    [
      'catalogue items 3 h 1 s old fail',
      { preset: 'catalogue-items' },
      '2026-03-20T08:59:59+05:00',
      false,
      10_801,
      '$.updatedAt is 3 h old: older than 3 h (catalogue item lists every 3 hours, 000 App.4 §3.3)',
    ],
    [
      'catalogue items exactly 3 h old pass',
      { preset: 'catalogue-items' },
      '2026-03-20T09:00:00+05:00',
      true,
      10_800,
      '$.updatedAt is 3 h old',
    ],
    [
      'catalogue updates 25 h old fail (UTC timestamp)',
      { preset: 'catalogue-updates' },
      '2026-03-19T06:00:00Z',
      false,
      90_000,
      '$.updatedAt is 1 d old: older than 1 d (catalogue updates every 24 hours, 000 App.7 App.1 §3.3)',
    ],
    ['explicit maxAge 90m, 1 h old pass', { maxAge: '90m' }, '2026-03-20T11:00:00+05:00', true, 3600, '$.updatedAt is 1 h old'],
    [
      'epoch seconds',
      { maxAge: '1h', format: 'epoch-s' },
      (NOW - 7_200_000) / 1000,
      false,
      7200,
      '$.updatedAt is 2 h old: older than 1 h (maxAge 1h)',
    ],
  ];
  for (const [why, extra, ts, ok, age, message] of table) {
    it(why, () => {
      const r = judgeFreshness(config(extra), body(ts), NOW);
      assert.deepEqual([r.ok, ageOf(r.observations), r.message], [ok, age, message]);
      if (!ok) assert.equal(r.errorKind, 'assertion');
    });
  }
  it('a wildcard path: the newest timestamp counts', () => {
    const c = config({ path: '$.items[*].at', preset: 'catalogue-items' });
    const r = judgeFreshness(c, JSON.stringify({ items: [{ at: '2026-03-19T00:00:00+05:00' }, { at: '2026-03-20T11:30:00+05:00' }] }), NOW);
    assert.deepEqual([r.ok, ageOf(r.observations)], [true, 1800]);
  });
  it('no value, a value that is not a timestamp, a body that is not JSON', () => {
    assert.equal(judgeFreshness(config({ preset: 'prices' }), '{}', NOW).message, '$.updatedAt does not exist');
    assert.equal(
      judgeFreshness(config({ preset: 'prices' }), body('2026-03-20T09:00:00'), NOW).message,
      '$.updatedAt is "2026-03-20T09:00:00", not a timestamp (iso with offset)',
    );
    assert.match(judgeFreshness(config({ preset: 'prices' }), '<html>', NOW).message, /^body is not JSON/);
  });
});

describe('freshness config', () => {
  const table: [Record<string, unknown>, string][] = [
    [{}, 'preset: give either preset or maxAge'],
    [{ preset: 'prices', maxAge: '1h' }, 'preset: give either preset or maxAge'],
    [{ maxAge: '3 hours' }, 'maxAge: expected a duration like "90s", "45m", "3h" or "7d"'],
    [{ preset: 'tariffs' }, 'preset: Invalid option: expected one of "prices"|"catalogue-items"|"catalogue-updates"'],
    [{ preset: 'prices', path: 'updatedAt' }, 'path: invalid JSONPath: a JSONPath starts with "$"'],
  ];
  for (const [extra, message] of table) {
    it(message, () => {
      const r = freshnessSchema.safeParse({ url: 'https://etp.kz/api', path: '$.updatedAt', ...extra });
      assert.equal(r.success, false);
      const issue = r.error?.issues[0];
      assert.equal(`${issue?.path.join('.')}: ${issue?.message}`, message);
    });
  }
});

describe('freshness probe against a local API', () => {
  let api: Running & { url: string };
  before(async () => {
    api = await startHttp((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ updatedAt: new Date(Date.now() - 2 * 3600_000).toISOString() }));
    });
  });
  after(() => api.close());
  afterEach(clearMeasuredOffset);
  const ids = { system: 'etp-1', target: 'catalogue', check: 'fresh', region: 'r' };

  it('a list updated 2 h ago is fresh for catalogue items; ageSeconds is observed', async () => {
    const r = await runChecked(freshnessProbe, { url: api.url, path: '$.updatedAt', preset: 'catalogue-items' }, ids, { timeoutMs: 3000 });
    assert.equal(r.ok, true, r.message);
    assert.ok(Math.abs((ageOf(observationOf(r, 'freshness')) as number) - 7200) < 5);
  });
  it("ages are measured on kuzet's corrected clock", async () => {
    setMeasuredOffset(3600_000, new Date());
    const r = await runChecked(freshnessProbe, { url: api.url, path: '$.updatedAt', maxAge: '150m' }, ids, { timeoutMs: 3000 });
    assert.equal(r.ok, false);
    assert.ok(Math.abs((ageOf(observationOf(r, 'freshness')) as number) - 10_800) < 5, r.message);
  });
});
