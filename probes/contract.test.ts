/**
 * The contract every check kind must pass. A new kind added to the registry fails here until it has a
 * fixture below: a minimal config and a config aimed at a target that never answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CHECK_KINDS, getProbe, PROBES, type CheckKind } from './registry.ts';
import { browserPool, closeBrowserPool, DEFAULT_EXECUTABLE } from './browser/pool.ts';
import { runChecked } from './observations.test-support.ts';
import { LOCALHOST, startHttp, startSilentUdp, startTcp, type Running } from './test-servers.ts';
import { ERROR_KINDS, type Probe } from './types.ts';

interface Targets {
  http: string;
  tcpPort: number;
  udpPort: number;
}

const FIXTURES: Record<CheckKind, { minimal: Record<string, unknown>; hanging: (t: Targets) => Record<string, unknown> }> = {
  http: { minimal: { url: 'https://goszakup.gov.kz/' }, hanging: (t) => ({ url: t.http }) },
  'json-api': {
    minimal: { url: 'https://goszakup.gov.kz/api', schema: { type: 'object' } },
    hanging: (t) => ({ url: t.http, schema: {} }),
  },
  tcp: { minimal: { host: 'goszakup.gov.kz', port: 443 }, hanging: (t) => ({ host: LOCALHOST, port: t.tcpPort, expect: 'hello' }) },
  dns: { minimal: { name: 'goszakup.gov.kz' }, hanging: (t) => ({ name: 'goszakup.test', resolver: `${LOCALHOST}:${t.udpPort}` }) },
  tls: { minimal: { host: 'goszakup.gov.kz' }, hanging: (t) => ({ host: LOCALHOST, port: t.tcpPort }) },
  browser: {
    minimal: { steps: [{ action: 'goto', url: 'https://goszakup.gov.kz/' }] },
    hanging: (t) => ({ steps: [{ action: 'goto', url: t.http }] }),
  },
  ntp: { minimal: {}, hanging: (t) => ({ server: `${LOCALHOST}:${t.udpPort}` }) },
  'http-date': { minimal: { url: 'https://goszakup.gov.kz/' }, hanging: (t) => ({ url: t.http }) },
  freshness: {
    minimal: { url: 'https://goszakup.gov.kz/api', path: '$.updatedAt', preset: 'prices' },
    hanging: (t) => ({ url: t.http, path: '$.updatedAt', maxAge: '3h' }),
  },
};

const ids = { system: 's', target: 't', check: 'c', region: 'r' };
const TIMEOUT_MS = 150;
let http: Running & { url: string };
let tcp: Running;
let udp: Running;
let targets: Targets;

before(async () => {
  http = await startHttp(() => {}); // accepts, reads the request, never answers
  tcp = await startTcp(); // accepts, never speaks
  udp = await startSilentUdp(); // swallows every query
  targets = { http: `${http.url}/`, tcpPort: tcp.port, udpPort: udp.port };
  // The first browser run loads playwright-core (lazily, hundreds of ms of synchronous module
  // evaluation) and launches Chromium; the timers below would measure that, not the probe. CI once
  // saw 782 ms against a 150 ms timeout for exactly this reason. Start the browser once up front.
  const lease = await browserPool().lease(DEFAULT_EXECUTABLE, {}, AbortSignal.timeout(30_000));
  await lease.release();
});
after(async () => {
  await http.close();
  await tcp.close();
  await udp.close();
  await closeBrowserPool();
});

describe('probe registry', () => {
  it('has a contract fixture for every kind', () => assert.deepEqual(Object.keys(FIXTURES).sort(), [...CHECK_KINDS].sort()));
  it('finds probes by kind, and nothing else', () => {
    for (const kind of CHECK_KINDS) assert.equal(getProbe(kind)?.kind, kind);
    assert.equal(getProbe('ping'), undefined);
    assert.equal(getProbe('toString'), undefined);
  });
});

for (const kind of CHECK_KINDS) {
  const probe: Probe = PROBES[kind];
  const fixture = FIXTURES[kind];

  describe(`contract: ${kind}`, () => {
    it('refuses unknown keys', () => {
      const parsed = probe.schema.safeParse({ ...fixture.minimal, surprise: 1 });
      assert.equal(parsed.success, false);
      assert.equal(parsed.error?.issues[0]?.message, 'Unrecognized key: "surprise"');
    });

    it('parses its own output to the same value (no transforms), and the minimal config is valid', () => {
      const once = probe.schema.parse(fixture.minimal);
      assert.deepEqual(probe.schema.parse(once), once);
    });

    it('ends by the timeout against a target that never answers', async () => {
      const started = performance.now();
      const result = await runChecked(probe, fixture.hanging(targets), ids, { timeoutMs: TIMEOUT_MS });
      assert.deepEqual([result.ok, result.errorKind, result.message], [false, 'timeout', `timeout after ${TIMEOUT_MS} ms`]);
      // A liveness bound (the run ends by its timeout, not by the probe), generous for a loaded CI machine.
      assert.ok(performance.now() - started < TIMEOUT_MS + 1000);
    });

    it('settles by itself soon after its signal aborts (sockets are not left open)', async () => {
      const controller = new AbortController();
      const config = probe.schema.parse(fixture.hanging(targets));
      setTimeout(() => controller.abort(), 50);
      const started = performance.now();
      const outcome = await probe.run(config, { signal: controller.signal, timeoutMs: 50, region: 'r' });
      assert.equal(outcome.errorKind, 'timeout', outcome.message);
      // A liveness bound: the target never answers, so only the abort ends the run. The browser closes
      // its context before it settles, which a loaded CI machine can stretch well past a second.
      assert.ok(performance.now() - started < 5_000);
    });

    it('runCheck resolves, never throws, on any invalid input', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), async (config) => {
          fc.pre(!probe.schema.safeParse(config).success); // a valid random config could dial out
          const result = await runChecked(probe, config, ids, { timeoutMs: 50 });
          assert.equal(result.ok, false);
          assert.ok(ERROR_KINDS.includes(result.errorKind as never));
          assert.ok(result.message.startsWith(`invalid ${kind} config: `), result.message);
        }),
        { numRuns: 40 },
      );
    });
  });
}
