/**
 * probes/contract.test.ts proves the probe contract for `browser` like every kind. This file adds
 * what only a browser has: aborts that land while a live Chromium opens the context and page, or
 * while the journey runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserProbe } from '../browser.probe.ts';
import { startHttp, type Running } from '../test-servers.ts';
import { browserPool, closeBrowserPool, DEFAULT_EXECUTABLE } from './pool.ts';

let http: Running & { url: string };
const hanging = () => ({ steps: [{ action: 'goto', url: `${http.url}/` }] });

before(async () => {
  http = await startHttp(() => {}); // accepts, reads the request, never answers
});
after(async () => {
  await closeBrowserPool();
  await http.close();
});

describe('contract: browser, beyond probes/contract.test.ts', () => {
  it('settles after an abort that lands while the context and page are being opened', async () => {
    const lease = await browserPool().lease(DEFAULT_EXECUTABLE, {}, AbortSignal.timeout(30_000));
    await lease.release(); // a running browser: the abort lands in context setup, not in the launch
    const config = browserProbe.schema.parse(hanging());
    // Playwright's newPage on a context closed under it never settled: aborts 20-80 ms in hung every time.
    for (let delay = 0; delay <= 120; delay += 10) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), delay);
      const run = browserProbe.run(config, { signal: controller.signal, timeoutMs: 50, region: 'r' });
      const outcome = await Promise.race([run, new Promise<undefined>((r) => setTimeout(r, 10_000))]);
      assert.equal(outcome?.errorKind, 'timeout', `abort after ${delay} ms: ${outcome ? outcome.message : 'never settled'}`);
    }
  });

  it('settles soon after its signal aborts mid-journey, with a running browser', async () => {
    const controller = new AbortController();
    const config = browserProbe.schema.parse(hanging());
    setTimeout(() => controller.abort(), 1_500);
    const outcome = await browserProbe.run(config, { signal: controller.signal, timeoutMs: 60_000, region: 'r' });
    assert.equal(outcome.errorKind, 'timeout', outcome.message);
  });
});
