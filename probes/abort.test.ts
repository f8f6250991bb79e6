import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { raceAbort, settleAfterAbort } from './abort.ts';

const never = () => new Promise<string>(() => undefined);

describe('raceAbort', () => {
  it('rejects with the signal reason when the signal aborts first, and passes a value through otherwise', async () => {
    const c = new AbortController();
    const raced = raceAbort(never(), c.signal);
    c.abort(new Error('cut'));
    await assert.rejects(raced, /cut/);
    assert.equal(await raceAbort(Promise.resolve('v'), new AbortController().signal), 'v');
  });
});

describe('settleAfterAbort', () => {
  it('gives the work its own answer when it ends within the grace after an abort', async () => {
    const c = new AbortController();
    const work = new Promise<string>((r) => setTimeout(() => r('own'), 20));
    const settled = settleAfterAbort(work, c.signal, 1_000, () => 'fallback');
    c.abort();
    assert.equal(await settled, 'own');
  });

  it('settles with the fallback once the grace runs out after an abort', async () => {
    const c = new AbortController();
    const settled = settleAfterAbort(never(), c.signal, 30, () => 'fallback');
    setTimeout(() => c.abort(), 10);
    assert.equal(await settled, 'fallback');
  });

  it('waits for the work without limit while the signal has not aborted', async () => {
    const c = new AbortController();
    const work = new Promise<string>((r) => setTimeout(() => r('slow'), 80));
    assert.equal(await settleAfterAbort(work, c.signal, 10, () => 'fallback'), 'slow');
  });

  it('counts the grace from the start when the signal had already aborted', async () => {
    const c = new AbortController();
    c.abort();
    assert.equal(await settleAfterAbort(never(), c.signal, 10, () => 'fallback'), 'fallback');
  });
});
