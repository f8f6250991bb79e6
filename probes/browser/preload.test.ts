/**
 * playwright-core loads only in a process with journeys, and then at start (the preload), not in the
 * middle of the first checks. Each test file runs in its own process, so nothing loaded it before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeBrowserPool, configureBrowserPool, isPlaywrightLoaded } from './pool.ts';

describe('loading playwright-core', () => {
  it('is not loaded by configuring a pool without journeys, and is loaded once a pool is configured with preload', async () => {
    await configureBrowserPool({ concurrency: 2 });
    assert.equal(isPlaywrightLoaded(), false);
    await configureBrowserPool({ concurrency: 2, preload: true });
    assert.equal(isPlaywrightLoaded(), true);
    await closeBrowserPool();
  });
});
