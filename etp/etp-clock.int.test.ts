/**
 * An ETP whose clock runs 2.3 s ahead (its HTTP Date header), checked by a real `http-date` check
 * through the scheduler, workers, ingestion and the incident detector (PGlite, the real Redis): after
 * N failing runs an incident is open on the ETP's clock module, and `GET /api/v1/etps/:id` shows the
 * offset (within ±150 ms), the runs beyond the threshold, that incident and the ntp.nic.kz rule it
 * breaks. The clock incident does not move the order-service streak.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../core/auth.ts';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { REDIS_URL, dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';

const AHEAD_MS = 2300;

describe('ETP clock offset beyond the threshold', () => {
  let k: KuzetHandle;
  let etpServer: http.Server;
  let token: string;
  const prefix = uniqueName('kzclock');
  const dir = tempDir();

  before(async () => {
    etpServer = http.createServer((_req, res) => {
      res.setHeader('date', new Date(Date.now() + AHEAD_MS).toUTCString());
      res.end('ok');
    });
    await new Promise<void>((r) => etpServer.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(etpServer.address() as AddressInfo).port}/`;
    const config = parseConfig(
      `
redis: { prefix: ${prefix} }
storage: { dataDir: "memory://" }
systems:
  etp-one:
    name: ЭТП Один
    kind: etp
    policy: etp-em
    modules: [orders, clock]
    owners: [{ name: ТОО Один, email: owner@one.kz }]
    targets:
      - { id: orders, module: orders, service: orders }
      - id: clock
        module: clock
        checks: [{ id: http-date, type: http-date, url: "${url}", interval: 6s, timeout: 6s, samples: 4, maxOffsetMs: 1000 }]
`,
      PROBES,
      {},
    );
    k = await startKuzet({
      config,
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      env: { REDIS_URL },
      artifactsDir: dir.path,
      incidents: { detector: { failuresToOpen: 2 } },
    });
    assert.equal(await k.redisReady, true);
    token = (await createToken(k.db, { role: 'viewer', name: 'v' })).token;
  });
  after(async () => {
    await k?.close();
    await new Promise((r) => etpServer.close(r));
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('opens an incident after N failing runs and the ETP view cites ETP-TIME-NTP beside it', async () => {
    type View = {
      streak: { currentStreak: number };
      time: {
        clockOffset: {
          offsetMs: number | null;
          uncertaintyMs: number | null;
          ok: boolean | null;
          runsBeyondThreshold: number;
          runsToOpenIncident: number;
          incident: string | null;
          rule: string;
        }[];
      };
    };
    const v = await waitFor(
      async () => {
        const r = (await (await fetch(`${k.url}/api/v1/etps/etp-one`, { headers: { authorization: `Bearer ${token}` } })).json()) as View;
        return r.time.clockOffset[0]?.incident ? r : undefined;
      },
      { what: 'an incident on the clock module', timeoutMs: 60_000, intervalMs: 500 },
    );
    const c = v.time.clockOffset[0]!;
    assert.equal(c.ok, false);
    assert.ok(Math.abs((c.offsetMs as number) - AHEAD_MS) <= 150, `estimate ${c.offsetMs} ms ± ${c.uncertaintyMs} ms, true ${AHEAD_MS} ms`);
    assert.ok(c.runsBeyondThreshold >= 2, String(c.runsBeyondThreshold));
    assert.equal(c.runsToOpenIncident, 2);
    assert.equal(c.rule, 'ETP-TIME-NTP');
    const inc = (
      await k.db.query<{ system: string; module: string; evidence: { details: { lastMessage: string }[] } }>(
        'SELECT system, module, evidence FROM incidents WHERE id = $1',
        [c.incident],
      )
    )[0];
    assert.deepEqual([inc?.system, inc?.module], ['etp-one', 'clock']);
    assert.match(inc?.evidence.details[0]?.lastMessage ?? '', /\|offset\| above 1000 ms/);
    assert.equal(v.streak.currentStreak, 0, 'a clock incident is not an order-service failure');
  });
});
