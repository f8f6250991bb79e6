import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { estimate, httpDateProbe, httpDateSchema, nextSendAt, sampleWindow } from './http-date.probe.ts';
import { clearMeasuredOffset, setMeasuredOffset } from './ntp/clock.ts';
import { runChecked } from './observations.test-support.ts';
import { startHttp, type Running } from './test-servers.ts';

const ids = { system: 'etp-1', target: 'api', check: 'clock', region: 'r' };

describe('http-date estimator', () => {
  it('one sample: the server wrote second D between send and receipt', () => {
    assert.deepEqual(sampleWindow({ sentMs: 10_100, receivedMs: 10_140, dateMs: 12_000 }), [1_860, 2_900]);
  });
  it('property: the true offset always stays inside the window, which shrinks when requests are timed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 999 }),
        (theta, rtt, start) => {
          const samples = [];
          let t = 1_000_000 + start;
          for (let i = 0; i < 8; i++) {
            const e = estimate(samples);
            if (e) t = nextSendAt([e.offsetMs - e.uncertaintyMs, e.offsetMs + e.uncertaintyMs], t, e.minRttMs);
            const serverAt = t + rtt / 2 + theta; // the server reads its clock half-way
            samples.push({ sentMs: t, receivedMs: t + rtt, dateMs: Math.floor(serverAt / 1000) * 1000 });
            t += rtt;
          }
          const e = estimate(samples);
          assert.ok(e);
          assert.ok(Math.abs(e.offsetMs - theta) <= e.uncertaintyMs + 1e-9, `θ ${theta}, got ${e.offsetMs} ± ${e.uncertaintyMs}`);
          assert.ok(e.uncertaintyMs <= rtt + 5, `± ${e.uncertaintyMs} with rtt ${rtt}`);
          assert.equal(e.discarded, 0);
        },
      ),
    );
  });
  it('defaults', () =>
    assert.deepEqual(httpDateSchema.parse({ url: 'https://etp.kz/' }), {
      url: 'https://etp.kz/',
      method: 'HEAD',
      headers: {},
      samples: 6,
      maxOffsetMs: 1000,
      insecureSkipVerify: false,
    }));
});

describe('http-date probe against a local server', () => {
  let ahead: Running & { url: string };
  let noDate: Running & { url: string };
  before(async () => {
    ahead = await startHttp((_req, res) => {
      res.setHeader('date', new Date(Date.now() + 2300).toUTCString());
      res.end();
    });
    noDate = await startHttp((_req, res) => {
      res.sendDate = false;
      res.end();
    });
  });
  after(async () => {
    await ahead.close();
    await noDate.close();
  });
  afterEach(clearMeasuredOffset);

  it('estimates a Date 2.3 s ahead within ±150 ms, and reports the uncertainty', async () => {
    const r = await runChecked(httpDateProbe, { url: ahead.url, maxOffsetMs: 5000 }, ids, { timeoutMs: 15_000 });
    const o = r.observations ?? {};
    console.log(
      `# Date 2300 ms ahead: estimate ${String(o.offsetMs)} ms ± ${String(o.uncertaintyMs)} ms (error ${((o.offsetMs as number) - 2300).toFixed(1)} ms), ${String(o.samples)} samples, rtt ${String(o.rttMs)} ms`,
    );
    assert.equal(r.ok, true, r.message);
    assert.ok(Math.abs((o.offsetMs as number) - 2300) <= 150, r.message);
    assert.ok((o.uncertaintyMs as number) < 150, r.message);
    assert.equal(o.discarded, 0);
  });

  it("measures against kuzet's corrected clock: host 1 s behind the reference → the ETP is 1.3 s ahead of true time", async () => {
    setMeasuredOffset(1000, new Date());
    const r = await runChecked(httpDateProbe, { url: ahead.url, samples: 5 }, ids, { timeoutMs: 15_000 });
    const o = r.observations ?? {};
    assert.ok(Math.abs((o.offsetMs as number) - 1300) <= 150, r.message);
    assert.equal(o.kuzetClockCorrectionMs, 1000);
    assert.deepEqual([r.ok, r.errorKind], [false, 'assertion']); // 1.3 s is above the default 1000 ms
    assert.match(r.message, /\|offset\| above 1000 ms$/);
  });

  it('a response without Date is an assertion failure', async () => {
    const r = await runChecked(httpDateProbe, { url: noDate.url }, ids, { timeoutMs: 5000 });
    assert.deepEqual([r.ok, r.errorKind, r.message], [false, 'assertion', 'HTTP 200: no Date header']);
  });
});
