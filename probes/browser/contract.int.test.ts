/**
 * The probe contract of probes/contract.test.ts, run for `browser` with a browser pool closed after,
 * so the file's process exits (an open Chromium keeps it alive). Until contract.test.ts has a
 * `browser` fixture, this is where the kind proves the contract.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { browserProbe } from '../browser.probe.ts';
import { runCheck } from '../runner.ts';
import { startHttp } from '../test-servers.ts';
import type { Running } from '../test-servers.ts';
import { ERROR_KINDS } from '../types.ts';
import { closeBrowserPool } from './pool.ts';

const ids = { system: 's', target: 't', check: 'c', region: 'r' };
const minimal = { steps: [{ action: 'goto', url: 'https://goszakup.gov.kz/' }] };
let http: Running & { url: string };
const hanging = () => ({ steps: [{ action: 'goto', url: `${http.url}/` }] });

before(async () => {
  http = await startHttp(() => {}); // accepts, reads the request, never answers
});
after(async () => {
  await closeBrowserPool();
  await http.close();
});

describe('contract: browser', () => {
  it('refuses unknown keys', () => {
    const parsed = browserProbe.schema.safeParse({ ...minimal, surprise: 1 });
    assert.equal(parsed.success, false);
    assert.equal(parsed.error?.issues[0]?.message, 'Unrecognized key: "surprise"');
  });

  it('parses its own output to the same value (no transforms), and the minimal config is valid', () => {
    const once = browserProbe.schema.parse(minimal);
    assert.deepEqual(browserProbe.schema.parse(once), once);
  });

  it('ends by the timeout against a target that never answers', async () => {
    const started = performance.now();
    const result = await runCheck(browserProbe, hanging(), ids, { timeoutMs: 150 });
    assert.deepEqual([result.ok, result.errorKind, result.message], [false, 'timeout', 'timeout after 150 ms']);
    assert.ok(performance.now() - started < 650);
  });

  it('settles by itself soon after its signal aborts', async () => {
    const controller = new AbortController();
    const config = browserProbe.schema.parse(hanging());
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const outcome = await browserProbe.run(config, { signal: controller.signal, timeoutMs: 50, region: 'r' });
    assert.equal(outcome.errorKind, 'timeout', outcome.message);
    assert.ok(performance.now() - started < 1000);
  });

  it('settles soon after its signal aborts mid-journey, with a running browser', async () => {
    const controller = new AbortController();
    const config = browserProbe.schema.parse(hanging());
    setTimeout(() => controller.abort(), 1_500);
    const outcome = await browserProbe.run(config, { signal: controller.signal, timeoutMs: 60_000, region: 'r' });
    assert.equal(outcome.errorKind, 'timeout', outcome.message);
  });

  it('runCheck resolves, never throws, on any invalid input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (config) => {
        fc.pre(!browserProbe.schema.safeParse(config).success);
        const result = await runCheck(browserProbe, config, ids, { timeoutMs: 50 });
        assert.equal(result.ok, false);
        assert.ok(ERROR_KINDS.includes(result.errorKind as never));
        assert.ok(result.message.startsWith('invalid browser config: '), result.message);
      }),
      { numRuns: 40 },
    );
  });
});
