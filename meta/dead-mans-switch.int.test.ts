/**
 * The dead-man's switch (issue #11): kuzet GETs the configured URL every `everySeconds` while it is
 * ready, and stays quiet while a dependency is missing, so the outside service raises its alarm.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { freePort } from '../test/drills/harness.ts';
import { dropRedisPrefix, REDIS_URL, uniqueName, waitFor } from '../test/support.ts';
import { startKuzet } from '../app/start.ts';

describe("dead-man's switch", () => {
  let outside: Server;
  const hits: { path: string; at: number }[] = [];
  let base: string;

  before(async () => {
    outside = createServer((req, res) => {
      hits.push({ path: req.url ?? '', at: Date.now() });
      res.end('ok');
    });
    await new Promise<void>((r) => outside.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(outside.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => outside.close(r));
  });

  const start = (redisUrl: string, prefix: string, path: string) =>
    startKuzet({
      config: parseConfig(
        `redis: { url: "${redisUrl}", prefix: ${prefix} }\nstorage: { dataDir: "memory://" }\nmeta: { deadMansSwitch: { url: "${base}${path}", everySeconds: 10 } }\n`,
        PROBES,
        {},
      ),
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      workers: false,
      env: {},
    });

  it('pings at once when ready and again every everySeconds', { timeout: 40_000 }, async () => {
    const prefix = uniqueName('kz-dms');
    const k = await start(REDIS_URL, prefix, '/ping/every');
    try {
      assert.equal(await k.redisReady, true);
      const mine = () => hits.filter((h) => h.path === '/ping/every');
      await waitFor(() => mine().length >= 2, { what: 'two pings', timeoutMs: 20_000, intervalMs: 200 });
      const gap = (mine()[1]!.at - mine()[0]!.at) / 1000;
      // everySeconds is 10. The first ping goes out while kuzet is still starting (readiness check,
      // first fetch), either of which a loaded 2-core machine can hold up by seconds: a periodic, not
      // a precise, bound (neither back-to-back nor a missed period).
      assert.ok(gap >= 7 && gap <= 15, `second ping ${gap.toFixed(1)} s after the first`);
    } finally {
      await k.close();
      await dropRedisPrefix(prefix);
    }
  });

  it('stays quiet while kuzet is not ready (Redis unreachable)', { timeout: 40_000 }, async () => {
    const port = await freePort(); // nothing listens there
    const k = await start(`redis://127.0.0.1:${port}`, uniqueName('kz-dms'), '/ping/blind');
    try {
      const ready = await fetch(`${k.url}/readyz`);
      assert.equal(ready.status, 503);
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(
        hits.filter((h) => h.path === '/ping/blind'),
        [],
      );
    } finally {
      await k.close();
    }
  });
});
