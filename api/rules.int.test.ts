/** The rules engine through the CLI and the HTTP API: the worked examples, exactly. */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { runCli } from '../test/support.ts';
import { createApi } from './server.ts';
import { Metrics } from '../collector/metrics.ts';
import { StatusBoard } from '../collector/status.ts';

// A foreign host zone: results must not depend on it.
const cli = (args: string[], input = '') => runCli(args, { input, env: { TZ: 'America/New_York' } });

const medium = {
  policy: 'portal-692',
  incident: {
    level: 'medium',
    startedAt: '2026-04-14T10:00:00+05:00',
    confirmedAt: '2026-04-14T11:00:00+05:00',
    resolvedAt: '2026-04-14T15:30:00+05:00',
  },
  procurements: [
    {
      id: 'over',
      method: 'competition',
      affected: true,
      deadlines: { acceptanceEnd: '2026-04-14T12:00:00+05:00', contractSigning: '2026-04-14T14:00:00+05:00' },
    },
    {
      id: 'open',
      method: 'competition',
      affected: true,
      deadlines: { acceptanceStart: '2026-04-13T09:00:00+05:00', acceptanceEnd: '2026-04-16T10:00:00+05:00' },
    },
  ],
};

describe('rules CLI (host TZ America/New_York)', () => {
  const cases: [string[], string][] = [
    [['calendar', 'next-working-day', '2026-03-20'], '{"date":"2026-03-26"}'],
    [
      ['sla', '--timer', 'SLA-P-REGISTER', '--from', '2026-03-20T13:10:00+05:00'],
      '{"timer":"SLA-P-REGISTER","from":"2026-03-20T13:10:00+05:00","dueAt":"2026-03-20T15:00:00+05:00"}',
    ],
    [
      ['sla', '--timer', 'SLA-P-REGISTER', '--from', '2026-03-20T19:00:00+05:00'],
      '{"timer":"SLA-P-REGISTER","from":"2026-03-20T19:00:00+05:00","dueAt":"2026-03-26T09:30:00+05:00"}',
    ],
    [
      ['sla', '--timer', 'SLA-P-ANALYSE', '--from', '2026-03-20T17:45:00+05:00'],
      '{"timer":"SLA-P-ANALYSE","from":"2026-03-20T17:45:00+05:00","dueAt":"2026-03-26T10:15:00+05:00"}',
    ],
    [
      ['sla', '--timer', 'SLA-N-DESK-MAIL', '--from', '2026-05-09T10:00:00+05:00'],
      '{"timer":"SLA-N-DESK-MAIL","from":"2026-05-09T10:00:00+05:00","dueAt":"2026-05-12T18:30:00+05:00"}',
    ],
    [
      ['sla', '--timer', 'SLA-N-DESK-VOICE', '--from', '2026-03-20T19:00:00+05:00'],
      '{"timer":"SLA-N-DESK-VOICE","from":"2026-03-20T19:00:00+05:00","dueAt":"2026-03-26T18:30:00+05:00"}',
    ],
    [
      ['lead-time', '--audience', 'etp-owners', '--start', '2026-03-28T02:00:00+05:00'],
      '{"audience":"etp-owners","start":"2026-03-28T02:00:00+05:00","latestNotifyAt":"2026-03-25T23:59:59+05:00"}',
    ],
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
    assert.deepEqual(
      [pick('over', 'acceptanceEnd')?.extended, pick('over', 'acceptanceEnd')?.rule],
      ['2026-04-15T12:00:00+05:00', 'EX-M-ACCEPT-OVER'],
    );
    assert.deepEqual(
      [pick('open', 'acceptanceEnd')?.extended, pick('open', 'acceptanceEnd')?.rule],
      ['2026-04-16T15:30:00+05:00', 'EX-M-ACCEPT'],
    );
    assert.deepEqual(
      [pick('over', 'contractSigning')?.extended, pick('over', 'contractSigning')?.rule],
      ['2026-04-15T14:00:00+05:00', 'EX-M-CONTRACT'],
    );
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

// The corrected rows of docs/rules.md §5 (issue #17 items 1–8), each digest example through the real CLI.
const at = (t: string) => `${t}:00+05:00`;
const SECOND_READING: { name: string; input: unknown; expect: Record<string, unknown> }[] = [
  {
    name: 'EX-M-ACCEPT-OVER: an auction, W Wed 10:00–20:00 over the 18:00 acceptance end → Thu 18:00, bidding to reschedule',
    input: {
      policy: 'portal-692',
      incident: {
        level: 'medium',
        startedAt: at('2026-06-10T10:00'),
        confirmedAt: at('2026-06-10T10:30'),
        resolvedAt: at('2026-06-10T20:00'),
      },
      procurements: [
        {
          id: 'A',
          method: 'auction',
          affected: true,
          deadlines: { acceptanceEnd: at('2026-06-10T18:00'), auctionBidding: at('2026-06-11T10:00') },
        },
      ],
    },
    expect: {
      extensions: [
        {
          subject: 'A',
          deadline: 'acceptanceEnd',
          original: at('2026-06-10T18:00'),
          extended: at('2026-06-11T18:00'),
          rule: 'EX-M-ACCEPT-OVER',
          flags: ['biddingRescheduleRequired'],
        },
      ],
    },
  },
  {
    name: 'EX-H-ACCEPT: the acceptance period overlaps W → + D',
    input: {
      policy: 'portal-692',
      incident: {
        level: 'high',
        startedAt: at('2026-06-10T10:00'),
        confirmedAt: at('2026-06-10T10:30'),
        resolvedAt: at('2026-06-10T14:00'),
      },
      procurements: [
        { id: 'A', method: 'competition', deadlines: { acceptanceStart: at('2026-06-08T09:00'), acceptanceEnd: at('2026-06-12T18:00') } },
      ],
    },
    expect: {
      extensions: [
        {
          subject: 'A',
          deadline: 'acceptanceEnd',
          original: at('2026-06-12T18:00'),
          extended: at('2026-06-12T22:00'),
          rule: 'EX-H-ACCEPT',
          flags: [],
        },
      ],
    },
  },
  {
    name: 'EX-ANALYSIS: received 10:00, refuted 11:30, acceptance end 11:00 → 11:30',
    input: {
      policy: 'portal-692',
      incident: { startedAt: at('2026-06-10T10:00'), refutedAt: at('2026-06-10T11:30') },
      procurements: [{ id: 'A', method: 'competition', deadlines: { acceptanceEnd: at('2026-06-10T11:00') } }],
    },
    expect: {
      level: 'refuted',
      extensions: [
        {
          subject: 'A',
          deadline: 'acceptanceEnd',
          original: at('2026-06-10T11:00'),
          extended: at('2026-06-10T11:30'),
          rule: 'EX-ANALYSIS',
          flags: [],
        },
      ],
    },
  },
  {
    name: 'EX-TARIFF: acceptance Fri → Mon, the tariff valid until Friday → Monday',
    input: {
      policy: 'portal-692',
      incident: {
        level: 'medium',
        startedAt: at('2026-06-12T16:00'),
        confirmedAt: at('2026-06-12T16:30'),
        resolvedAt: at('2026-06-12T20:00'),
      },
      procurements: [{ id: 'A', method: 'competition', affected: true, deadlines: { acceptanceEnd: at('2026-06-12T18:00') } }],
      tariffs: [{ id: 'T', validUntil: '2026-06-12', procurements: ['A'] }],
    },
    expect: { tariffs: [{ id: 'T', validUntil: '2026-06-12', extendedUntil: '2026-06-15', rule: 'EX-TARIFF' }] },
  },
  {
    name: "EX-MAINT: works Sat 22:00 → Sun 06:00 move a Sunday 07:00 acceptance end; Monday's results stay",
    input: {
      policy: 'portal-692',
      maintenance: { startsAt: at('2026-04-18T22:00'), endsAt: at('2026-04-19T06:00') },
      procurements: [
        { id: 'A', method: 'competition', deadlines: { acceptanceEnd: at('2026-04-19T07:00'), results: at('2026-04-20T09:00') } },
      ],
    },
    expect: {
      extensions: [
        {
          subject: 'A',
          deadline: 'acceptanceEnd',
          original: at('2026-04-19T07:00'),
          extended: at('2026-04-19T15:00'),
          rule: 'EX-MAINT',
          flags: [],
        },
      ],
    },
  },
  {
    name: 'EX-PROTOCOL / EX-DISCUSSION: only the procurement users appealed about',
    input: {
      policy: 'portal-692',
      incident: {
        level: 'high',
        startedAt: at('2026-06-10T10:00'),
        confirmedAt: at('2026-06-10T10:30'),
        resolvedAt: at('2026-06-10T14:00'),
      },
      procurements: [
        { id: 'A', method: 'competition', protocolFormedAt: at('2026-06-10T12:00'), deadlines: { discussionEnd: at('2026-06-10T13:00') } },
        {
          id: 'B',
          method: 'competition',
          appealed: true,
          protocolFormedAt: at('2026-06-10T12:00'),
          deadlines: { discussionEnd: at('2026-06-10T13:00') },
        },
      ],
    },
    expect: {
      extensions: [
        {
          subject: 'B',
          deadline: 'acceptanceEnd',
          original: null,
          extended: at('2026-06-11T14:00'),
          rule: 'EX-PROTOCOL',
          flags: ['protocolCancelled'],
        },
        {
          subject: 'B',
          deadline: 'discussionEnd',
          original: at('2026-06-10T13:00'),
          extended: at('2026-06-11T13:00'),
          rule: 'EX-DISCUSSION',
          flags: [],
        },
      ],
    },
  },
  {
    name: 'EX-UNSCRUPULOUS: annulled 2026-06-10 15:00 → signing open until 06-11 15:00',
    input: {
      policy: 'portal-692',
      incident: {
        level: 'medium',
        startedAt: at('2026-06-09T10:00'),
        confirmedAt: at('2026-06-09T10:30'),
        resolvedAt: at('2026-06-09T14:00'),
      },
      procurements: [
        {
          id: 'A',
          method: 'competition',
          unscrupulousAnnulledAt: at('2026-06-10T15:00'),
          deadlines: { contractSigning: at('2026-06-09T12:00') },
        },
      ],
    },
    expect: {
      extensions: [
        {
          subject: 'A',
          deadline: 'contractSigning',
          original: at('2026-06-09T12:00'),
          extended: at('2026-06-11T15:00'),
          rule: 'EX-UNSCRUPULOUS',
          flags: ['listingAnnulled'],
        },
      ],
    },
  },
  {
    name: 'EX-N-PROTOCOL / EX-N-RESULTS: annulled and re-run though nothing is extended',
    input: {
      policy: 'energy-366',
      incident: {
        level: 'medium',
        startedAt: at('2026-07-03T11:00'),
        confirmedAt: at('2026-07-03T11:30'),
        resolvedAt: at('2026-07-03T13:00'),
      },
      procurements: [
        {
          id: 'E',
          method: 'competition',
          protocolFormedAt: at('2026-07-03T12:00'),
          resultsAffected: true,
          deadlines: { acceptanceEnd: at('2026-07-02T18:00') },
        },
      ],
    },
    expect: {
      extensions: [],
      annulments: [{ procurement: 'E', what: 'protocol', formedAt: at('2026-07-03T12:00'), rule: 'EX-N-PROTOCOL' }],
      duties: [{ procurement: 'E', duty: 'rerun-procedures', rule: 'EX-N-RESULTS' }],
    },
  },
];

describe('kuzet deadlines: the second reading of the regulations (digest §5 examples)', () => {
  for (const c of SECOND_READING) {
    it(c.name, async () => {
      const r = await cli(['deadlines', '--input', '-'], JSON.stringify(c.input));
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual(out[k], v, k);
    });
  }
  it('a bad new field exits 2 naming it', async () => {
    const r = await cli(
      ['deadlines', '--input', '-'],
      JSON.stringify({
        policy: 'portal-692',
        incident: { startedAt: at('2026-06-10T10:00'), refutedAt: 'later' },
        procurements: [{ id: 'A', method: 'competition', appealed: 'yes', deadlines: {} }],
      }),
    );
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /incident\.refutedAt: not an ISO 8601 date-time with offset/);
    assert.match(r.stderr, /procurements\[0\]\.appealed: must be true or false/);
  });
});

describe('rules API', () => {
  let server: Server;
  let url: string;
  before(async () => {
    const config = parseConfig('{}', PROBES, {});
    const app = createApi({
      config: () => config,
      db: () => undefined,
      metrics: new Metrics({ defaultMetrics: false }),
      status: new StatusBoard(),
      readiness: async () => [],
      log: silentLogger,
    });
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('computes the same four things as the CLI', async () => {
    assert.deepEqual((await post('/api/v1/rules/calendar', { op: 'next-working-day', date: '2026-03-20' })).body, { date: '2026-03-26' });
    assert.equal(
      (await post('/api/v1/rules/sla', { timer: 'SLA-P-ANALYSE', from: '2026-03-20T17:45:00+05:00' })).body.dueAt,
      '2026-03-26T10:15:00+05:00',
    );
    assert.equal(
      (await post('/api/v1/rules/sla', { timer: 'SLA-N-DESK-MAIL', from: '2026-04-14T18:30:00+05:00' })).body.dueAt,
      '2026-04-15T18:30:00+05:00',
    );
    assert.equal(
      (await post('/api/v1/rules/lead-time', { audience: 'etp-owners', start: '2026-03-28T02:00:00+05:00' })).body.latestNotifyAt,
      '2026-03-25T23:59:59+05:00',
    );
    const d = await post('/api/v1/rules/deadlines', medium);
    assert.equal(d.status, 200);
    assert.equal((d.body.extensions as unknown[]).length, 3);
  });

  it('answers bad input with 400 and the field', async () => {
    const r = await post('/api/v1/rules/sla', { timer: 'SLA-P-REGISTER', from: 'yesterday' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error, { code: 'invalid_input', message: 'from: not an ISO 8601 date-time with offset', field: 'from' });
    const u = await post('/api/v1/rules/deadlines', {
      policy: 'portal-692',
      incident: { startedAt: '2026-06-10T10:00:00+05:00', receivedAt: '2026-06-10T09:00:00+05:00', refutedAt: '2026-06-10T11:00:00+05:00' },
    });
    assert.equal(u.status, 400);
    assert.deepEqual(u.body.error, {
      code: 'invalid_input',
      message: 'incident.receivedAt: is before startedAt',
      field: 'incident.receivedAt',
    });
    const ok = await post('/api/v1/rules/deadlines', SECOND_READING[2]?.input);
    assert.equal(ok.status, 200);
    assert.equal((ok.body.extensions as { rule: string }[])[0]?.rule, 'EX-ANALYSIS');
    const j = await post('/api/v1/rules/sla', '{not json');
    assert.equal(j.status, 400);
    assert.equal((j.body.error as { field: string }).field, 'body');
  });
});
