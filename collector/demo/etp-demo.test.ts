/**
 * The demo's ETP time travel at any moment of a day: the episodes it posts, taken as the ledger
 * takes them (clamped to now, a day counted from one minute), always reach the threshold, also
 * just after Astana midnight when today has less than a minute behind it.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { astanaEpochDay, formatEpochDay, parseDateTimeMs } from '../../core/time.ts';
import { failureDays, streakStatus, type FailureEpisode } from '../../incidents/index.ts';
import { replayEtpFailures } from './etp-demo.ts';

describe('replayEtpFailures', () => {
  let server: Server;
  let url = '';
  let nowMs = 0;
  let posted: FailureEpisode[] = [];

  before(async () => {
    // A stand-in for the episodes API: answers with the streak the ledger would compute at `nowMs`.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const e = JSON.parse(body) as { service: string; start: string; end: string };
        posted.push({ service: e.service, startMs: parseDateTimeMs(e.start), endMs: parseDateTimeMs(e.end) });
        const today = astanaEpochDay(nowMs);
        const clamped = posted.map((p) => ({ ...p, endMs: Math.min(p.endMs, nowMs) })).filter((p) => p.endMs > p.startMs);
        const s = streakStatus(failureDays(clamped, today, 1), today);
        const streak = { currentStreak: s.currentStreak, thresholdReachedOn: s.thresholdReachedOn === null ? null : formatEpochDay(s.thresholdReachedOn), decisionDueBy: null };
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ etp: { streak } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  for (const [at, lastDay] of [
    ['2026-11-30T00:00:00+05:00', '2026-11-29'], // midnight itself: nothing of today yet
    ['2026-11-30T00:00:30+05:00', '2026-11-29'], // the moment the replay fell a day short (streak 7)
    ['2026-11-30T00:01:59+05:00', '2026-11-29'],
    ['2026-11-30T00:02:00+05:00', '2026-11-30'],
    ['2026-11-30T09:59:00+05:00', '2026-11-30'],
    ['2026-11-30T15:00:00+05:00', '2026-11-30'],
    ['2026-11-30T23:59:59+05:00', '2026-11-30'],
    ['2027-01-01T00:00:40+05:00', '2026-12-31'], // a year boundary
  ] as const) {
    it(`at ${at}: 8 days ending ${lastDay}, all in the past, the threshold reached`, async () => {
      nowMs = parseDateTimeMs(at);
      posted = [];
      const r = await replayEtpFailures(url, 'token', { etp: 'etp-alpha', days: 8, now: new Date(nowMs) });
      assert.deepEqual([r.currentStreak, r.thresholdReachedOn], [8, lastDay]);
      assert.equal(posted.length, 8);
      for (const e of posted) assert.ok(Math.min(e.endMs, nowMs) - e.startMs >= 60_000, 'each episode has a counted minute behind now');
    });
  }
});
