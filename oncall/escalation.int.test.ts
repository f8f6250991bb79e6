/**
 * Escalation on PostgreSQL with a controllable clock (issue #21 item 1): an unacknowledged alert is
 * re-notified at the configured minute — not a millisecond before — through the step's channel, to
 * whoever the rota has on call (a Slack mention) or to the named person (an e-mail to them alone);
 * acknowledging stops it; each step goes once, also when two kuzet processes tick at the same moment
 * and when kuzet comes back after the minute passed; every step is on the timeline and in the audit
 * log, and neither acknowledging nor escalating touches the regulated SLA clocks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { IncidentService, clocksView, timelineView, topologyFromConfig } from '../incidents/index.ts';
import { NoticeTemplates } from '../notices/index.ts';
import { PROBES } from '../probes/index.ts';
import { PG_URL, dropPgSchema, uniqueName } from '../test/support.ts';
import { escalateDue, type EscalationDeps } from './escalation-runner.ts';
import { escalationsOf } from './escalation.repo.ts';

const cfg = parseConfig(
  `
notifications:
  channels:
    - { id: slack-oncall, type: slack, token: xoxb-t, channel: "#kuzet-oncall" }
    - { id: email, type: email, smtpUrl: "smtp://127.0.0.1:9", from: kuzet@operator.kz, to: [oncall-list@operator.kz] }
oncall:
  people:
    - { id: aigerim, name: Айгерим, email: aigerim@operator.kz, slack: U012ABCDEF }
    - { id: bolat, name: Болат, email: bolat@operator.kz }
    - { id: dana, name: Дана, email: dana@operator.kz }
  schedules:
    - id: primary
      name: Дежурные
      layers: [{ id: weekly, members: [aigerim, bolat], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
  escalation:
    steps:
      - { afterMinutes: 5, who: { schedule: primary }, channel: slack-oncall }
      - { afterMinutes: 15, who: { person: dana }, channel: email }
`,
  PROBES,
  {},
);

describe('escalation of unacknowledged alerts', () => {
  const schema = uniqueName('kz_escalation');
  let db: Db;
  let db2: Db;
  let clock = 0;
  const now = () => new Date(clock);
  let service: IncidentService;
  const deps = (d: Db): EscalationDeps => ({
    db: () => d,
    config: () => cfg,
    now,
    publicUrl: () => 'https://kuzet.operator.kz',
    notices: { templates: new NoticeTemplates(), deliveries: undefined },
    log: silentLogger,
  });

  before(async () => {
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
    // A second kuzet process: its own connections to the same database.
    db2 = await openDb({ databaseUrl: PG_URL, schema });
    service = new IncidentService({ db, topology: () => topologyFromConfig(cfg), now });
  });
  after(async () => {
    await db?.close();
    await db2?.close();
    await dropPgSchema(schema);
  });

  const alertAt = async (iso: string) => {
    clock = Date.parse(iso);
    const r = await service.registerAppeal(
      {
        organisation: 'ТОО Ромашка',
        binIin: '850101300005',
        email: 'buyer@romashka.kz',
        phone: '+7 701 123 45 67',
        description: 'поиск не работает',
        detectedAt: iso,
      },
      '10.1.1.1',
    );
    // The on-call alert went out (the incident→notice bridge stores it; not running in this test).
    await db.query(
      "INSERT INTO notice_deliveries (key, event, channel, recipient, state, payload) VALUES ($1, $2, 'slack-oncall', '#kuzet-oncall', 'sent', '{}'::jsonb)",
      [`incident:${r.incidentId}:registered|slack-oncall|#kuzet-oncall`, `incident:${r.incidentId}:registered`],
    );
    return { id: r.incidentId, t0: clock };
  };
  const deliveries = (id: string) =>
    db.query<{
      key: string;
      channel: string;
      recipient: string;
      payload: { mentions?: string[]; texts: { ru: { title: string; text: string } } };
    }>('SELECT key, channel, recipient, payload FROM notice_deliveries WHERE event LIKE $1 ORDER BY key', [`incident:${id}:escalation:%`]);
  const stripState = (cs: Awaited<ReturnType<typeof clocksView>>) => cs.map(({ state: _s, ...c }) => c);

  it('at the configured minute, the rota’s person on call is called in Slack; acknowledging stops the next step; SLA clocks untouched', async () => {
    const { id, t0 } = await alertAt('2026-01-07T10:00:00+05:00'); // Wednesday: Айгерим's week
    const clocksBefore = stripState(await clocksView(db, id, t0));

    clock = t0 + 5 * 60_000 - 1;
    assert.equal(await escalateDue(deps(db)), 0, 'not a millisecond before the 5th minute');
    assert.deepEqual(await deliveries(id), []);

    clock = t0 + 5 * 60_000;
    assert.equal(await escalateDue(deps(db)), 1);
    const [slack] = await deliveries(id);
    assert.equal(slack?.key, `incident:${id}:escalation:1|slack-oncall|#kuzet-oncall`);
    assert.deepEqual(slack?.payload.mentions, ['U012ABCDEF']);
    assert.match(slack?.payload.texts.ru.title ?? '', new RegExp(`ЭСКАЛАЦИЯ, шаг 1 — инцидент ${id} не принят за 5 мин`));
    assert.match(slack?.payload.texts.ru.text ?? '', /Айгерим \(Дежурные\): оповещение об инциденте/);
    assert.match(slack?.payload.texts.ru.text ?? '', new RegExp(`Консоль: https://kuzet.operator.kz/console/incidents/${id}`));
    assert.equal(await escalateDue(deps(db)), 0, 'a step goes once');

    const step = (await timelineView(db, id)).find((t) => t.action === 'escalated');
    assert.equal(step?.actor, 'system:escalation');
    assert.deepEqual(
      { ...(step?.after as Record<string, unknown>) },
      {
        step: 1,
        afterMinutes: 5,
        dueAt: '2026-01-07T10:05:00+05:00',
        who: 'Айгерим (Дежурные)',
        person: 'aigerim',
        schedule: 'primary',
        channel: 'slack-oncall',
        recipients: ['#kuzet-oncall'],
      },
    );
    const audit = await db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE subject = $1 AND action = 'incident.escalated'", [
      id,
    ]);
    assert.deepEqual(audit, [{ actor: 'system:escalation' }]);

    clock = t0 + 6 * 60_000;
    await service.acknowledge(id, {}, { id: 'token:op', via: 'api' });
    clock = t0 + 30 * 60_000;
    assert.equal(await escalateDue(deps(db)), 0, 'acknowledged: no more steps');
    assert.deepEqual(
      (await escalationsOf(db, id)).map((e) => e.step),
      [1],
    );
    assert.deepEqual(stripState(await clocksView(db, id, clock)), clocksBefore, 'the regulated SLA clocks are as they were');
  });

  it('left unacknowledged: the next step e-mails the named person alone; two processes at once and a restart send each step once', async () => {
    const { id, t0 } = await alertAt('2026-01-14T11:00:00+05:00'); // Болат's week: no Slack id, no mention
    // kuzet was down past both minutes; two processes come back and tick at the same moment.
    clock = t0 + 20 * 60_000;
    const [a, b] = await Promise.all([escalateDue(deps(db)), escalateDue(deps(db2))]);
    assert.equal(a + b, 2, `steps sent by the two processes: ${a} + ${b}`);
    const rows = await deliveries(id);
    assert.deepEqual(
      rows.map((r) => `${r.channel} ${r.recipient}`),
      ['slack-oncall #kuzet-oncall', 'email dana@operator.kz'],
    );
    assert.equal(rows[0]?.payload.mentions, undefined);
    assert.match(rows[0]?.payload.texts.ru.text ?? '', /Болат \(Дежурные\)/);
    assert.match(rows[1]?.payload.texts.ru.title ?? '', /шаг 2 — инцидент .* не принят за 15 мин/);
    // A restarted process with nothing in memory: nothing is due again.
    assert.equal(await escalateDue(deps(db2)), 0);
    assert.deepEqual(
      (await escalationsOf(db, id)).map((e) => [e.step, new Date(e.due_at).getTime() - t0]),
      [
        [1, 5 * 60_000],
        [2, 15 * 60_000],
      ],
    );
    assert.equal((await timelineView(db, id)).filter((t) => t.action === 'escalated').length, 2);
  });

  it('a closed incident, a silenced alert and an alert older than the last step plus an hour are not escalated', async () => {
    const closed = await alertAt('2026-01-21T09:30:00+05:00');
    const silenced = await alertAt('2026-01-21T09:31:00+05:00');
    await db.query('DELETE FROM notice_deliveries WHERE event = $1', [`incident:${silenced.id}:registered`]); // a mute held it back
    await service.transition(closed.id, { to: 'analysing' }, { id: 'op' });
    await service.transition(closed.id, { to: 'refuted', evidence: 'works for everyone' }, { id: 'op' });
    const old = await alertAt('2026-01-21T08:00:00+05:00');
    clock = Date.parse('2026-01-21T09:40:00+05:00'); // old: 100 min ago (> 15 + 60); closed: 10 min ago
    assert.equal(await escalateDue(deps(db)), 0);
    assert.deepEqual(await deliveries(closed.id), []);
    assert.deepEqual(await deliveries(old.id), []);
    assert.deepEqual(await deliveries(silenced.id), []);
  });
});
