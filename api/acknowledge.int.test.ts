/**
 * Acknowledging an incident's alert over HTTP on PGlite (issue #21 item 1): the API (operator token,
 * 400/404/409 naming the field, idempotent, audited with the address, on the timeline, SLA clocks
 * untouched) and Slack's interactivity callback with real `block_actions` payloads signed as Slack
 * signs them (demo/peers.ts `slackInteraction`): accepted once; a bad signature, a stale timestamp, a
 * replay, a missing header and an oversized body are refused and change nothing.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../core/auth.ts';
import { parseConfig, type KuzetConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { IncidentService, clocksView, timelineView, topologyFromConfig } from '../incidents/index.ts';
import { PROBES } from '../probes/index.ts';
import { postOversized, tempDir } from '../test/support.ts';
import { slackInteraction } from '../demo/peers.ts';
import { Metrics } from '../collector/metrics.ts';
import { StatusBoard } from '../collector/status.ts';
import { createApi } from './server.ts';

const SECRET = 'a-slack-signing-secret-for-the-test';
const yaml = (secret: boolean) => `
server: { trustedProxies: ['127.0.0.1/32'] }
notifications:
  channels:
    - { id: oncall, type: slack, token: xoxb-test, channel: "#oncall", apiUrl: "http://127.0.0.1:9/api/"${secret ? `, signingSecret: "${SECRET}"` : ''} }
`;

describe('acknowledging an incident alert: API and Slack interactivity', () => {
  let db: Db;
  let server: Server;
  let url: string;
  let op: string;
  let viewer: string;
  let service: IncidentService;
  let cfg: KuzetConfig = parseConfig(yaml(true), PROBES, {});
  let clock = Date.parse('2026-03-26T09:20:00+05:00');
  const now = () => new Date(clock);
  const dir = tempDir();

  before(async () => {
    db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    op = (await createToken(db, { role: 'operator', name: 'op' })).token;
    viewer = (await createToken(db, { role: 'viewer', name: 'v' })).token;
    service = new IncidentService({ db, topology: () => topologyFromConfig(cfg), now });
    const app = createApi({
      config: () => cfg,
      db: () => db,
      metrics: new Metrics(),
      status: new StatusBoard(),
      readiness: async () => [],
      log: silentLogger,
      now,
      incidents: { db: () => db, service: () => service, attachmentsDir: join(dir.path, 'att') },
    });
    server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await db.close();
    dir.remove();
  });

  const call = async (
    method: string,
    path: string,
    o: { token?: string; body?: string; headers?: Record<string, string>; ip?: string } = {},
  ) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.body !== undefined && !o.headers?.['content-type'] ? { 'content-type': 'application/json' } : {}),
        ...(o.ip ? { 'x-forwarded-for': o.ip } : {}),
        ...o.headers,
      },
      ...(o.body !== undefined ? { body: o.body } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const newIncident = async () =>
    (
      await service.registerAppeal(
        {
          organisation: 'ТОО Ромашка',
          binIin: '850101300005',
          email: 'buyer@romashka.kz',
          phone: '+7 701 123 45 67',
          description: 'поиск не работает',
          detectedAt: '2026-03-26T09:10:00+05:00',
        },
        '10.1.1.1',
      )
    ).incidentId;
  const auditOf = (id: string) =>
    db.query<{ actor: string; ip: string | null; action: string }>(
      "SELECT actor, ip, action FROM audit_log WHERE subject = $1 AND action = 'incident.acknowledged' ORDER BY id",
      [id],
    );
  const acks = (id: string) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_acks WHERE incident_id = $1', [id]);

  it('the API acknowledges once, idempotently, audited with the address; clocks and state stay as they were', async () => {
    const id = await newIncident();
    const clocksBefore = await clocksView(db, id, clock);
    const stateBefore = (await call('GET', `/api/v1/incidents/${id}`, { token: viewer })).body;
    assert.equal(stateBefore.acknowledgement, null);

    clock += 60_000;
    const first = await call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: op, body: '{"note":"смотрю"}', ip: '10.9.8.7' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.alreadyAcknowledged, false);
    assert.equal(first.body.acknowledgement.via, 'api');
    assert.equal(first.body.acknowledgement.note, 'смотрю');
    assert.equal(first.body.acknowledgement.at, '2026-03-26T09:21:00+05:00');

    clock += 60_000;
    const again = await call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: op, ip: '10.9.8.6' });
    assert.equal(again.status, 200);
    assert.equal(again.body.alreadyAcknowledged, true);
    assert.deepEqual(again.body.acknowledgement, first.body.acknowledgement, 'the first acknowledgement stands');

    const audit = await auditOf(id);
    assert.equal(audit.length, 1, 'a repeat writes nothing');
    assert.equal(audit[0]?.ip, '10.9.8.7');
    const timeline = await timelineView(db, id);
    assert.deepEqual(
      timeline.filter((t) => t.action === 'acknowledged').map((t) => t.ip),
      ['10.9.8.7'],
    );
    const after = (await call('GET', `/api/v1/incidents/${id}`, { token: viewer })).body;
    assert.equal(after.state, stateBefore.state);
    assert.equal(after.version, stateBefore.version, 'acknowledging makes no new version of the incident');
    assert.deepEqual(after.acknowledgement, first.body.acknowledgement);
    // The regulated SLA clocks: same timers, same start and due times, none met by acknowledging.
    assert.deepEqual(
      (await clocksView(db, id, clock)).map(({ state: _s, ...c }) => c),
      clocksBefore.map(({ state: _s, ...c }) => c),
    );
  });

  it('refuses without a token (401), for a viewer (403), bad input (400 naming the field), no incident (404), a closed one (409)', async () => {
    const id = await newIncident();
    assert.equal((await call('POST', `/api/v1/incidents/${id}/acknowledge`)).status, 401);
    assert.equal((await call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: viewer })).status, 403);
    const bad = await call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: op, body: '{"note":"","extra":1}' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'note');
    const notObject = await call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: op, body: '[1]' });
    assert.equal(notObject.status, 400);
    assert.equal(notObject.body.error.field, 'body');
    const none = await call('POST', '/api/v1/incidents/INC-2026-999999/acknowledge', { token: op });
    assert.equal(none.status, 404);
    assert.equal((await acks(id))[0]?.n, 0, 'refused requests store nothing');

    await service.transition(id, { to: 'analysing' }, { id: 'op' });
    await service.transition(id, { to: 'refuted', evidence: 'the page works for everyone' }, { id: 'op' });
    const closed = await call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: op });
    assert.equal(closed.status, 409);
    assert.equal(closed.body.error.field, 'id');
  });

  const slack = (id: string, o: { nowMs?: number; user?: { id: string; username: string } } = {}) =>
    slackInteraction({
      secret: SECRET,
      message: { ts: '1700000000.000001', channel: 'C0ONCALL' },
      actionId: 'kuzet_ack',
      value: id,
      nowMs: o.nowMs ?? clock,
      ...(o.user ? { user: o.user } : {}),
    });
  const post = (r: { body: string; headers: Record<string, string> }, ip = '3.4.5.6') =>
    call('POST', '/api/v1/slack/interactions', { body: r.body, headers: r.headers, ip });

  it("Slack's button acknowledges: signed block_actions accepted once, recorded as the Slack user from Slack's address", async () => {
    const id = await newIncident();
    const req = slack(id, { user: { id: 'U024BE7LH', username: 'aidar' } });
    const r = await post(req);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.handled, true);
    assert.equal(r.body.acknowledgement.via, 'slack');
    assert.equal(r.body.acknowledgement.by, 'slack:U024BE7LH');
    assert.equal(r.body.acknowledgement.byName, 'aidar');
    assert.deepEqual(await auditOf(id), [{ actor: 'slack:U024BE7LH', ip: '3.4.5.6', action: 'incident.acknowledged' }]);

    // The same signed request again, within its five minutes: a replay.
    const replay = await post(req);
    assert.equal(replay.status, 401);
    assert.match(replay.body.error.message, /replay/);
    // A new click (another request, later) on an acknowledged alert: answered with the first acknowledgement.
    clock += 2000;
    const second = await post(slack(id, { user: { id: 'U0OTHER', username: 'bota' } }));
    assert.equal(second.status, 200);
    assert.equal(second.body.alreadyAcknowledged, true);
    assert.equal(second.body.acknowledgement.by, 'slack:U024BE7LH');
    assert.equal((await auditOf(id)).length, 1);
  });

  it('refuses a bad signature, a stale or missing timestamp, a missing signature and an oversized body; nothing is stored', async () => {
    const id = await newIncident();
    const good = slack(id);
    const tampered = { ...good, body: good.body.replace(encodeURIComponent(id), encodeURIComponent('INC-2026-000001')) };
    assert.notEqual(tampered.body, good.body);
    const cases: [string, { body: string; headers: Record<string, string> }, RegExp][] = [
      [
        'another secret',
        slackInteraction({
          secret: 'not-the-signing-secret!!',
          message: { ts: '1.2', channel: 'C1' },
          actionId: 'kuzet_ack',
          value: id,
          nowMs: clock,
        }),
        /does not match/,
      ],
      ['a body changed after signing', tampered, /does not match/],
      ['6 minutes old', slack(id, { nowMs: clock - 6 * 60_000 }), /five minutes/],
      ['6 minutes ahead', slack(id, { nowMs: clock + 6 * 60_000 }), /five minutes/],
      ['no timestamp', { body: good.body, headers: { ...good.headers, 'x-slack-request-timestamp': '' } }, /required/],
      ['no signature', { body: good.body, headers: { ...good.headers, 'x-slack-signature': '' } }, /required/],
    ];
    for (const [what, req, message] of cases) {
      const r = await post(req);
      assert.equal(r.status, 401, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, message, what);
    }
    const big = await postOversized(`${url}/api/v1/slack/interactions`, {
      headers: { ...good.headers },
      bytes: 512 * 1024,
      declare: false,
      chunk: Buffer.alloc(16 * 1024, 'a'),
    });
    assert.equal(big.status, 413);
    assert.equal((await acks(id))[0]?.n, 0);
    // The untampered request still works afterwards (none of the refusals used up its signature).
    assert.equal((await post(good)).status, 200);
  });

  it('a signed payload that is not a click of ours: 400 naming the field, or 200 left alone', async () => {
    const id = await newIncident();
    const sign = (payload: unknown) => {
      const r = slack(id);
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const ts = r.headers['x-slack-request-timestamp'] as string;
      const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
      return { body, headers: { ...r.headers, 'x-slack-signature': signature } };
    };
    const view = await post(sign({ type: 'view_submission', user: { id: 'U1' }, actions: [] }));
    assert.equal(view.status, 400);
    assert.equal(view.body.error.field, 'payload.type');
    const other = await post(sign({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'someone_else', value: 'x' }] }));
    assert.equal(other.status, 200);
    assert.equal(other.body.handled, false);
    const unknown = await post(
      sign({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'kuzet_ack', value: 'INC-2026-999999' }] }),
    );
    assert.equal(unknown.status, 404);
    assert.equal((await acks(id))[0]?.n, 0);
  });

  it('without a signing secret the callback does not exist', async () => {
    const saved = cfg;
    cfg = parseConfig(yaml(false), PROBES, {});
    try {
      const r = await post(slack(await newIncident()));
      assert.equal(r.status, 404);
      assert.match(r.body.error.message, /signingSecret/);
    } finally {
      cfg = saved;
    }
  });
});
