/**
 * The ETP API on a running kuzet (PGlite, the real Redis): 401 without a token, 403 for a viewer's
 * write, field-named 400s, the registry seeded from the config and changed with audit, recorded
 * episodes moving the ledger, warnings and the threshold notice stored once per ETP and date
 * (notice_deliveries keys), the decision, and the clock-offset evidence of an http-date check.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../core/auth.ts';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { astanaDayTimeToMs, astanaEpochDay, formatAstana, formatEpochDay } from '../core/time.ts';
import { PROBES } from '../probes/index.ts';
import { waitInsideAstanaDay } from '../test/astana-clock.test-support.ts';
import { REDIS_URL, dropRedisPrefix, postOversized, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { emit } from '../incidents/index.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';

const prefix = uniqueName('kzetp');
const yaml = `
redis: { prefix: ${prefix} }
storage: { dataDir: "memory://" }
notifications:
  channels:
    - { id: mail, type: email, smtpUrl: "smtp://127.0.0.1:9/?ignoreTLS=true", from: kuzet@op.kz, to: [oncall@op.kz] }
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
        checks: [{ id: http-date, type: http-date, url: "http://127.0.0.1:9/", interval: 30s, timeout: 15s, maxOffsetMs: 1000 }]
    etp: { domain: one.example.kz, ips: [10.1.1.1] }
  etp-three:
    name: ЭТП Три
    kind: etp
    policy: etp-em
    owners: [{ name: ТОО Три }]
    targets: [{ id: orders-api, module: orders, service: orders }]
`;

describe('ETP API', () => {
  let k: KuzetHandle;
  let op: string;
  let viewer: string;
  const dir = tempDir();

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const r = await fetch(`${k.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: r.status,
      json: (await r.json()) as Record<string, unknown> & { error?: { code: string; field?: string; message: string } },
    };
  };

  /** Line protocol the InfluxDB sink posted (a local /write endpoint standing in for InfluxDB 1.x). */
  const influxLines: string[] = [];
  const influx = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      influxLines.push(...body.split('\n').filter(Boolean));
      res.writeHead(204).end();
    });
  });

  before(async () => {
    await new Promise<void>((r) => influx.listen(0, '127.0.0.1', r));
    const influxUrl = `http://127.0.0.1:${(influx.address() as AddressInfo).port}`;
    const config = parseConfig(`${yaml}\ninflux: { url: "${influxUrl}", v1Database: kuzet, flushIntervalMs: 100 }`, PROBES, {});
    k = await startKuzet({
      config,
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      workers: false,
      env: { REDIS_URL },
      artifactsDir: dir.path,
    });
    assert.equal(await k.redisReady, true);
    op = (await createToken(k.db, { role: 'operator', name: 'op' })).token;
    viewer = (await createToken(k.db, { role: 'viewer', name: 'viewer' })).token;
  });
  after(async () => {
    await k?.close();
    influx.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('401 without a token, 403 for a viewer writing', async () => {
    assert.equal((await call('GET', '/api/v1/etps')).status, 401);
    assert.equal((await call('GET', '/api/v1/etps/etp-one')).status, 401);
    assert.equal((await call('POST', '/api/v1/etps', undefined, {})).status, 401);
    for (const [method, path] of [
      ['POST', '/api/v1/etps'],
      ['PATCH', '/api/v1/etps/etp-one'],
      ['POST', '/api/v1/etps/etp-one/decision'],
      ['POST', '/api/v1/etps/etp-one/episodes'],
    ] as const) {
      const r = await call(method, path, viewer, { name: 'x' });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json.error?.code, 'forbidden');
    }
  });

  it('lists the ETPs seeded from the config; 404 for an unknown one', async () => {
    const r = await call('GET', '/api/v1/etps', viewer);
    assert.equal(r.status, 200);
    assert.deepEqual(
      (r.json.etps as { id: string; state: string; currentStreak: number }[]).map((e) => [e.id, e.state, e.currentStreak]),
      [
        ['etp-one', 'productive', 0],
        ['etp-three', 'productive', 0],
      ],
    );
    const d = await call('GET', '/api/v1/etps/etp-one', viewer);
    assert.equal(d.json.domain, 'one.example.kz');
    assert.deepEqual(d.json.services, [{ service: 'orders', target: 'orders' }]);
    assert.equal((await call('GET', '/api/v1/etps/nope', viewer)).status, 404);
  });

  it('field-named 400s', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/v1/etps', { id: 'Bad Id', name: 'x', owner: { name: 'o' } }, 'id'],
      ['POST', '/api/v1/etps', { id: 'etp-two', name: 'x' }, 'owner'],
      ['POST', '/api/v1/etps', { id: 'etp-two', name: 'x', owner: { name: 'o' }, ips: ['1.2.3'] }, 'ips[0]'],
      ['POST', '/api/v1/etps', { id: 'etp-two', name: 'x', owner: { name: 'o' }, stateSince: 'yesterday' }, 'stateSince'],
      ['PATCH', '/api/v1/etps/etp-one', { authRotations: ['2026-02-30'] }, 'authRotations[0]'],
      ['PATCH', '/api/v1/etps/etp-one', { state: 'disconnected' }, 'state'],
      ['PATCH', '/api/v1/etps/etp-one', { owner: { name: 'o', contacts: [{ name: 'c', email: 'x' }] } }, 'owner.contacts[0].email'],
      ['PATCH', '/api/v1/etps/etp-one', { colour: 'red' }, 'colour'],
      ['POST', '/api/v1/etps/etp-one/decision', { decision: 'disconnect', reason: 'сбои' }, 'disconnectAt'],
      ['POST', '/api/v1/etps/etp-one/decision', { decision: 'keep', reason: 'ok' }, 'reason'],
      [
        'POST',
        '/api/v1/etps/etp-one/episodes',
        { service: 'orders', start: '2026-03-01T10:00:00+05:00', end: '2026-03-01T09:00:00+05:00' },
        'end',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await call(method, path, op, body);
      assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error?.field, field, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
    }
    const notJson = await fetch(`${k.url}/api/v1/etps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${op}`, 'content-type': 'application/json' },
      body: '{',
    });
    assert.equal(notJson.status, 400);
    // Over the 1 MiB limit without a declared length (chunked): a readable 413 naming the limit, then the connection closes.
    for (const declare of [false, true]) {
      const big = await postOversized(`${k.url}/api/v1/etps`, {
        headers: { authorization: `Bearer ${op}`, 'content-type': 'application/json' },
        bytes: 2 * 1024 * 1024,
        declare,
        first: Buffer.from('"'),
        chunk: Buffer.alloc(64 * 1024, 'a'),
      });
      assert.equal(big.status, 413, `declared length: ${declare}`);
      assert.match(big.body, /"body larger than 1048576 bytes"/);
      assert.equal(big.connection, 'close');
    }
  });

  it('creates and changes an ETP, audited with before and after; a stale version is a 409', async () => {
    const c = await call('POST', '/api/v1/etps', op, {
      id: 'etp-two',
      name: 'ЭТП Два',
      owner: { name: 'ТОО Два', contacts: [{ name: 'Асель', email: 'asel@two.kz' }] },
      domain: 'two.kz',
      ips: ['10.2.2.2'],
      services: [{ service: 'orders' }, { service: 'analytics' }],
    });
    assert.equal(c.status, 201, JSON.stringify(c.json));
    assert.deepEqual(c.json.connection, { state: 'test', since: c.json.connection && (c.json.connection as { since: string }).since });
    const p = await call('PATCH', '/api/v1/etps/etp-two', op, { state: 'productive', authRotations: ['2026-04-01'], version: 1 });
    assert.equal(p.status, 200);
    assert.equal((p.json.connection as { state: string }).state, 'productive');
    assert.equal((await call('PATCH', '/api/v1/etps/etp-two', op, { name: 'x', version: 1 })).status, 409);
    const audit = await k.db.query<{
      action: string;
      before: { connection: { state: string } } | null;
      after: { connection: { state: string } };
      ip: string | null;
    }>("SELECT action, before, after, ip FROM audit_log WHERE subject = 'etp-two' ORDER BY id");
    assert.deepEqual(
      audit.map((a) => [a.action, a.before?.connection.state ?? null, a.after.connection.state]),
      [
        ['etp.create', null, 'test'],
        ['etp.update', 'test', 'productive'],
      ],
    );
    assert.ok(
      audit.every((a) => a.ip),
      'the IP is audited',
    );
  });

  it('recorded episodes move the streak; the warning and threshold notices are stored once per ETP and date', async () => {
    // Today's episode must hold at least minFailureMinutes (1) of today: just after Astana midnight
    // (it failed in CI at 00:0x) wait until 3 minutes into the day rather than spill onto yesterday.
    // Nor may midnight fall inside the test: recorded after it, yesterday's warning is two days old
    // and no longer notified (only asOf and the day before are).
    await waitInsideAstanaDay({ afterMs: 3 * 60_000, beforeMs: 2 * 60_000 });
    const dayStart = (ms: number) => astanaDayTimeToMs(astanaEpochDay(ms), 0);
    const now = Date.now();
    const today = astanaEpochDay(now);
    for (let i = 7; i >= 0; i--) {
      const day = formatEpochDay(today - i);
      const start = i === 0 ? formatAstana(Math.max(dayStart(now), now - 5 * 60_000)) : `${day}T12:00:00+05:00`;
      const end = i === 0 ? formatAstana(now - 30_000) : `${day}T12:30:00+05:00`;
      const r = await call('POST', '/api/v1/etps/etp-one/episodes', op, { service: 'orders', start, end, note: 'из обращения' });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
    // A prices episode does not count (only orders: §47.3), and recomputing adds no notice.
    const p = await call('POST', '/api/v1/etps/etp-one/episodes', op, {
      service: 'prices',
      start: formatAstana(now - 120_000),
      end: formatAstana(now - 60_000),
    });
    assert.equal(p.json.counted, false);
    assert.deepEqual(p.json.newEvents, []);
    const d = await call('GET', '/api/v1/etps/etp-one', viewer);
    const streak = d.json.streak as { currentStreak: number; thresholdReachedOn: string; decisionDueBy: string; decisionPending: boolean };
    assert.equal(streak.currentStreak, 8);
    assert.equal(streak.thresholdReachedOn, formatEpochDay(today));
    // The streak goes to the InfluxDB history too (etp_streak), as it does to /metrics.
    await waitFor(() => influxLines.find((l) => /^etp_streak,etp=etp-one state="productive",streak_days=8i \d+$/.test(l)), {
      what: `etp_streak point (lines: ${influxLines.filter((l) => l.startsWith('etp_')).join(' | ')})`,
      timeoutMs: 5_000,
    });
    const rows = await k.db.query<{ key: string; recipient: string }>(
      "SELECT key, recipient FROM notice_deliveries WHERE event LIKE 'etp:etp-one:%' ORDER BY key",
    );
    const yesterday = formatEpochDay(today - 1);
    assert.deepEqual(
      rows.map((r) => r.key),
      [
        `etp:etp-one:threshold:${formatEpochDay(today)}|mail|oncall@op.kz`,
        `etp:etp-one:threshold:${formatEpochDay(today)}|mail|owner@one.kz`,
        `etp:etp-one:warning:${yesterday}|mail|oncall@op.kz`,
        `etp:etp-one:warning:${yesterday}|mail|owner@one.kz`,
      ].sort(),
    );
  });

  it('shows the clock offset of the http-date check, how many runs it stayed beyond the threshold, and the rule', async () => {
    const ins = (at: number, ok: boolean, offsetMs: number) =>
      k.db.query(
        "INSERT INTO check_results (check_key, system, target, check_id, region, ok, latency_ms, error_kind, message, at, observations) VALUES ('etp-one/clock/http-date', 'etp-one', 'clock', 'http-date', 'astana', $1, 3, $2, $3, $4, $5::jsonb)",
        [
          ok,
          ok ? null : 'assertion',
          `clock offset +${offsetMs} ms ± 8 ms`,
          new Date(at).toISOString(),
          JSON.stringify({
            url: 'http://127.0.0.1:9/',
            offsetMs,
            uncertaintyMs: 8,
            samples: 6,
            discarded: 0,
            rttMs: 1,
            kuzetClockCorrectionMs: -2,
          }),
        ],
      );
    const t = Date.now() - 10 * 60_000;
    await ins(t, true, 120);
    await ins(t + 60_000, false, 2300);
    await ins(t + 120_000, false, 2310);
    await ins(t + 180_000, false, 2290);
    const d = await call('GET', '/api/v1/etps/etp-one', viewer);
    const time = d.json.time as {
      rule: { id: string; source: string };
      clockOffset: {
        offsetMs: number;
        uncertaintyMs: number;
        runsBeyondThreshold: number;
        runsToOpenIncident: number;
        maxOffsetMs: number;
        rule: string;
        kuzetClockCorrectionMs: number;
      }[];
    };
    assert.equal(time.rule.id, 'ETP-TIME-NTP');
    assert.match(time.rule.source, /000 App\.3/);
    assert.deepEqual(
      time.clockOffset.map((c) => [
        c.offsetMs,
        c.uncertaintyMs,
        c.runsBeyondThreshold,
        c.runsToOpenIncident,
        c.maxOffsetMs,
        c.rule,
        c.kuzetClockCorrectionMs,
      ]),
      [[2290, 8, 3, 3, 1000, 'ETP-TIME-NTP', -2]],
    );
  });

  it('records the decision; a second disconnection is a 409; the registry shows the date and time', async () => {
    const at = '2026-12-31T18:00:00+05:00';
    const r = await call('POST', '/api/v1/etps/etp-one/decision', op, {
      decision: 'disconnect',
      disconnectAt: at,
      reason: 'сбои заказов 8 дней подряд',
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal((r.json.decision as { disconnectAt: string }).disconnectAt, at);
    assert.deepEqual((r.json.etp as { connection: unknown }).connection, { state: 'disconnected', since: at });
    assert.equal(
      (await call('POST', '/api/v1/etps/etp-one/decision', op, { decision: 'disconnect', disconnectAt: at, reason: 'ещё раз' })).status,
      409,
    );
    const rows = await k.db.query<{ recipient: string }>(
      "SELECT recipient FROM notice_deliveries WHERE event LIKE 'etp:etp-one:decision:%' ORDER BY recipient",
    );
    assert.deepEqual(
      rows.map((x) => x.recipient),
      ['oncall@op.kz', 'owner@one.kz'],
    );
    const list = await call('GET', '/api/v1/etps', viewer);
    assert.deepEqual(
      (list.json.etps as { id: string; state: string; stateSince: string; decisionPending: boolean }[]).map((e) => [
        e.id,
        e.state,
        e.decisionPending,
      ]),
      [
        ['etp-one', 'disconnected', false],
        ['etp-three', 'productive', false],
        ['etp-two', 'productive', false],
      ],
    );
  });

  it('an incident change on an order module moves the ledger soon, without waiting for the schedule', async () => {
    const day = formatEpochDay(astanaEpochDay(Date.now()) - 2);
    await k.db.transaction(async (tx) => {
      await tx.query(
        "INSERT INTO incidents (id, year, seq, source, system, module, policy, state, title, started_at, received_at, registered_at, recovered_at) VALUES ('INC-ETP-3', 2026, 9301, 'monitoring', 'etp-three', 'orders', 'etp-em', 'registered', 'orders down', $1, $1, $1, $2)",
        [new Date(`${day}T09:00:00+05:00`).toISOString(), new Date(`${day}T09:20:00+05:00`).toISOString()],
      );
      await emit(tx, {
        type: 'incident.updated',
        key: 'INC-ETP-3:test',
        incidentId: 'INC-ETP-3',
        payload: { id: 'INC-ETP-3', change: 'recovered' },
      });
    });
    const d = await waitFor(
      async () => {
        const r = await call('GET', '/api/v1/etps/etp-three', viewer);
        return (r.json.streak as { failureDays: string[] }).failureDays.includes(day) ? r : undefined;
      },
      { what: 'the ledger recomputed after the incident event', timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.deepEqual((d.json.streak as { failureDays: string[] }).failureDays, [day]);
  });
});
