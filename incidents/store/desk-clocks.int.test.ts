/**
 * The energy desk's clocks from live appeals (issue #17 item 12, 003 §19.2–19.4), through the
 * incident tracker on PGlite and PostgreSQL: an appeal to an `energy-366` system that came by e-mail
 * starts SLA-N-DESK-MAIL, by voice SLA-N-DESK-VOICE, from its receipt, per appeal (attached ones
 * too); the operator marks it met; web and phone appeals and other policies start neither; a bad
 * channel is refused with 400 naming the field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../core/config.ts';
import { migrate, openDb, type Db } from '../../core/db.ts';
import { InputError } from '../../core/errors.ts';
import { parseDateTimeMs } from '../../core/time.ts';
import { PROBES } from '../../probes/index.ts';
import { dropPgSchema, PG_URL, uniqueName } from '../../test/support.ts';
import { clocksView } from './incident.repo.ts';
import { IncidentService } from './incident.service.ts';
import { topologyFromConfig } from './topology.ts';

const cfg = parseConfig(
  `
systems:
  energy:
    name: Energy
    kind: portal
    policy: energy-366
    modules: [platform, market]
  portal:
    name: Portal
    kind: portal
    policy: portal-692
    modules: [search]
incidents:
  appeals: { attachWindow: 10m }
`,
  PROBES,
  {},
);
const T = (s: string) => parseDateTimeMs(`${s}+05:00`);
const appeal = {
  organisation: 'ТОО Энергосбыт',
  binIin: '850101300005',
  email: 'buyer@energo.kz',
  phone: '+7 701 123 45 67',
  description: 'торги не открываются',
};

function suite(engine: 'pglite' | 'postgres') {
  describe(`energy desk clocks from appeals on ${engine}`, () => {
    let db: Db;
    let svc: IncidentService;
    let clock = T('2026-05-09T10:00:00');
    const schema = uniqueName('kzdesk');
    before(async () => {
      db = engine === 'postgres' ? await openDb({ databaseUrl: PG_URL, schema }) : await openDb({ dataDir: 'memory://' });
      await migrate(db);
      svc = new IncidentService({ db, topology: () => topologyFromConfig(cfg), now: () => new Date(clock) });
    });
    after(async () => {
      await db.close();
      if (engine === 'postgres') await dropPgSchema(schema);
    });
    const desk = async (incidentId: string) => (await clocksView(db, incidentId, clock)).filter((c) => c.timer.startsWith('SLA-N-DESK'));

    it('an e-mail received Sat 2026-05-09 10:00 is due Tue 2026-05-12 18:30 (Mon 11 is the day off for May 9); an attached voice message runs its own; the operator marks them met', async () => {
      clock = T('2026-05-09T10:00:00');
      const mail = await svc.registerAppeal(
        { ...appeal, detectedAt: '2026-05-09T09:40:00+05:00', system: 'energy', module: 'platform', channel: 'email' },
        '192.0.2.1',
      );
      assert.equal(mail.attached, false);
      assert.deepEqual(await desk(mail.incidentId), [
        {
          timer: `SLA-N-DESK-MAIL@appeal-${mail.appealId}`,
          startedAt: '2026-05-09T10:00:00+05:00',
          dueAt: '2026-05-12T18:30:00+05:00',
          metAt: null,
          state: 'running',
          informational: false,
          extension: null,
          extendableUntil: null,
        },
      ]);
      const [stored] = await db.query<{ channel: string }>('SELECT channel FROM appeals WHERE id = $1', [mail.appealId]);
      assert.equal(stored?.channel, 'email');

      // Fri 2026-05-08 is a working day; a voice message on Sat 19:00 waits for the next opening: Tue 12.
      clock = T('2026-05-09T19:00:00');
      const voice = await svc.registerAppeal(
        {
          ...appeal,
          email: 'other@energo.kz',
          detectedAt: '2026-05-09T18:50:00+05:00',
          system: 'energy',
          module: 'platform',
          channel: 'voice',
        },
        '192.0.2.2',
      );
      assert.equal(voice.attached, true);
      assert.equal(voice.incidentId, mail.incidentId);
      assert.deepEqual(
        (await desk(mail.incidentId)).map((c) => [c.timer, c.startedAt, c.dueAt, c.state]),
        [
          [`SLA-N-DESK-MAIL@appeal-${mail.appealId}`, '2026-05-09T10:00:00+05:00', '2026-05-12T18:30:00+05:00', 'running'],
          [`SLA-N-DESK-VOICE@appeal-${voice.appealId}`, '2026-05-09T19:00:00+05:00', '2026-05-12T18:30:00+05:00', 'running'],
        ],
      );

      clock = T('2026-05-12T11:00:00');
      await svc.markClockMet(mail.incidentId, `SLA-N-DESK-MAIL@appeal-${mail.appealId}`, {}, { id: 'user:oleg', ip: '198.51.100.1' });
      clock = T('2026-05-12T18:31:00');
      const after = await desk(mail.incidentId);
      assert.deepEqual(
        after.map((c) => [c.timer, c.metAt, c.state]),
        [
          [`SLA-N-DESK-MAIL@appeal-${mail.appealId}`, '2026-05-12T11:00:00+05:00', 'met'],
          [`SLA-N-DESK-VOICE@appeal-${voice.appealId}`, null, 'breached'],
        ],
      );
      const met = await db.query<{ actor: string; after: unknown }>(
        "SELECT actor, after FROM incident_timeline WHERE incident_id = $1 AND action = 'clock.met'",
        [mail.incidentId],
      );
      assert.deepEqual(
        met.map((m) => [m.actor, (m.after as { timer: string }).timer]),
        [['user:oleg', `SLA-N-DESK-MAIL@appeal-${mail.appealId}`]],
      );

      // The clocks survive the incident's transitions (their facts are the appeal's, not the incident's).
      await svc.transition(mail.incidentId, { to: 'analysing' }, { id: 'user:oleg', ip: null });
      assert.deepEqual(
        (await desk(mail.incidentId)).map((c) => [c.timer, c.dueAt, c.metAt]),
        after.map((c) => [c.timer, c.dueAt, c.metAt]),
      );
    });

    it('an e-mail in working hours (Tue 2026-04-14 10:00) is due 18:30 the same day', async () => {
      clock = T('2026-04-14T10:00:00');
      const r = await svc.registerAppeal(
        { ...appeal, detectedAt: '2026-04-14T09:30:00+05:00', system: 'energy', module: 'market', channel: 'email' },
        '192.0.2.3',
      );
      assert.deepEqual(
        (await desk(r.incidentId)).map((c) => c.dueAt),
        ['2026-04-14T18:30:00+05:00'],
      );
    });

    for (const [what, extra] of [
      ['a web appeal (the default)', { system: 'energy', module: 'market' }],
      ['a phone appeal', { system: 'energy', module: 'market', channel: 'phone' }],
      ['an e-mail to a portal-692 system', { system: 'portal', module: 'search', channel: 'email' }],
    ] as const) {
      it(`${what} starts no desk clock`, async () => {
        clock = T('2026-06-02T10:00:00');
        const r = await svc.registerAppeal({ ...appeal, detectedAt: '2026-06-02T09:30:00+05:00', ...extra }, '192.0.2.4');
        assert.deepEqual(
          (await desk(r.incidentId)).filter((c) => c.timer.endsWith(`@appeal-${r.appealId}`)),
          [],
        );
        const [stored] = await db.query<{ channel: string }>('SELECT channel FROM appeals WHERE id = $1', [r.appealId]);
        assert.equal(stored?.channel, 'channel' in extra ? extra.channel : 'web');
      });
    }

    for (const bad of ['fax', '', 'EMAIL', 7, null]) {
      it(`refuses channel ${JSON.stringify(bad)} with 400 naming the field`, async () => {
        const before = (await db.query<{ n: string | number }>('SELECT count(*) AS n FROM appeals'))[0]?.n;
        await assert.rejects(
          svc.registerAppeal({ ...appeal, detectedAt: '2026-06-02T09:30:00+05:00', system: 'energy', channel: bad }, '192.0.2.5'),
          (e: unknown) => {
            assert.ok(e instanceof InputError);
            assert.equal(e.status, 400);
            assert.equal(e.field, 'channel');
            assert.equal(e.message, 'channel: must be one of web, email, voice, phone');
            return true;
          },
        );
        assert.equal((await db.query<{ n: string | number }>('SELECT count(*) AS n FROM appeals'))[0]?.n, before);
      });
    }
  });
}

suite('pglite');
suite('postgres');
