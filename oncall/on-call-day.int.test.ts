/**
 * The on-call engineer's day on one running kuzet (issue #21, "Done when"): PostgreSQL, the real
 * Redis, the local Slack Web API peer, the kuzet's own escalation ticker on a clock the test moves.
 * A fault → the alert carries its evidence and the Acknowledge button → the button, clicked as Slack
 * posts it, acknowledges → no escalation for it; a second fault left unacknowledged → at the 5th
 * minute the rota's person on call is called in Slack (a mention) and it is on the timeline; a muted
 * module's fault → no alert at all, the silence on the timeline, the check shown muted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { createToken } from '../core/auth.ts';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { slackInteraction, startSlack } from '../demo/peers.ts';
import { PROBES } from '../probes/index.ts';
import { PG_URL, REDIS_URL, dropPgSchema, dropRedisPrefix, uniqueName, waitFor } from '../test/support.ts';
import { onCallAt } from './index.ts';

const SECRET = 'signing-secret-of-the-on-call-day';
const MODULES = ['search', 'news', 'lots'] as const;

describe("the on-call engineer's day: acknowledge, escalate along the rota, mute", { timeout: 120_000 }, () => {
  const schema = uniqueName('kz_oncall_day');
  const prefix = uniqueName('kzday');
  let k: KuzetHandle;
  let slack: Awaited<ReturnType<typeof startSlack>>;
  let operator: string;
  let skewMs = 0;
  const now = () => new Date(Date.now() + skewMs);

  before(async () => {
    slack = await startSlack();
    const targets = MODULES.map(
      (m) =>
        `      - { id: ${m}, module: ${m}, checks: [{ id: http, type: http, url: "http://127.0.0.1:9/${m}", interval: 60s, timeout: 5s, expectStatus: 200 }] }`,
    ).join('\n');
    const yaml = `
regions: [astana]
redis: { url: "${REDIS_URL}", prefix: ${prefix} }
notifications:
  channels:
    - { id: oncall, type: slack, token: xoxb-day, channel: "#kuzet-oncall", apiUrl: "${slack.url}", signingSecret: "${SECRET}" }
oncall:
  people:
    - { id: aigerim, name: Айгерим, email: aigerim@operator.kz, slack: U012AIGERIM }
    - { id: bolat, name: Болат, email: bolat@operator.kz, slack: U034BOLAT }
  schedules:
    - id: primary
      name: Дежурные
      layers: [{ id: weekly, members: [aigerim, bolat], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
  escalation:
    steps:
      - { afterMinutes: 5, who: { schedule: primary }, channel: oncall }
systems:
  portal:
    name: Веб-портал государственных закупок
    kind: portal
    policy: portal-692
    modules: [${MODULES.join(', ')}]
    targets:
${targets}
`;
    k = await startKuzet({
      config: parseConfig(yaml, PROBES, {}),
      log: silentLogger,
      port: 0,
      workers: false,
      env: { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema },
      incidents: { detector: { failuresToOpen: 1 }, now, slaTickMs: 250 },
    });
    await k.redisReady;
    operator = (await createToken(k.db, { role: 'operator', name: 'day' })).token;
  });
  after(async () => {
    await k?.close();
    await slack?.close();
    await dropRedisPrefix(prefix);
    await dropPgSchema(schema);
  });

  /** A failed HTTP run of the module's check, stored and handed to the detector as ingestion does. */
  async function fail(module: string) {
    const at = now();
    const message = 'expected status 200, got 500';
    const key = `portal/${module}/http`;
    await k.db.query(
      "INSERT INTO check_results (check_key, system, target, check_id, region, ok, latency_ms, error_kind, message, at) VALUES ($1, 'portal', $2, 'http', 'astana', false, 80, 'http-status', $3, $4)",
      [key, module, message, at.toISOString()],
    );
    await k.incidents.detector.handle([
      { key, system: 'portal', target: module, check: 'http', region: 'astana', ok: false, errorKind: 'http-status', message, at },
    ]);
  }
  const alerts = () => slack.messages().filter((m) => !m.thread && String(m.text).includes('зарегистрирован инцидент'));
  const incidentOf = async (module: string) =>
    (await k.db.query<{ id: string }>('SELECT id FROM incidents WHERE module = $1 ORDER BY id', [module]))[0]?.id;
  const timeline = (id: string) =>
    k.db.query<{ action: string; after: unknown }>('SELECT action, after FROM incident_timeline WHERE incident_id = $1', [id]);

  it('acknowledged from Slack: no escalation; left alone: the rota is called at the 5th minute; muted: silence', async () => {
    // 1. A fault: the alert says what broke and offers the button; the button acknowledges.
    await fail('search');
    const first = await waitFor(() => alerts()[0], { what: 'the alert of the first fault', timeoutMs: 20_000 });
    const acked = /INC-\d{4}-\d{6}/.exec(String(first.text))?.[0] as string;
    assert.match(String(first.text), /portal\/search\/http \(astana\): expected status 200, got 500/);
    assert.match(String(first.text), new RegExp(`${k.url}/console/incidents/${acked}`));
    assert.deepEqual(first.buttons, ['kuzet_ack']);
    const click = slackInteraction({
      secret: SECRET,
      message: first,
      actionId: 'kuzet_ack',
      value: acked,
      user: { id: 'U0AIDAR', username: 'aidar' },
    });
    const r = await fetch(`${k.url}/api/v1/slack/interactions`, { method: 'POST', headers: click.headers, body: click.body });
    assert.equal(r.status, 200, await r.clone().text());
    await waitFor(() => slack.messages().find((m) => m.thread === first.ts && String(m.text).includes('принято')), {
      what: 'the acknowledgement in the thread',
      timeoutMs: 20_000,
    });

    // 2. A second fault, left unacknowledged.
    await fail('news');
    const second = await waitFor(() => alerts().find((m) => m.ts !== first.ts), {
      what: 'the alert of the second fault',
      timeoutMs: 20_000,
    });
    const open = /INC-\d{4}-\d{6}/.exec(String(second.text))?.[0] as string;
    assert.notEqual(open, acked);
    const escalations = () => slack.messages().filter((m) => String(m.text).includes('ЭСКАЛАЦИЯ'));
    await new Promise((res) => setTimeout(res, 1500)); // several ticks before the minute: nothing yet
    assert.deepEqual(escalations(), [], 'nothing escalates before the 5th minute');

    // Five minutes pass (the clock kuzet's ticker reads): the rota's person on call is called, for the open alert only.
    skewMs = 5 * 60_000 + 1000;
    const expected = onCallAt(k.config().oncall, 'primary', now().getTime());
    assert.ok(expected, 'someone is on call');
    const slackId = expected.person.slack as string;
    const call = await waitFor(() => escalations()[0], { what: 'the escalation in Slack', timeoutMs: 20_000 });
    assert.match(String(call.text), new RegExp(`<@${slackId}>`), String(call.text));
    assert.match(String(call.text), new RegExp(open));
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(escalations().length, 1, 'one step, once; the acknowledged alert is not escalated');
    assert.ok(!escalations().some((m) => String(m.text).includes(acked)));
    const step = (await timeline(open)).find((t) => t.action === 'escalated');
    assert.equal((step?.after as { person?: string }).person, expected.person.id);
    assert.deepEqual(
      (await timeline(acked)).filter((t) => t.action === 'escalated'),
      [],
    );

    // 3. The lots module is muted: its fault raises nothing, is on the timeline as silenced, the check shows muted.
    const muted = await fetch(`${k.url}/api/v1/mutes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ module: 'portal/lots', reason: 'выкладка новой версии', for: '1h' }),
    });
    assert.equal(muted.status, 201, await muted.clone().text());
    const before = alerts().length;
    await fail('lots');
    const lots = await waitFor(() => incidentOf('lots'), { what: 'the incident of the muted module', timeoutMs: 20_000 });
    await waitFor(async () => ((await timeline(lots)).some((t) => t.action === 'alert.silenced') ? true : undefined), {
      what: 'alert.silenced on the timeline',
      timeoutMs: 20_000,
    });
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(alerts().length, before, 'the muted module raised no alert');
    // Only the alert is held back: the regulated SLA reminders of the incident still go (mutes never touch SLA clocks).
    assert.deepEqual(
      alerts()
        .filter((m) => String(m.text).includes(lots))
        .map((m) => m.text),
      [],
    );
    const systems = (await (
      await fetch(`${k.url}/api/v1/systems`, { headers: { authorization: `Bearer ${operator}` } })
    ).json()) as unknown;
    assert.match(JSON.stringify(systems), /"key":"portal\/lots\/http"[^}]*"muted":\{/, 'the check shows muted');
  });
});
