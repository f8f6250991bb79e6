/** The `etp-streak` and `ntp` commands, run as a user runs them: `node bin/kuzet.mjs …`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSntpResponder } from '../probes/ntp/sntp-responder.ts';
import { runCli } from '../test/support.ts';

const cli = (args: string[], input = '') => runCli(args, { input });

const WORKED_EXAMPLE = {
  etp: 'etp-1',
  asOf: '2026-03-08',
  minFailureMinutes: 1,
  episodes: ['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => ({
    service: 'orders',
    start: `2026-03-${d}T10:00:00+05:00`,
    end: `2026-03-${d}T10:30:00+05:00`,
  })),
};

describe('kuzet etp-streak', () => {
  it('prints the worked example: threshold on Mar 8, decision by Mar 16 23:59:59', async () => {
    const r = await cli(['etp-streak', '--input', '-'], JSON.stringify(WORKED_EXAMPLE));
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), {
      etp: 'etp-1',
      failureDays: ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'],
      currentStreak: 8,
      longestStreak: 8,
      thresholdReachedOn: '2026-03-08',
      decisionDueBy: '2026-03-16T23:59:59+05:00',
    });
  });

  it('exits 2 naming the field of an invalid episode', async () => {
    const bad = {
      ...WORKED_EXAMPLE,
      episodes: [
        ...WORKED_EXAMPLE.episodes.slice(0, 2),
        { service: 'orders', start: '2026-03-03 10:00', end: '2026-03-03T10:30:00+05:00' },
      ],
    };
    const r = await cli(['etp-streak', '--input', '-'], JSON.stringify(bad));
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: episodes[2].start: not an ISO 8601 date-time with offset\n');
  });

  it('exits 2 on input that is not JSON', async () => {
    const r = await cli(['etp-streak', '--input', '-'], '{');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: input: not valid JSON/);
  });
});

describe('kuzet ntp', () => {
  it('prints server, offset, delay, stratum and reference id from a local responder 1.5 s ahead', async () => {
    const s = await startSntpResponder({ offsetMs: 1500 });
    try {
      const r = await cli(['ntp', '--server', s.server]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(out), ['server', 'offsetMs', 'delayMs', 'stratum', 'refId']);
      assert.deepEqual([out.server, out.stratum, out.refId], [s.server, 2, '192.0.2.1']);
      assert.ok(Math.abs((out.offsetMs as number) - 1500) <= 20, r.stdout);
    } finally {
      await s.close();
    }
  });

  it('exits 1 with a clear message when the server does not answer', async () => {
    const s = await startSntpResponder({ bend: () => null });
    try {
      const r = await cli(['ntp', '--server', s.server, '--timeout', '300']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `error: NTP server ${s.server} gave no usable answer: no answer within 300 ms\n`);
    } finally {
      await s.close();
    }
  });

  it("exits 1 naming a kiss-o'-death", async () => {
    const s = await startSntpResponder({ bend: (b) => ((b[1] = 0), Buffer.from('DENY').copy(b, 12), b) });
    try {
      const r = await cli(['ntp', '--server', s.server]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `error: NTP server ${s.server} gave no usable answer: kiss-o'-death DENY: the server refuses to serve us (access denied)\n`,
      );
    } finally {
      await s.close();
    }
  });

  it('exits 2 on a malformed --server', async () => {
    const r = await cli(['ntp', '--server', 'ntp.nic.kz:99999']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: server: expected a host with an optional port, like "ntp.nic.kz", "10.0.0.2:123" or "[::1]:123"\n');
  });
});
