import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { spawnSntpResponder, startSntpResponder, type Responder } from './sntp-responder.ts';
import {
  SntpReplyError,
  buildRequest,
  offsetAndDelay,
  parseReply,
  parseServer,
  querySntp,
  readNtpTime,
  writeNtpTime,
  type SntpRejection,
} from './sntp.ts';

const local = (r: Pick<Responder, 'port'>) => ({ host: '127.0.0.1', port: r.port });

describe('parseServer', () => {
  const table: [string, { host: string; port: number } | undefined][] = [
    ['ntp.nic.kz', { host: 'ntp.nic.kz', port: 123 }],
    ['ntp.nic.kz:1123', { host: 'ntp.nic.kz', port: 1123 }],
    ['127.0.0.1:12300', { host: '127.0.0.1', port: 12300 }],
    ['[::1]:123', { host: '::1', port: 123 }],
    ['::1', { host: '::1', port: 123 }],
    ['ntp.nic.kz:0', undefined],
    ['ntp.nic.kz:65536', undefined],
    ['ntp.nic.kz:', undefined],
    ['udp://ntp.nic.kz', undefined],
    ['ntp nic kz', undefined],
    ['-bad.kz', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of table) it(JSON.stringify(text), () => assert.deepEqual(parseServer(text), expected));
});

describe('NTP timestamps', () => {
  it('round-trip to below a microsecond, across the 2036 era wrap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 0, max: 999_999 }),
        (ms, micro) => {
          const t = ms + micro / 1e6;
          const buf = Buffer.alloc(8);
          writeNtpTime(buf, 0, t);
          assert.ok(Math.abs(readNtpTime(buf, 0) - t) < 0.001);
        },
      ),
    );
  });
  it('2036-02-07T06:28:16Z is seconds 0 of era 1', () => {
    const buf = Buffer.alloc(8);
    writeNtpTime(buf, 0, Date.UTC(2036, 1, 7, 6, 28, 16));
    assert.equal(buf.readUInt32BE(0), 0);
    assert.equal(readNtpTime(buf, 0), Date.UTC(2036, 1, 7, 6, 28, 16));
  });
  it('offset and delay from the four timestamps (RFC 4330 §5)', () => {
    // Server 1500 ms ahead, 10 ms each way, 5 ms processing.
    assert.deepEqual(offsetAndDelay(1000, 2510, 2515, 1025), { offsetMs: 1500, delayMs: 20 });
  });
});

/** A correct reply to `request`, then `change` applied to it. */
function reply(request: Buffer, change: (b: Buffer) => void = () => {}): Buffer {
  const b = Buffer.alloc(48);
  b[0] = (0 << 6) | (4 << 3) | 4;
  b[1] = 2;
  Buffer.from([10, 0, 0, 1]).copy(b, 12);
  request.copy(b, 24, 40, 48);
  writeNtpTime(b, 32, Date.now());
  writeNtpTime(b, 40, Date.now());
  change(b);
  return b;
}

