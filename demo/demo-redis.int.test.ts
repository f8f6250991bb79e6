/**
 * Two demos on one Redis (two users, or a demo beside the tests) keep their own queues: each `kuzet
 * demo` process takes
 * its prefix from its data directory, so a fault in one demo's portal shows in that demo only. Were
 * the queues shared, the other demo's workers would take half the jobs and run them against their
 * own, healthy simulator.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { dropRedisPrefix, freePort, tempDir, waitFor } from '../test/support.ts';
import { demoRedisPrefix } from './run.ts';

type Status = { systems: { id: string; targets: { id: string; checks: { status: string }[] }[] }[] };
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function searchStatus(kuzetUrl: string): Promise<string | undefined> {
  const s = (await (await fetch(`${kuzetUrl}/api/v1/status`)).json()) as Status;
  return s.systems.find((x) => x.id === 'portal')?.targets.find((t) => t.id === 'search')?.checks[0]?.status;
}

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

describe('demoRedisPrefix', () => {
  it('is kuzet-demo- and 8 hex digits of the absolute data directory, the same for the same folder however written', () => {
    const a = demoRedisPrefix('/srv/kuzet/data/demo');
    assert.match(a, /^kuzet-demo-[0-9a-f]{8}$/);
    assert.equal(demoRedisPrefix('/srv/kuzet/data/../data/demo/'), a);
    assert.notEqual(demoRedisPrefix('/home/other/data/demo'), a);
    assert.equal(demoRedisPrefix('data/demo'), demoRedisPrefix(join(process.cwd(), 'data/demo')));
  });
});

describe('two demos on one Redis', () => {
  const dir = tempDir();
  const demos: Demo[] = [];
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

  before(async () => {
    // Two processes, as two users would run them: `kuzet demo` with its own data directory and ports, no prefix given.
    for (const name of ['one', 'two']) demos.push(await spawnDemo(join(dir.path, name, 'data')));
  });
  after(async () => {
    for (const d of demos) {
      await d.stop();
      await dropRedisPrefix(d.prefix);
    }
    redis.disconnect();
    dir.remove();
  });

  it('say which Redis and prefix they use, each derived from its data directory', () => {
    const [one, two] = demos as [Demo, Demo];
    assert.equal(one.prefix, demoRedisPrefix(join(dir.path, 'one', 'data')));
    assert.equal(two.prefix, demoRedisPrefix(join(dir.path, 'two', 'data')));
    assert.notEqual(one.prefix, two.prefix);
    assert.match(one.banner, new RegExp(`Redis: +${REDIS_URL.replace(/[/.]/g, '\\$&')}/?, key prefix ${one.prefix} `));
  });

  it('keep their own queues: a fault in one portal shows in that demo only, and each has its own keys', async () => {
    const [one, two] = demos as [Demo, Demo];
    for (const d of demos)
      await waitFor(async () => ((await searchStatus(d.kuzetUrl)) === 'up' ? true : undefined), { what: 'search up', timeoutMs: 45_000 });
    await fetch(`${one.simUrl}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'search', fault: 'http-500' }),
    });
    await waitFor(async () => ((await searchStatus(one.kuzetUrl)) === 'down' ? true : undefined), {
      what: 'search down in the first demo',
      timeoutMs: 30_000,
    });
    // Several intervals (5 s) later: the first stays down, the second stays up.
    const seen: Array<[string | undefined, string | undefined]> = [];
    for (let i = 0; i < 6; i++) {
      seen.push([await searchStatus(one.kuzetUrl), await searchStatus(two.kuzetUrl)]);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    assert.deepEqual(
      seen,
      seen.map(() => ['down', 'up']),
    );
    const [keysOne, keysTwo] = await Promise.all(demos.map((d) => keysUnder(redis, d.prefix)));
    assert.ok(keysOne!.length > 0 && keysTwo!.length > 0, 'each demo has queues under its own prefix');
  });
});

interface Demo {
  prefix: string;
  kuzetUrl: string;
  simUrl: string;
  banner: string;
  stop(): Promise<void>;
}

async function spawnDemo(dataDir: string): Promise<Demo> {
  const [port, portalPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ['bin/kuzet.mjs', 'demo', '--port', String(port), '--portal-port', String(portalPort), '--data-dir', dataDir],
    {
      env: { ...process.env, REDIS_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', () => undefined);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  try {
    const banner = await waitFor(() => (/operator token/.test(out) ? out : undefined), { what: 'the demo banner', timeoutMs: 90_000 });
    return {
      prefix: /key prefix (\S+)/.exec(banner)![1]!,
      kuzetUrl: `http://127.0.0.1:${port}`,
      simUrl: `http://127.0.0.1:${portalPort}`,
      banner,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
