/**
 * End to end on `kuzet demo` (PGlite, the real Redis): a portal fault becomes a registered incident
 * with evidence; an operator confirms it as high; the extensions are computed for the imported
 * procurements; it is resolved and closed; the events reach the outbox and BullMQ.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { startDemo, type DemoHandle } from '../demo/run.ts';
import { dropRedisPrefix, REDIS_URL, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { EVENTS_QUEUE, readOutbox } from './events/outbox.ts';

const TOKEN = 'kzt_demo_token_for_the_e2e_test_0123456789';

describe('incidents end to end on the demo', () => {
  let demo: DemoHandle;
  const dir = tempDir();
  const prefix = uniqueName('kzinc-e2e');

  before(async () => {
    demo = await startDemo({
      port: 0,
      portalPort: 0,
      dataDir: join(dir.path, 'data'),
      redisPrefix: prefix,
      log: silentLogger,
      env: { KUZET_DEMO_TOKEN: TOKEN, REDIS_URL },
      incidents: { detector: { failuresToOpen: 2 } },
    });
    await demo.kuzet.redisReady;
  });
  after(async () => {
    await demo?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  const api = async (method: string, path: string, body?: unknown, token = TOKEN) => {
    const res = await fetch(`${demo.kuzet.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('fault → registered with evidence → confirmed high → extensions → resolved → closed', async () => {
    assert.equal(demo.operatorToken, TOKEN);
    const t0 = Date.now();
    const r = await fetch(`${demo.sim.url}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'search', fault: 'http-500' }),
    });
    assert.equal(r.status, 200);
    const inc = await waitFor(
      async () => {
        const l = await api('GET', '/api/v1/incidents?system=portal&state=registered');
        return (l.body.items as { id: string; module: string }[] | undefined)?.find((i) => i.module === 'search');
      },
      { what: 'incident registered for portal/search', timeoutMs: 40_000, intervalMs: 250 },
    );
    const one = await api('GET', `/api/v1/incidents/${inc.id}`);
    assert.match(one.body.id, /^INC-\d{4}-\d{6}$/);
    assert.ok((one.body.evidence.checks as string[]).includes('portal/search/http'));
    assert.equal(one.body.evidence.errorKinds['http-status'] > 0, true);
    assert.equal(one.body.probableCause, 'HTTP status');
    assert.ok(Date.parse(one.body.startedAt) >= t0 - 1000);
    assert.equal(one.body.timeline[0].action, 'registered');

    // Procurements: one of the search module whose acceptance ends inside the failure window, one of another module.
    const soonMs = Date.now() + 5_000;
    const soon = formatAstana(soonMs);
    const imp = await api('POST', '/api/v1/procurements', [
      {
        announcement: '15550001-1',
        lot: '1',
        method: 'competition',
        module: 'search',
        deadlines: { acceptanceEnd: soon },
        suppliers: [{ name: 'ТОО Поставщик', email: 'supplier@example.kz' }],
      },
      { announcement: '15550002-1', lot: '1', method: 'competition', module: 'contracts', deadlines: { acceptanceEnd: soon } },
    ]);
    assert.equal(imp.body.imported, 2);

    assert.equal((await api('POST', `/api/v1/incidents/${inc.id}/transition`, { to: 'analysing' })).status, 200);
    const planned = formatAstana(Date.now() + 30 * 60_000);
    const c = await api('POST', `/api/v1/incidents/${inc.id}/transition`, {
      to: 'confirmed',
      level: 'high',
      levelReason: 'announcement search is down for every user',
      kind: 'third-party-conditions',
      plannedFixAt: planned,
    });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(c.body.level, 'high');
    assert.deepEqual(c.body.extensions.confirmed.affected, [{ announcement: '15550001-1', lot: '1' }]);
    assert.equal(c.body.extensions.confirmed.extensions[0].rule, 'EX-H-ACCEPT');

    await fetch(`${demo.sim.url}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: '*', fault: 'none' }),
    });
    await waitFor(async () => (await api('GET', `/api/v1/incidents/${inc.id}`)).body.recoveredAt, {
      what: 'detector sees recovery',
      timeoutMs: 40_000,
      intervalMs: 250,
    });
    // Resolve after the acceptance end, so it lies inside the failure window [S, R] (EX-H-ACCEPT).
    while (Date.now() < soonMs + 2000) await new Promise((r) => setTimeout(r, 200));
    const fixed = formatAstana(Date.now() - 1000);
    const res = await api('POST', `/api/v1/incidents/${inc.id}/transition`, {
      to: 'resolved',
      actualFixAt: fixed,
      cause: { kk: 'іздеу сервері HTTP 500 қайтарды', ru: 'сервер поиска вернул HTTP 500' },
      measures: { kk: 'іздеу қызметі қайта іске қосылды', ru: 'служба поиска перезапущена' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.extensions.resolved.affected[0].announcement, '15550001-1');
    const closed = await api('POST', `/api/v1/incidents/${inc.id}/transition`, {
      to: 'closed',
      recommendations: 'health-check the search back-end',
    });
    assert.equal(closed.body.state, 'closed');

    const final = await api('GET', `/api/v1/incidents/${inc.id}`);
    assert.ok((final.body.clocks as { timer: string }[]).some((x) => x.timer === 'SLA-P-HIGH-OWNER'));
    const events = (await readOutbox(demo.kuzet.db, 0, 10_000)).filter((e) => e.incidentId === inc.id).map((e) => e.type);
    for (const t of ['incident.registered', 'incident.confirmed', 'incident.resolved', 'incident.closed'])
      assert.ok(events.includes(t as never), `${t} in ${events.join(',')}`);
    const conn = new Redis(REDIS_URL);
    const queue = new Queue(EVENTS_QUEUE, { connection: conn, prefix });
    try {
      const jobs = await waitFor(
        async () => {
          const j = await queue.getJobs(['waiting', 'completed', 'delayed', 'active', 'prioritized']);
          return j.filter((x) => (x.data as { incidentId: string }).incidentId === inc.id && x.name === 'incident.closed').length > 0
            ? j
            : undefined;
        },
        { what: 'closed event published to BullMQ', timeoutMs: 10_000 },
      );
      assert.ok(jobs.length > 0);
    } finally {
      await queue.close();
      conn.disconnect();
    }
  });

  it('unauthenticated writes are refused and metrics show the SLA families', async () => {
    const r = await fetch(`${demo.kuzet.url}/api/v1/procurements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    assert.equal(r.status, 401);
    await new Promise((res) => setTimeout(res, 10));
    const m = await (await fetch(`${demo.kuzet.url}/metrics`)).text();
    assert.match(m, /# TYPE kuzet_sla_breaches_total counter/);
    assert.match(m, /# TYPE kuzet_sla_open gauge/);
  });
});

describe('incidents across a restart of the demo', () => {
  const dir = tempDir();
  const prefix = uniqueName('kzinc-restart');
  const start = () =>
    startDemo({
      port: 0,
      portalPort: 0,
      dataDir: join(dir.path, 'data'),
      redisPrefix: prefix,
      log: silentLogger,
      env: { KUZET_DEMO_TOKEN: TOKEN, REDIS_URL },
      incidents: { detector: { failuresToOpen: 2 } },
    });
  after(async () => {
    await dropRedisPrefix(prefix);
    dir.remove();
  });
  const fault = (d: DemoHandle, f: string) =>
    fetch(`${d.sim.url}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'search', fault: f }),
    });
  const searchIncidents = async (d: DemoHandle) => {
    const res = await fetch(`${d.kuzet.url}/api/v1/incidents?system=portal`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return (
      (await res.json()) as { items: { id: string; module: string; evidence: { details: { errorKinds: Record<string, number> }[] } }[] }
    ).items.filter((i) => i.module === 'search');
  };

  it('the detector state comes back from the database: failures after a restart join the open incident', async () => {
    let d = await start();
    try {
      await d.kuzet.redisReady;
      await fault(d, 'http-500');
      await waitFor(async () => (await searchIncidents(d)).length === 1, {
        what: 'incident registered',
        timeoutMs: 40_000,
        intervalMs: 250,
      });
    } finally {
      await d.close();
    }
    d = await start();
    try {
      await d.kuzet.redisReady;
      const before = (await searchIncidents(d))[0]!;
      const count = (i: typeof before) => Object.values(i.evidence.details[0]?.errorKinds ?? {}).reduce((a, b) => a + b, 0);
      await fault(d, 'http-500');
      const grown = await waitFor(
        async () => {
          const list = await searchIncidents(d);
          return list.length === 1 && count(list[0]!) >= count(before) + 2 ? list[0] : undefined;
        },
        { what: 'more failures joined the same incident', timeoutMs: 40_000, intervalMs: 250 },
      );
      assert.equal(grown.id, before.id);
      await fault(d, 'none');
    } finally {
      await d.close();
    }
  });
});