describe('parseReply refuses what a client must not use', () => {
  const request = buildRequest(Date.now());
  const table: [string, (b: Buffer) => Buffer | void, SntpRejection, RegExp][] = [
    ['a short packet', (b) => b.subarray(0, 40), 'short-packet', /reply of 40 bytes/],
    ['a client-mode packet echoed back', (b) => void (b[0] = (4 << 3) | 3), 'bad-mode', /mode 3/],
    ['version 2', (b) => void (b[0] = (2 << 3) | 4), 'bad-version', /version 2/],
    [
      'an origin that is not our transmit timestamp',
      (b) => void b.writeUInt32BE((b.readUInt32BE(28) + 1) >>> 0, 28),
      'bad-origin',
      /does not echo our transmit timestamp/,
    ],
    ["kiss-o'-death RATE", (b) => void ((b[1] = 0), Buffer.from('RATE').copy(b, 12)), 'kiss-of-death', /kiss-o'-death RATE: .*too often/],
    ["kiss-o'-death DENY", (b) => void ((b[1] = 0), Buffer.from('DENY').copy(b, 12)), 'kiss-of-death', /kiss-o'-death DENY: .*denied/],
    ['stratum 16', (b) => void (b[1] = 16), 'unsynchronized', /stratum 16/],
    ['leap indicator 3 (alarm)', (b) => void (b[0] = (3 << 6) | (4 << 3) | 4), 'unsynchronized', /alarm/],
    ['a zero transmit timestamp', (b) => void b.fill(0, 40, 48), 'zero-timestamp', /zero/],
  ];
  for (const [why, change, code, message] of table) {
    it(why, () => {
      const bent = reply(request, (b) => void change(b));
      const packet = change(Buffer.from(bent)) ?? bent;
      assert.throws(
        () => parseReply(packet instanceof Buffer ? packet : bent, request),
        (e: unknown) => e instanceof SntpReplyError && e.code === code && message.test(e.message),
      );
    });
  }
  it('accepts a correct reply and reads stratum and reference id', () => {
    const r = parseReply(reply(request), request);
    assert.deepEqual([r.stratum, r.refId, r.leap, r.version], [2, '10.0.0.1', 0, 4]);
  });
  it('a stratum-1 reference id is text', () => {
    const r = parseReply(
      reply(request, (b) => ((b[1] = 1), b.fill(0, 12, 16), Buffer.from('GPS').copy(b, 12))),
      request,
    );
    assert.equal(r.refId, 'GPS');
  });
  it('two requests made in the same millisecond differ (the origin check cannot be fooled by a neighbour)', () => {
    const seq = [0.1, 0.9];
    const a = buildRequest(1_800_000_000_000, () => seq[0] as number);
    const b = buildRequest(1_800_000_000_000, () => seq[1] as number);
    assert.notDeepEqual(a.subarray(40), b.subarray(40));
  });
});

describe('querySntp against a local responder', () => {
  for (const offsetMs of [1500, -1500]) {
    it(`measures a clock ${offsetMs > 0 ? '+' : ''}${offsetMs} ms away within ±20 ms, without the server's 40 ms hold in the delay`, async () => {
      const r = await spawnSntpResponder({ offsetMs, holdMs: 40 });
      try {
        const m = await querySntp(local(r));
        console.log(
          `# responder ${offsetMs} ms: measured offset ${m.offsetMs.toFixed(2)} ms (error ${(m.offsetMs - offsetMs).toFixed(2)} ms), delay ${m.delayMs.toFixed(2)} ms`,
        );
        assert.ok(Math.abs(m.offsetMs - offsetMs) <= 20, `offset ${m.offsetMs}`);
        assert.ok(m.delayMs >= 0 && m.delayMs < 20, `delay ${m.delayMs}`);
        assert.deepEqual([m.stratum, m.refId, m.server], [2, '192.0.2.1', r.server]);
      } finally {
        await r.close();
      }
    });
  }

  it('uses the clock it is given as the local clock', async () => {
    const r = await spawnSntpResponder();
    try {
      const m = await querySntp(local(r), { clock: () => Date.now() - 700 });
      assert.ok(Math.abs(m.offsetMs - 700) <= 20, `offset ${m.offsetMs}`);
    } finally {
      await r.close();
    }
  });

  const bends: [string, (b: Buffer) => Buffer, SntpRejection][] = [
    ["kiss-o'-death", (b) => ((b[1] = 0), Buffer.from('RSTR').copy(b, 12), b), 'kiss-of-death'],
    ['a malformed (short) reply', (b) => b.subarray(0, 20), 'short-packet'],
    ["a reply with someone else's origin", (b) => (b.fill(7, 24, 32), b), 'bad-origin'],
    ['stratum 0 without a kiss code', (b) => ((b[1] = 0), b.fill(0, 12, 16), b), 'kiss-of-death'],
  ];
  for (const [why, bend, code] of bends) {
    it(`rejects ${why}`, async () => {
      const r = await startSntpResponder({ bend });
      try {
        await assert.rejects(querySntp(local(r)), (e: unknown) => e instanceof SntpReplyError && e.code === code);
      } finally {
        await r.close();
      }
    });
  }

  it('rejects with ECONNREFUSED when nothing listens on the port', async () => {
    const r = await startSntpResponder();
    await r.close();
    await assert.rejects(querySntp(local(r)), { code: 'ECONNREFUSED' });
  });

  let silent: Responder;
  before(async () => (silent = await startSntpResponder({ bend: () => null })));
  after(() => silent.close());
  it('stops when its signal aborts (a server that never answers)', async () => {
    const started = performance.now();
    await assert.rejects(querySntp(local(silent), { signal: AbortSignal.timeout(80) }), { name: 'TimeoutError' });
    // A liveness bound (the server never answers; only the signal ends the query), generous for a loaded CI machine.
    assert.ok(performance.now() - started < 2_000);
    assert.equal(silent.requests, 1);
  });
  it('rejects at once with an aborted signal, sending nothing', async () => {
    const before = silent.requests;
    await assert.rejects(querySntp(local(silent), { signal: AbortSignal.abort() }));
    assert.equal(silent.requests, before);
  });
});
