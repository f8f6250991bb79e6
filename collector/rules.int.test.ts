/** The rules engine through the CLI and the HTTP API: the worked examples, exactly. */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { runCli } from '../test/support.ts';
import { createApi } from './api.ts';
import { Metrics } from './metrics.ts';
import { StatusBoard } from './status.ts';

// A foreign host zone: results must not depend on it.
const cli = (args: string[], input = '') => runCli(args, { input, env: { TZ: 'America/New_York' } });

const medium = {
  policy: 'portal-692',
  incident: { level: 'medium', startedAt: '2026-04-14T10:00:00+05:00', confirmedAt: '2026-04-14T11:00:00+05:00', resolvedAt: '2026-04-14T15:30:00+05:00' },
  procurements: [
    { id: 'over', method: 'competition', affected: true, deadlines: { acceptanceEnd: '2026-04-14T12:00:00+05:00', contractSigning: '2026-04-14T14:00:00+05:00' } },
    { id: 'open', method: 'competition', affected: true, deadlines: { acceptanceStart: '2026-04-13T09:00:00+05:00', acceptanceEnd: '2026-04-16T10:00:00+05:00' } },
  ],
};

describe('rules CLI (host TZ America/New_York)', () => {
  const cases: [string[], string][] = [
    [['calendar', 'next-working-day', '2026-03-20'], '{"date":"2026-03-26"}'],
    [['sla', '--timer', 'SLA-P-REGISTER', '--from', '2026-03-20T13:10:00+05:00'], '{"timer":"SLA-P-REGISTER","from":"2026-03-20T13:10:00+05:00","dueAt":"2026-03-20T15:00:00+05:00"}'],
    [['sla', '--timer', 'SLA-P-REGISTER', '--from', '2026-03-20T19:00:00+05:00'], '{"timer":"SLA-P-REGISTER","from":"2026-03-20T19:00:00+05:00","dueAt":"2026-03-26T09:30:00+05:00"}'],
    [['sla', '--timer', 'SLA-P-ANALYSE', '--from', '2026-03-20T17:45:00+05:00'], '{"timer":"SLA-P-ANALYSE","from":"2026-03-20T17:45:00+05:00","dueAt":"2026-03-26T10:15:00+05:00"}'],
    [['sla', '--timer', 'SLA-N-DESK-MAIL', '--from', '2026-05-09T10:00:00+05:00'], '{"timer":"SLA-N-DESK-MAIL","from":"2026-05-09T10:00:00+05:00","dueAt":"2026-05-12T18:30:00+05:00"}'],
    [['sla', '--timer', 'SLA-N-DESK-VOICE', '--from', '2026-03-20T19:00:00+05:00'], '{"timer":"SLA-N-DESK-VOICE","from":"2026-03-20T19:00:00+05:00","dueAt":"2026-03-26T18:30:00+05:00"}'],
    [['lead-time', '--audience', 'etp-owners', '--start', '2026-03-28T02:00:00+05:00'], '{"audience":"etp-owners","start":"2026-03-28T02:00:00+05:00","latestNotifyAt":"2026-03-25T23:59:59+05:00"}'],
  ];
  for (const [args, expected] of cases) {
    it(`kuzet ${args.join(' ')}`, async () => {
      const r = await cli(args);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.equal(r.stdout.trim(), expected);
    });
  }

  it('kuzet deadlines --input - answers the medium worked example', async () => {
    const r = await cli(['deadlines', '--input', '-'], JSON.stringify(medium));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { extensions: { subject: string; deadline: string; extended: string; rule: string }[] };
    const pick = (s: string, d: string) => out.extensions.find((e) => e.subject === s && e.deadline === d);
    assert.deepEqual([pick('over', 'acceptanceEnd')?.extended, pick('over', 'acceptanceEnd')?.rule], ['2026-04-15T12:00:00+05:00', 'EX-M-ACCEPT-OVER']);
    assert.deepEqual([pick('open', 'acceptanceEnd')?.extended, pick('open', 'acceptanceEnd')?.rule], ['2026-04-16T15:30:00+05:00', 'EX-M-ACCEPT']);
    assert.deepEqual([pick('over', 'contractSigning')?.extended, pick('over', 'contractSigning')?.rule], ['2026-04-15T14:00:00+05:00', 'EX-M-CONTRACT']);
  });

  it('bad input exits 2 naming the field', async () => {
    const bad = structuredClone(medium);
    bad.procurements[1]!.deadlines.acceptanceEnd = '2026-04-16T10:00';
    const r = await cli(['deadlines', '--input', '-'], JSON.stringify(bad));
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /procurements\[1\]\.deadlines\.acceptanceEnd: not an ISO 8601 date-time with offset/);
    const r2 = await cli(['sla', '--timer', 'SLA-NOPE', '--from', '2026-03-20T13:10:00+05:00']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /timer/);
  });
});

describe('rules API', () => {
  let server: Server;
  let url: string;
  before(async () => {
    const config = parseConfig('{}', PROBES, {});
    const app = createApi({ config: () => config, db: () => undefined, metrics: new Metrics({ defaultMetrics: false }), status: new StatusBoard(), readiness: async () => [], log: silentLogger });
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('computes the same four things as the CLI', async () => {
    assert.deepEqual((await post('/api/v1/rules/calendar', { op: 'next-working-day', date: '2026-03-20' })).body, { date: '2026-03-26' });
    assert.equal((await post('/api/v1/rules/sla', { timer: 'SLA-P-ANALYSE', from: '2026-03-20T17:45:00+05:00' })).body.dueAt, '2026-03-26T10:15:00+05:00');
    assert.equal((await post('/api/v1/rules/sla', { timer: 'SLA-N-DESK-MAIL', from: '2026-04-14T18:30:00+05:00' })).body.dueAt, '2026-04-15T18:30:00+05:00');
    assert.equal((await post('/api/v1/rules/lead-time', { audience: 'etp-owners', start: '2026-03-28T02:00:00+05:00' })).body.latestNotifyAt, '2026-03-25T23:59:59+05:00');
    const d = await post('/api/v1/rules/deadlines', medium);
    assert.equal(d.status, 200);
    assert.equal((d.body.extensions as unknown[]).length, 3);
  });

  it('answers bad input with 400 and the field', async () => {
    const r = await post('/api/v1/rules/sla', { timer: 'SLA-P-REGISTER', from: 'yesterday' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error, { code: 'invalid_input', message: 'from: not an ISO 8601 date-time with offset', field: 'from' });
    const j = await post('/api/v1/rules/sla', '{not json');
    assert.equal(j.status, 400);
    assert.equal((j.body.error as { field: string }).field, 'body');
  });
});
