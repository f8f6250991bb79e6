/**
 * The SNTP client against a real NTP server: chronyd serving on a random loopback port, never
 * touching the host clock (`-x`), with its own config, pid and drift files in a fresh temp folder.
 * Skips nothing: without chronyd this test fails and says how to install it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { querySntp, type SntpMeasurement } from './sntp.ts';

const CHRONYD_CANDIDATES = ['/usr/sbin/chronyd', '/usr/bin/chronyd', 'chronyd'];

function findChronyd(): string {
  for (const c of CHRONYD_CANDIDATES) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  }
  throw new Error('chronyd is not installed: run `apt-get install -y chrony` (Debian) to run this test');
}

/** A UDP port free right now on 127.0.0.1: bound, read, released. */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('SNTP against a real chronyd on loopback', () => {
  let dir: string;
  let port: number;
  let chronyd: ChildProcess | undefined;
  let log = '';

  before(async () => {
    const bin = findChronyd();
    dir = mkdtempSync(join(tmpdir(), 'kuzet-chrony-'));
    port = await freeUdpPort();
    const conf = join(dir, 'chrony.conf');
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bindaddress 127.0.0.1',
        'allow 127.0.0.1',
        'local stratum 8',
        'cmdport 0',
        `pidfile ${join(dir, 'chronyd.pid')}`,
        `driftfile ${join(dir, 'drift')}`,
        '',
      ].join('\n'),
    );
    // -d: stay in the foreground, so this process owns it and can stop it by its own pid.
    chronyd = spawn(bin, ['-x', '-d', '-f', conf, '-L', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    chronyd.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    chronyd.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  });

  after(async () => {
    if (chronyd && chronyd.exitCode === null) {
      const exited = new Promise((resolve) => chronyd?.once('exit', resolve));
      chronyd.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('measures |offset| < 50 ms against chronyd, serving its own clock as `local stratum 8`', async () => {
    let m: SntpMeasurement | undefined;
    let last: unknown;
    for (let i = 0; i < 50 && !m; i++) {
      if (chronyd?.exitCode !== null) throw new Error(`chronyd exited with ${chronyd?.exitCode}: ${log}`);
      try {
        m = await querySntp({ host: '127.0.0.1', port }, { signal: AbortSignal.timeout(500) });
      } catch (err) {
        last = err;
        await sleep(100); // chronyd is still starting
      }
    }
    assert.ok(m, `no valid reply from chronyd on port ${port}: ${String(last)}\n${log}`);
    console.log(
      `# chronyd on 127.0.0.1:${port}: offset ${m.offsetMs.toFixed(3)} ms, delay ${m.delayMs.toFixed(3)} ms, stratum ${m.stratum}, refId ${m.refId}`,
    );
    assert.ok(Math.abs(m.offsetMs) < 50, `offset ${m.offsetMs} ms`);
    assert.ok(m.delayMs >= 0 && m.delayMs < 50, `delay ${m.delayMs} ms`);
    assert.ok(m.stratum >= 8 && m.stratum <= 9, `stratum ${m.stratum}`);
    assert.equal(m.leap, 0);
  });
});
