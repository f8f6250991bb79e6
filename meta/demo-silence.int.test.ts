/**
 * Issue #11's "done when": a silent demo worker raises `kuzet.silent` within 3 intervals. kuzet runs as
 * the drills run it (test/drills/harness.ts: `kuzet start` on the demo config, 5 s check intervals) with
 * a separate `kuzet worker` process; the worker is SIGKILLed, so it never says goodbye.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, sleep, startBed, type Bed, type KuzetProc } from '../test/drills/harness.ts';
import { waitFor } from '../test/support.ts';

const INTERVAL_S = 5;

describe('a silent demo worker', () => {
  let bed: Bed;
  let worker: KuzetProc;

  before(async () => {
    bed = await startBed({ intervalSeconds: INTERVAL_S });
    bed.spawnKuzet('start');
    await bed.waitReady();
    worker = bed.spawnKuzet('worker');
  });
  after(async () => {
    await bed?.close();
  });

  it('raises one kuzet.silent for it within 3 check intervals, to the on-call Slack channel, and opens no incident', async () => {
    const pid = worker.child.pid;
    const beats = async () =>
      ((await call(bed.url, 'GET', '/api/v1/meta/heartbeats', { token: bed.viewer })).json?.workers ?? []) as { id: string; pid: number }[];
    const mine = await waitFor(async () => (await beats()).find((w) => w.pid === pid), {
      what: "the worker's heartbeat",
      timeoutMs: 30_000,
    });
    await sleep(2000); // a beat or two more, so the last one is recent
    await worker.kill9();
    const died = Date.now();
    const open = await waitFor(
      async () => {
        const r = await call(bed.url, 'GET', '/api/v1/meta/silent', { token: bed.viewer });
        const eps = (r.json?.open ?? []) as { group: string; detail: { workers: { id: string }[] } }[];
        return eps.length > 0 ? eps : undefined;
      },
      { what: 'kuzet.silent', timeoutMs: (3 * INTERVAL_S + 30) * 1000, intervalMs: 500 },
    );
    const took = (Date.now() - died) / 1000;
    // 3 intervals without a beat, then one evaluation (every interval/3) and slack for two shared cores.
    assert.ok(took <= 3 * INTERVAL_S + 10, `raised ${took.toFixed(1)} s after the kill`);
    assert.deepEqual(
      open.map((e) => e.group),
      ['worker/astana'],
      'the worker, not the region: kuzet start still runs checks',
    );
    assert.deepEqual(
      open[0]?.detail.workers.map((w) => w.id),
      [mine.id],
    );
    await waitFor(() => bed.slack.calls.some((c) => /kuzet\.silent/.test(String(c.args.text))), {
      what: 'the Slack alert',
      timeoutMs: 30_000,
    });
    const incidents = await bed.db.query<{ n: string }>('SELECT count(*) AS n FROM incidents');
    assert.equal(Number(incidents[0]?.n), 0, "kuzet's silence is no incident of the portal");
  });
});
