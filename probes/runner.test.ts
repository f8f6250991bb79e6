import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { runCheck } from './runner.ts';
import type { Probe } from './types.ts';

const ids = { system: 'portal', target: 'main', check: 'fake', region: 'ast' };
const at = new Date('2025-03-01T04:00:00Z');
const now = () => at;

function fakeProbe(run: Probe['run']): Probe {
  return { kind: 'fake', schema: z.strictObject({ n: z.number().default(1) }), observation: z.record(z.string(), z.unknown()), run };
}

describe('runCheck', () => {
  it('returns the outcome with ids, start time and measured latency', async () => {
    const probe = fakeProbe(async (config) => ({ ok: true, message: `n=${config.n}`, observations: { n: config.n } }));
    const result = await runCheck(probe, {}, ids, { timeoutMs: 1000, now });
    assert.deepEqual(
      { ...result, latencyMs: 0 },
      { ...ids, kind: 'fake', ok: true, errorKind: null, message: 'n=1', at, latencyMs: 0, observations: { n: 1 } },
    );
    assert.ok(result.latencyMs >= 0);
  });

  it("keeps the probe's own latency when it reports one", async () => {
    const result = await runCheck(
      fakeProbe(async () => ({ ok: true, message: 'ok', latencyMs: 42 })),
      {},
      ids,
      { timeoutMs: 1000, now },
    );
    assert.equal(result.latencyMs, 42);
  });

  it('ends by the timeout when the probe ignores its signal', async () => {
    const probe = fakeProbe(() => new Promise(() => {}));
    const started = performance.now();
    const result = await runCheck(probe, {}, ids, { timeoutMs: 50, now });
    assert.equal(result.errorKind, 'timeout');
    assert.equal(result.message, 'timeout after 50 ms');
    // A liveness bound (the probe never settles; only the runner's timer ends the run), generous for a loaded CI machine.
    assert.ok(performance.now() - started < 2_000);
    assert.ok(result.latencyMs >= 45);
  });

  it('aborts the signal at the timeout', async () => {
    let aborted = false;
    const probe = fakeProbe(
      (_c, ctx) =>
        new Promise((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ ok: false, errorKind: 'timeout', message: 'aborted' });
          }),
        ),
    );
    await runCheck(probe, {}, ids, { timeoutMs: 20, now });
    assert.equal(aborted, true);
  });

  it('turns a throw, a rejection and a late rejection into internal', async () => {
    const sync = fakeProbe(() => {
      throw new Error('boom');
    });
    const rejected = fakeProbe(async () => Promise.reject(new Error('bang')));
    const late = fakeProbe(() => new Promise((_r, reject) => setTimeout(() => reject(new Error('late')), 40)));
    assert.deepEqual(pick(await runCheck(sync, {}, ids, { timeoutMs: 100, now })), ['internal', 'probe crashed: boom']);
    assert.deepEqual(pick(await runCheck(rejected, {}, ids, { timeoutMs: 100, now })), ['internal', 'probe crashed: bang']);
    assert.deepEqual(pick(await runCheck(late, {}, ids, { timeoutMs: 10, now })), ['timeout', 'timeout after 10 ms']);
    await new Promise((r) => setTimeout(r, 60)); // the late rejection must not surface as unhandled
  });

  it('reports an invalid config as internal, with the field', async () => {
    const result = await runCheck(
      fakeProbe(async () => ({ ok: true, message: 'ok' })),
      { n: 'x', extra: 1 },
      ids,
      { timeoutMs: 100, now },
    );
    assert.deepEqual(pick(result), [
      'internal',
      'invalid fake config: n: Invalid input: expected number, received string; Unrecognized key: "extra"',
    ]);
  });

  it('treats ok:false without a kind as internal', async () => {
    const result = await runCheck(
      fakeProbe(async () => ({ ok: false, message: 'no' })),
      {},
      ids,
      { timeoutMs: 100, now },
    );
    assert.equal(result.errorKind, 'internal');
  });
});

function pick(r: { errorKind: string | null; message: string }) {
  return [r.errorKind, r.message];
}
