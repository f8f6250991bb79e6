/**
 * The incident store against the real PostgreSQL and PGlite: detection from stored results (with a
 * restart and a replayed batch), the lifecycle with its timeline, audit and outbox, extensions from
 * the procurement registry, SLA events on a fake clock, outbox replay after a crashed consumer, and
 * two operators racing on one incident.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../core/config.ts';
import { migrate, openDb, type Db } from '../../core/db.ts';
import type { InputError, KuzetError } from '../../core/errors.ts';
import { parseDateTimeMs } from '../../core/time.ts';
import { PROBES } from '../../probes/index.ts';
import { dropPgSchema, PG_URL, uniqueName } from '../../test/support.ts';
import { OutboxConsumer, readOutbox, type OutboxEvent } from '../events/outbox.ts';
import { produceDigest } from '../events/digest.ts';
import { tickSla } from '../events/sla-ticker.ts';
import { IncidentDetector, type DetectableResult } from './incident-detector.ts';
import { IncidentService, importProcurements } from './incident.service.ts';
import { allocateIncidentId, getIncidentRow } from './incident.repo.ts';
import { topologyFromConfig } from './topology.ts';

const cfg = parseConfig(
  `
systems:
  portal:
    name: Portal
    kind: portal
    policy: portal-692
    modules: [search, homepage]
    targets:
      - { id: search, module: search, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/" }] }
      - { id: search-api, module: search, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/api" }] }
      - { id: homepage, module: homepage, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/home" }] }
`,
  PROBES,
  {},
);
const topology = () => topologyFromConfig(cfg);
const T = (s: string) => parseDateTimeMs(s);
const S = T('2026-03-26T10:00:00+05:00');
const res = (key: string, i: number, ok: boolean): DetectableResult => {
  const [system, target, check] = key.split('/') as [string, string, string];
  return {
    key,
    system,
    target,
    check,
    region: 'astana',
    ok,
    errorKind: ok ? null : 'http-status',
    message: ok ? 'ok' : 'HTTP 500',
    at: new Date(S + i * 60_000),
  };
};
const operator = { id: 'tok_test', ip: '10.0.0.1' };

function suite(engine: 'pglite' | 'postgres') {
  describe(`incident store on ${engine}`, () => {
    let db: Db;
    const schema = uniqueName('kzinc');
    let clock = S;
    const now = () => new Date(clock);

    before(async () => {
      db = engine === 'postgres' ? await openDb({ databaseUrl: PG_URL, schema }) : await openDb({ dataDir: 'memory://' });
      await migrate(db);
    });
    after(async () => {
      await db.close();
      if (engine === 'postgres') await dropPgSchema(schema);
    });

    it('detects, survives a restart and a replayed batch, and walks the lifecycle with timeline, audit, outbox and extensions', async () => {
      clock = S + 3 * 60_000;
      let det = new IncidentDetector({ db, topology, now });
      await det.load();
      await det.handle([res('portal/search/http', 0, false), res('portal/search/http', 1, false)]);
      assert.equal((await db.query('SELECT * FROM incidents')).length, 0);
      // restart: the state comes back from the database
      det = new IncidentDetector({ db, topology, now });
      await det.load();
      const batch = [res('portal/search/http', 2, false), res('portal/search-api/http', 2, false)];
      await det.handle(batch);
      await det.handle(batch); // replayed after a crash between commit and acknowledgement
      const incs = await db.query<{
        id: string;
        started_at: Date;
        proposed_level: string;
        probable_cause: string;
        evidence: { checks: string[] };
      }>('SELECT * FROM incidents');
      assert.equal(incs.length, 1);
      const inc = incs[0]!;
      assert.equal(inc.id, 'INC-2026-000001');
      assert.equal(new Date(inc.started_at).getTime(), S);
      assert.equal(inc.probable_cause, 'HTTP status');
      assert.deepEqual(inc.evidence.checks, ['portal/search/http', 'portal/search-api/http']);
      assert.equal(inc.proposed_level, 'high'); // both checks of the module, in every region
      await det.handle([res('portal/search-api/http', 3, false), res('portal/search-api/http', 4, false)]);
      const joined = (await getIncidentRow(db, inc.id))!;
      assert.equal(
        (joined.evidence as { details: { key: string; errorKinds: Record<string, number> }[] }).details[1]?.errorKinds['http-status'],
        3,
      );

      await importProcurements(
        db,
        [
          {
            announcement: '15001234-1',
            lot: '1',
            method: 'competition',
            module: 'search',
            deadlines: { acceptanceEnd: '2026-03-26T10:30:00+05:00' },
          },
          {
            announcement: '15001235-1',
            lot: '2',
            method: 'auction',
            module: 'homepage',
            deadlines: { acceptanceEnd: '2026-03-26T10:30:00+05:00' },
          },
        ],
        operator,
        now(),
      );
      const svc = new IncidentService({ db, topology, now });
      clock = S + 20 * 60_000;
      await svc.transition(inc.id, { to: 'analysing' }, operator);
      await assert.rejects(
        svc.transition(inc.id, { to: 'confirmed', level: 'high' }, operator),
        (e: KuzetError) => e.status === 400 && /kind: required/.test(e.message),
      );
      await assert.rejects(
        svc.transition(inc.id, { to: 'resolved' }, operator),
        (e: KuzetError) => e.status === 409 && /allowed: confirmed, refuted/.test(e.message),
      );
      const confirmed = await svc.transition(
        inc.id,
        { to: 'confirmed', level: 'high', kind: 'third-party-conditions', plannedFixAt: '2026-03-26T11:00:00+05:00' },
        operator,
      );
      const ext = confirmed.extensions as {
        confirmed: {
          extensions: { announcement: string; rule: string; extended: string }[];
          affected: { announcement: string; lot: string }[];
        };
      };
      assert.deepEqual(ext.confirmed.affected, [{ announcement: '15001234-1', lot: '1' }]);
      assert.equal(ext.confirmed.extensions[0]?.rule, 'EX-H-ACCEPT');
      assert.equal(ext.confirmed.extensions[0]?.extended, '2026-03-26T11:30:00+05:00'); // + D = 1 h to the planned fix
      clock = S + 90 * 60_000;
      // The public words come in both languages (issue #21 item 6): one text, or one language only, is refused naming the field.
      const oneText = await svc
        .transition(
          inc.id,
          { to: 'resolved', actualFixAt: '2026-03-26T11:30:00+05:00', cause: 'disk full', measures: { kk: 'x' } },
          operator,
        )
        .catch((e: InputError) => e);
      assert.equal((oneText as InputError).status, 400);
      assert.deepEqual(
        (oneText as InputError).issues.map((i) => `${i.field}: ${i.message}`),
        ['cause: must be the text in Kazakh and Russian: {"kk": "…", "ru": "…"}', 'measures.ru: required'],
      );
      const resolved = await svc.transition(
        inc.id,
        {
          to: 'resolved',
          actualFixAt: '2026-03-26T11:30:00+05:00',
          cause: { kk: 'диск толды', ru: 'диск заполнен' },
          measures: { kk: 'диск тазартылды', ru: 'диск очищен' },
        },
        operator,
      );
      assert.equal(
        (resolved.extensions as { resolved: { extensions: { extended: string }[] } }).resolved.extensions[0]?.extended,
        '2026-03-26T12:00:00+05:00',
      ); // + D = 1.5 h to the actual fix
      await svc.transition(inc.id, { to: 'closed', recommendations: 'watch the disk' }, operator);

      const timeline = await db.query<{ action: string; actor: string; ip: string | null }>(
        'SELECT action, actor, ip FROM incident_timeline WHERE incident_id = $1 ORDER BY id',
        [inc.id],
      );
      assert.deepEqual(
        timeline.map((t) => t.action),
        [
          'registered',
          'evidence.joined',
          'transition.analysing',
          'transition.confirmed',
          'extensions.confirmed',
          'transition.resolved',
          'extensions.resolved',
          'transition.closed',
        ],
      );
      assert.equal(timeline[2]?.ip, '10.0.0.1');
      const audited = await db.query<{ n: string | number }>(
        "SELECT count(*) AS n FROM audit_log WHERE subject = $1 AND action LIKE 'incident.%' AND action <> 'incident.evidence'",
        [inc.id],
      );
      assert.equal(Number(audited[0]?.n), timeline.length);
      const events = await readOutbox(db, 0);
      assert.deepEqual(
        events.filter((e) => e.incidentId === inc.id && e.type !== 'incident.updated').map((e) => e.type),
        ['incident.registered', 'incident.confirmed', 'incident.resolved', 'incident.closed'],
      );
      assert.equal(new Set(events.map((e) => e.key)).size, events.length);
      const clocks = await db.query<{ timer: string }>('SELECT timer FROM incident_clocks WHERE incident_id = $1 ORDER BY timer', [inc.id]);
      assert.deepEqual(
        clocks.map((c) => c.timer),
        ['SLA-P-ANALYSE', 'SLA-P-HIGH-HOME', 'SLA-P-HIGH-OWNER', 'SLA-P-HIGH-REPORT', 'SLA-P-OWNER-MEDHIGH'],
      );
      // 001 §19: the owner unit's clock runs from receipt of the failure information, not from confirmation.
      const [owner] = await db.query<{ started_at: Date; due_at: Date; received_at: Date; confirmed_at: Date }>(
        "SELECT c.started_at, c.due_at, i.received_at, i.confirmed_at FROM incident_clocks c JOIN incidents i ON i.id = c.incident_id WHERE c.incident_id = $1 AND c.timer = 'SLA-P-OWNER-MEDHIGH'",
        [inc.id],
      );
      assert.equal(new Date(owner!.started_at).getTime(), new Date(owner!.received_at).getTime());
      assert.equal(new Date(owner!.due_at).getTime(), new Date(owner!.received_at).getTime() + 5 * 60_000);
      assert.notEqual(new Date(owner!.started_at).getTime(), new Date(owner!.confirmed_at).getTime());
    });

    it('recovery, a flap re-opening the same incident, then a new incident with the next id', async () => {
      const det = new IncidentDetector({ db, topology, now });
      await det.load();
      const k = 'portal/homepage/http';
      await det.handle([0, 1, 2].map((i) => res(k, 100 + i, false)));
      await det.handle([res(k, 103, true), res(k, 104, true)]);
      const id = (
        await db.query<{ id: string; recovered_at: Date | null }>("SELECT id, recovered_at FROM incidents WHERE module = 'homepage'")
      )[0]!;
      assert.equal(id.id, 'INC-2026-000002');
      assert.ok(id.recovered_at);
      await det.handle([res(k, 108, false)]);
      const again = await db.query<{ id: string; recovered_at: Date | null }>(
        "SELECT id, recovered_at FROM incidents WHERE module = 'homepage'",
      );
      assert.equal(again.length, 1);
      assert.equal(again[0]?.recovered_at, null);
      await det.handle([res(k, 109, true), res(k, 110, true)]);
      await det.handle([130, 131, 132].map((i) => res(k, i, false)));
      const ids = (await db.query<{ id: string }>("SELECT id FROM incidents WHERE module = 'homepage' ORDER BY id")).map((r) => r.id);
      assert.deepEqual(ids, ['INC-2026-000002', 'INC-2026-000003']);
    });

    it('SLA warnings and breaches on a fake clock, once each', async () => {
      const svc = new IncidentService({ db, topology, now });
      clock = T('2026-03-26T12:50:00+05:00');
      const a = await svc.registerAppeal(
        {
          organisation: 'ТОО Тест',
          binIin: '850101300005',
          email: 'a@b.kz',
          phone: '+7 701 123 45 67',
          description: 'поиск не работает',
          detectedAt: '2026-03-26T12:40:00+05:00',
        },
        '10.0.0.9',
      );
      // SLA-P-ID is due 13:50 (60 clock minutes); SLA-P-ANALYSE 16:20 (lunch skipped)
      await tickSla(db, new Date(T('2026-03-26T13:39:00+05:00'))); // the earlier tests' incidents are long overdue
      const before = (await readOutbox(db, 0)).length;
      assert.deepEqual(await tickSla(db, new Date(T('2026-03-26T13:39:30+05:00'))), { warnings: 0, breaches: 0 });
      assert.deepEqual(await tickSla(db, new Date(T('2026-03-26T13:41:00+05:00'))), { warnings: 1, breaches: 0 });
      assert.deepEqual(await tickSla(db, new Date(T('2026-03-26T13:45:00+05:00'))), { warnings: 0, breaches: 0 });
      assert.deepEqual(await tickSla(db, new Date(T('2026-03-26T13:51:00+05:00'))), { warnings: 0, breaches: 1 });
      assert.deepEqual(await tickSla(db, new Date(T('2026-03-26T13:52:00+05:00'))), { warnings: 0, breaches: 0 });
      const ev = (await readOutbox(db, 0)).slice(before).filter((e) => e.incidentId === a.incidentId);
      assert.deepEqual(
        ev.map((e) => `${e.type} ${String(e.payload.timer)}`),
        ['sla.warning SLA-P-ID', 'sla.breached SLA-P-ID'],
      );
      assert.equal(ev[1]?.payload.dueAt, '2026-03-26T13:50:00+05:00');
    });

    it('the daily digest is produced once at 09:00 of a working day, with the incidents of the days it covers', async () => {
      assert.equal(await produceDigest(db, new Date(T('2026-03-27T08:59:00+05:00'))), undefined);
      assert.equal(await produceDigest(db, new Date(T('2026-03-27T09:00:00+05:00'))), '2026-03-27');
      assert.equal(await produceDigest(db, new Date(T('2026-03-27T09:15:00+05:00'))), undefined);
      const d = (await readOutbox(db, 0, 10_000)).find((e) => e.key === 'digest:2026-03-27')!;
      assert.equal(d.type, 'digest.daily');
      assert.equal(d.payload.from, '2026-03-26T00:00:00+05:00');
      assert.ok((d.payload.incidents as { id: string }[]).some((i) => i.id === 'INC-2026-000001'));
    });

    it('a consumer that crashes replays from the outbox and, deduplicating by key, handles each event once', async () => {
      const seen = new Set<string>();
      const handled: string[] = [];
      let crashAfter = 2;
      const handler = async (e: OutboxEvent) => {
        if (crashAfter-- === 0) throw new Error('killed');
        if (seen.has(e.key)) return;
        seen.add(e.key);
        handled.push(e.key);
      };
      const c1 = new OutboxConsumer(db, 'test-consumer', handler);
      await assert.rejects(c1.drain(), /killed/);
      assert.equal(handled.length, 2);
      const c2 = new OutboxConsumer(db, 'test-consumer', handler);
      await c2.drain();
      const all = await readOutbox(db, 0, 10_000);
      assert.deepEqual(
        handled,
        all.map((e) => e.key),
      );
      assert.equal(await c2.drain(), 0);
    });

    if (engine === 'postgres') {
      it('two operators confirming the same incident: one wins, the other gets 409', async () => {
        const svc = new IncidentService({ db, topology, now });
        clock = T('2026-03-26T15:00:00+05:00');
        const a = await svc.registerAppeal(
          {
            organisation: 'ТОО Гонка',
            binIin: '850101300005',
            email: 'r@b.kz',
            phone: '+7 701 123 45 67',
            description: 'x',
            detectedAt: '2026-03-26T14:50:00+05:00',
          },
          null,
        );
        await svc.transition(a.incidentId, { to: 'analysing' }, operator);
        const body = { to: 'confirmed', level: 'low', kind: 'user-network-or-power', plannedFixAt: '2026-03-26T18:00:00+05:00' };
        const results = await Promise.allSettled([
          svc.transition(a.incidentId, body, { id: 'tok_a' }),
          svc.transition(a.incidentId, body, { id: 'tok_b' }),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.equal((lost.reason as KuzetError).status, 409);
        const stale = await svc
          .transition(
            a.incidentId,
            {
              to: 'resolved',
              version: 1,
              actualFixAt: '2026-03-26T15:00:00+05:00',
              cause: { kk: 'c', ru: 'c' },
              measures: { kk: 'm', ru: 'm' },
            },
            operator,
          )
          .catch((e: KuzetError) => e);
        assert.equal((stale as KuzetError).status, 409);
        assert.match((stale as KuzetError).message, /changed by someone else/);
      });
    }

    it('incident ids count per Astana year, gap-free: a rolled-back id is given again, a new year starts at 000001', async () => {
      class Rollback extends Error {}
      const inTx = (at: string) =>
        db
          .transaction(async (tx) => {
            const got = await allocateIncidentId(tx, T(at));
            throw Object.assign(new Rollback(), { got });
          })
          .catch((e: unknown) => (e as { got: { id: string; seq: number } }).got);
      // Everything in a rolled-back transaction, so the suite's own counters are left as they were.
      const before = await inTx('2026-12-31T23:59:59+05:00');
      assert.match(before.id, /^INC-2026-\d{6}$/);
      assert.equal((await inTx('2026-12-31T23:59:59+05:00')).id, before.id, 'a rolled-back id is not used up');
      // 00:00 in Astana is still 2026 in UTC: the year is Astana's.
      assert.equal((await inTx('2027-01-01T00:00:00+05:00')).id, 'INC-2027-000001');
      const ids = await db
        .transaction(async (tx) => {
          const a = await allocateIncidentId(tx, T('2027-01-01T00:00:00+05:00'));
          const b = await allocateIncidentId(tx, T('2027-06-01T12:00:00+05:00'));
          const c = await allocateIncidentId(tx, T('2026-12-31T23:00:00+05:00'));
          throw Object.assign(new Rollback(), { got: [a.id, b.id, c.seq] });
        })
        .catch((e: unknown) => (e as { got: unknown[] }).got);
      assert.deepEqual(ids, ['INC-2027-000001', 'INC-2027-000002', before.seq]);
    });
  });
}

suite('pglite');
suite('postgres');

describe('an ETP clock beyond its threshold (docs/rules.md §8)', () => {
  const etpCfg = parseConfig(
    `
systems:
  etp-a:
    name: ETP A
    kind: etp
    policy: etp-em
    modules: [clock]
    targets:
      - { id: clock, module: clock, checks: [{ id: date, type: http-date, url: "http://127.0.0.1:1/" }] }
`,
    PROBES,
    {},
  );
  let db: Db;
  const schema = uniqueName('kzclock');
  before(async () => {
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
  });
  after(async () => {
    await db.close();
    await dropPgSchema(schema);
  });

  it('opens an incident after N runs over the threshold, its probable cause citing ntp.nic.kz', async () => {
    const det = new IncidentDetector({ db, topology: () => topologyFromConfig(etpCfg), now: () => new Date(S) });
    await det.load();
    const run = (i: number, offsetMs: number): DetectableResult => ({
      key: 'etp-a/clock/date',
      system: 'etp-a',
      target: 'clock',
      check: 'date',
      region: 'astana',
      ok: false,
      errorKind: 'assertion',
      message: `offset ${offsetMs} ms: |offset| above 1000 ms`,
      at: new Date(S + i * 60_000),
      observations: { offsetMs, uncertaintyMs: 40 },
    });
    await det.handle([run(0, 2300), run(1, 2310)]);
    assert.equal((await db.query('SELECT id FROM incidents')).length, 0, 'two runs are below N = 3');
    await det.handle([run(2, 2290)]);
    const [inc] = await db.query<{ probable_cause: string; title: string }>('SELECT probable_cause, title FROM incidents');
    assert.match(inc!.probable_cause, /ntp\.nic\.kz.*docs\/rules\.md §8/);
    assert.match(inc!.title, /^etp-a\/clock: clock offset against ntp\.nic\.kz/);
  });
});
