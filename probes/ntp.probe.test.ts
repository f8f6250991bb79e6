import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import { ntpProbe, ntpSchema } from './ntp.probe.ts';
import { clearMeasuredOffset, measuredOffset } from './ntp/clock.ts';
import { spawnSntpResponder, startSntpResponder } from './ntp/sntp-responder.ts';
import { runChecked } from './observations.test-support.ts';

const ids = { system: 'kuzet', target: 'clock', check: 'ntp', region: 'r' };
const run = (config: Record<string, unknown>, timeoutMs = 2000) => runChecked(ntpProbe, config, ids, { timeoutMs });

describe('ntp config', () => {
  const table: [Record<string, unknown>, string][] = [
    [{ server: 'ntp.nic.kz:99999' }, 'server: expected a host with an optional port, like "ntp.nic.kz", "10.0.0.2:123" or "[::1]:123"'],
    [{ server: 'udp://ntp.nic.kz' }, 'server: expected a host with an optional port, like "ntp.nic.kz", "10.0.0.2:123" or "[::1]:123"'],
    [{ warnMs: 600 }, 'warnMs: must not exceed failMs'],
    [{ failMs: 0 }, 'failMs: Too small: expected number to be >0'],
  ];
  for (const [config, message] of table) {
    it(`${JSON.stringify(config)} → ${message}`, () => {
      const r = ntpSchema.safeParse(config);
      assert.equal(r.success, false);
      const issue = r.error?.issues[0];
      assert.equal(`${issue?.path.join('.')}: ${issue?.message}`, message);
    });
  }
  it('defaults: ntp.nic.kz, warn 100 ms, fail 500 ms, corrects the clock', () =>
    assert.deepEqual(ntpSchema.parse({}), { server: 'ntp.nic.kz', warnMs: 100, failMs: 500, correctClock: true }));
});

describe('ntp probe', () => {
  afterEach(clearMeasuredOffset);

  it('passes near 0, warns above 100 ms, fails above 500 ms; observations carry the numbers; the clock is corrected', async () => {
    for (const [offsetMs, ok, level] of [
      [0, true, 'ok'],
      [250, true, 'warn'],
      [1500, false, 'fail'],
      [-1500, false, 'fail'],
    ] as const) {
      const s = await spawnSntpResponder({ offsetMs });
      try {
        const r = await run({ server: s.server });
        const o = r.observations ?? {};
        assert.equal(r.ok, ok, r.message);
        assert.equal(o.level, level);
        assert.ok(Math.abs((o.offsetMs as number) - offsetMs) <= 20, `offset ${String(o.offsetMs)}`);
        assert.deepEqual([o.server, o.stratum, o.refId, typeof o.delayMs], [s.server, 2, '192.0.2.1', 'number']);
        if (!ok) assert.equal(r.errorKind, 'assertion');
        if (level === 'warn') assert.match(r.message, /warning: \|offset\| above 100 ms/);
        assert.ok(Math.abs((measuredOffset()?.offsetMs ?? NaN) - offsetMs) <= 20);
        assert.equal(measuredOffset()?.source, s.server);
      } finally {
        await s.close();
      }
    }
  });

  it('correctClock: false leaves kuzet’s clock alone', async () => {
    const s = await startSntpResponder({ offsetMs: 300 });
    try {
      const r = await run({ server: s.server, correctClock: false });
      assert.equal(r.ok, true, r.message);
      assert.equal(measuredOffset(), undefined);
    } finally {
      await s.close();
    }
  });

  it("a kiss-o'-death is an assertion failure naming the code, and does not touch the clock", async () => {
    const s = await startSntpResponder({ bend: (b) => ((b[1] = 0), Buffer.from('RATE').copy(b, 12), b) });
    try {
      const r = await run({ server: s.server });
      assert.deepEqual([r.ok, r.errorKind], [false, 'assertion']);
      assert.equal(r.message, `${s.server}: kiss-o'-death RATE: the server refuses to serve us (we query too often)`);
      assert.deepEqual(r.observations, { server: s.server, rejected: 'kiss-of-death' });
      assert.equal(measuredOffset(), undefined);
    } finally {
      await s.close();
    }
  });

  it('a malformed reply is an assertion failure', async () => {
    const s = await startSntpResponder({ bend: (b) => b.subarray(0, 12) });
    try {
      const r = await run({ server: s.server });
      assert.deepEqual(
        [r.ok, r.errorKind, r.message],
        [false, 'assertion', `${s.server}: reply of 12 bytes, an NTP packet has at least 48`],
      );
    } finally {
      await s.close();
    }
  });

  let closed: string;
  before(async () => {
    const s = await startSntpResponder();
    closed = s.server;
    await s.close();
  });
  it('a closed port is a connect failure', async () => {
    const r = await run({ server: closed });
    assert.deepEqual([r.ok, r.errorKind], [false, 'connect'], r.message);
    assert.match(r.message, /ECONNREFUSED/);
  });
  it('an unknown host is a dns failure', async () => {
    const r = await run({ server: 'no-such-host.invalid' }, 5000);
    assert.deepEqual([r.ok, r.errorKind], [false, 'dns'], r.message);
  });
});
