/**
 * `kuzet demo`'s ETP side end to end (issue #7): the time travel puts 8 failure days of etp-alpha's
 * order service into the ledger (warnings from 5, the threshold on the 8th with its decision date),
 * `/api/v1/etps/:id` shows the streak and the NTP, clock-offset and freshness evidence measured by
 * the demo's checks, the metrics carry the streak and the connection state, the operator's decision
 * to disconnect reaches the owner by e-mail and the status site's list of authorised ETPs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../core/log.ts';
import { astanaEpochDay, formatAstana, formatEpochDay } from '../core/time.ts';
import { decisionDueByMs } from '../etp/index.ts';
import { waitInsideAstanaDay } from '../test/astana-clock.test-support.ts';
import { REDIS_URL, dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { startDemo, type DemoHandle } from './run.ts';

interface Detail {
  connection: { state: string; since: string | null };
  streak: {
    currentStreak: number;
    thresholdReachedOn: string | null;
    decisionDueBy: string | null;
    decisionPending: boolean;
    failureDays: string[];
  };
  events: { type: string; date: string; streak: number; decisionDueBy: string | null }[];
  time: {
    rule: { id: string };
    clockOffset: { check: string; offsetMs: number | null; uncertaintyMs: number | null; ok: boolean | null; rule: string }[];
    ntp: { server: string | null; offsetMs: number | null; delayMs: number | null; stratum: number | null; refId: string | null }[];
    freshness: { service: string | null; ageSeconds: number | null; maxAgeSeconds: number | null }[];
  };
}

describe('kuzet demo: ETP streak, threshold, decision, clock evidence', () => {
  let demo: DemoHandle;
  const dir = tempDir();
  const prefix = uniqueName('kzetpdemo');
  const TOKEN = `kzt_demo_${uniqueName('t')}`;
  const get = async <T>(path: string) => {
    const r = await fetch(`${demo.kuzet.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(r.status, 200, path);
    return (await r.json()) as T;
  };

  before(async () => {
    // The replay records its days as of the moment it runs, the first test checks them as of a later
    // one: both must be the same Astana day, away from the replay's first two minutes of a day
    // (where its days end yesterday).
    await waitInsideAstanaDay({ afterMs: 3 * 60_000, beforeMs: 5 * 60_000 });
    demo = await startDemo({
      port: 0,
      portalPort: 0,
      dataDir: join(dir.path, 'data'),
      redisPrefix: prefix,
      log: silentLogger,
      env: { KUZET_DEMO_TOKEN: TOKEN, REDIS_URL },
    });
    await demo.kuzet.redisReady;
  });
  after(async () => {
    await demo?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('replays 8 failure days: warnings on days 5–7, the threshold on day 8 with decisionDueBy = + 5 working days 23:59:59', async () => {
    const today = astanaEpochDay(new Date());
    assert.deepEqual(await demo.etpReplay, {
      etp: 'etp-alpha',
      days: 8,
      currentStreak: 8,
      thresholdReachedOn: formatEpochDay(today),
      decisionDueBy: formatAstana(decisionDueByMs(today)),
    });
    const d = await get<Detail>('/api/v1/etps/etp-alpha');
    assert.deepEqual(
      d.streak.failureDays,
      Array.from({ length: 8 }, (_, i) => formatEpochDay(today - 7 + i)),
    );
    assert.deepEqual(
      d.events.map((e) => [e.type, e.streak]),
      [
        ['warning', 5],
        ['warning', 6],
        ['warning', 7],
        ['threshold', 8],
      ],
    );
    assert.equal(d.streak.decisionPending, true);
    const list = await get<{ etps: { id: string; currentStreak: number; level: string }[] }>('/api/v1/etps');
    assert.deepEqual(
      list.etps.map((e) => [e.id, e.currentStreak, e.level]),
      [
        ['etp-alpha', 8, 'threshold'],
        ['etp-beta', 0, 'ok'],
      ],
    );
    // The threshold and the 7th-day warning (the recent ones) went to on-call and the owner; the older warnings were history already.
    const due = d.streak.decisionDueBy as string;
    await waitFor(
      () =>
        demo.peers.smtp.mails.find(
          (m) => m.to.includes('etp-alpha@demo.kuzet.local') && m.text.includes(due) && m.text.includes('ETP-DISCONNECT-DECISION'),
        ),
      {
        what: `threshold e-mail to the ETP owner (mails: ${JSON.stringify(demo.peers.smtp.mails.map((m) => [m.to, m.subject]))})`,
        timeoutMs: 20_000,
      },
    );
    await waitFor(() => demo.peers.smtp.mails.find((m) => m.to.includes('oncall@demo.kuzet.local') && m.text.includes(due)), {
      what: 'threshold e-mail to on-call',
      timeoutMs: 20_000,
    });
    const warnings = demo.peers.smtp.mails.filter(
      (m) => m.to.includes('etp-alpha@demo.kuzet.local') && m.text.includes('ETP-DISCONNECT-DAYS'),
    );
    assert.equal(warnings.length, 1, 'only the recent (7th-day) warning is sent; the replayed older ones are history');
  });

  it('shows the NTP offset, the ETP clock offset and the price freshness from the check results', async () => {
    const d = await waitFor(
      async () => {
        const x = await get<Detail>('/api/v1/etps/etp-alpha');
        return x.time.ntp[0]?.offsetMs !== null &&
          x.time.clockOffset[0]?.offsetMs !== null &&
          x.time.freshness[0]?.ageSeconds !== null &&
          x.time.ntp.length > 0
          ? x
          : undefined;
      },
      { what: 'time evidence', timeoutMs: 60_000 },
    );
    assert.equal(d.time.rule.id, 'ETP-TIME-NTP');
    assert.equal(d.time.ntp[0]?.refId, 'NICK');
    assert.equal(d.time.ntp[0]?.stratum, 1);
    assert.ok(Math.abs(d.time.ntp[0]?.offsetMs as number) < 50, `local NTP offset ${d.time.ntp[0]?.offsetMs} ms`);
    assert.ok(Math.abs(d.time.clockOffset[0]?.offsetMs as number) < 1000, `ETP clock offset ${d.time.clockOffset[0]?.offsetMs} ms`);
    assert.equal(d.time.clockOffset[0]?.ok, true);
    assert.equal(d.time.freshness[0]?.service, 'prices');
    assert.equal(d.time.freshness[0]?.maxAgeSeconds, 7 * 86_400);
  });

  it('metrics: the streak and the connection state', async () => {
    const text = await (await fetch(`${demo.kuzet.url}/metrics`)).text();
    assert.match(text, /kuzet_etp_failure_streak\{etp="etp-alpha"\} 8/);
    assert.match(text, /kuzet_etp_connection_state\{etp="etp-alpha",state="productive"\} 1/);
    assert.match(text, /kuzet_etp_connection_state\{etp="etp-alpha",state="disconnected"\} 0/);
  });

  it("the operator disconnects: the owner is told, the status site's list shows the date and time", async () => {
    const at = formatAstana(Date.now() + 3_600_000).replace(/:\d\d\+/, ':00+');
    const r = await fetch(`${demo.kuzet.url}/api/v1/etps/etp-alpha/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'disconnect', disconnectAt: at, reason: 'сбои заказов 8 дней подряд (демо)' }),
    });
    assert.equal(r.status, 201, await r.clone().text());
    const json = (await waitFor(
      async () => {
        const s = (await (await fetch(`${demo.kuzet.url}/status.json`)).json()) as {
          etps: { id: string; connection?: string; since?: string }[];
        };
        return s.etps.find((e) => e.id === 'etp-alpha' && e.connection === 'disconnected') ? s : undefined;
      },
      { what: 'status site shows the disconnection', timeoutMs: 15_000 },
    )) as { etps: { id: string; connection?: string; since?: string }[] };
    assert.equal(json.etps.find((e) => e.id === 'etp-alpha')?.since, at);
    const html = await (await fetch(`${demo.kuzet.url}/status?lang=ru`)).text();
    assert.match(html, new RegExp(`отключена с <time>${at.replace(/[+]/g, '\\+')}</time>`));
    await waitFor(
      () =>
        demo.peers.smtp.mails.find((m) => m.to.includes('etp-alpha@demo.kuzet.local') && m.text.includes(at) && m.text.includes('п. 49')),
      { what: 'disconnection e-mail to the owner', timeoutMs: 20_000 },
    );
    const text = await (await fetch(`${demo.kuzet.url}/metrics`)).text();
    assert.match(text, /kuzet_etp_connection_state\{etp="etp-alpha",state="disconnected"\} 1/);
  });
});
