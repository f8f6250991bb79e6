/**
 * The drills in their short form, inside `npm test` (the full form is `npm run drills`): three kills
 * of kuzet and of a worker; then, side by side, 5-second outages of a private Redis and a private
 * PostgreSQL and 500 fuzzed requests with 100 CLI runs. Each asserts what the full drill asserts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCrashDrill } from './drills/crash.drill.ts';
import { runFuzz } from './drills/fuzz.drill.ts';
import { runOutageDrill } from './drills/outage.drill.ts';

// The crash drill mostly waits (restarts, BullMQ's stalled-job takeover of a killed delivery): the others run beside it.
describe('drills, short form', { concurrency: true }, () => {
  it('crash: SIGKILLs of kuzet and of a worker lose nothing and duplicate nothing', async () => {
    const r = await runCrashDrill({ kills: 3, workerShare: 0.34, seed: 5, reference: false });
    assert.equal(r.kills, 3);
    assert.deepEqual(r.details.lost, []);
    assert.deepEqual(r.details.duplicated, []);
    // A kill can resend what was in flight at that instant, once, under the same idempotency key.
    assert.ok(r.details.resends.length <= r.kuzetKills * 5, `${r.details.resends.length} resends`);
    assert.equal(r.serverErrors, 0);
    assert.equal(r.unhandled, 0);
    assert.ok(r.deliveries > 0 && r.receipts >= r.deliveries, `${r.deliveries} deliveries, ${r.receipts} received`);
  });

  it('outages of Redis and PostgreSQL (5 s each), and fuzzing (500 requests, 100 CLI runs)', async () => {
    // The outages first, then the fuzz: its 100 CLI runs (a node process each) took both cores, and a
    // status-site poll during the PostgreSQL outage once waited past its 5 s (1 of 2 polls, under load).
    // All of it still runs beside the longer crash drill.
    const [redis, postgres] = await Promise.all([runOutageDrill('redis', 5), runOutageDrill('postgres', 5)]);
    const fuzz = await runFuzz({ runs: 500, cliRuns: 100, seed: 3 });
    for (const r of [redis, postgres]) {
      assert.deepEqual(r.problems, [], r.dependency);
      assert.equal(r.crashed, false);
      assert.ok(r.polls >= 2);
    }
    assert.deepEqual(fuzz.serverErrors, []);
    assert.deepEqual(fuzz.dropped, []);
    assert.deepEqual(fuzz.unnamed4xx, []);
    assert.deepEqual(fuzz.cli.unexpected, []);
    assert.deepEqual(fuzz.cli.unnamed, []);
    assert.deepEqual(fuzz.lyingAttachments.accepted, []);
    assert.deepEqual(fuzz.oversized.problems, []);
  });
});
