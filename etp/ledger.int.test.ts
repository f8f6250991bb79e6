/**
 * The ETP registry, failure-day ledger and decisions against a real database, on PGlite and on
 * PostgreSQL (a fresh schema): seeding from the config, episodes from check results, incidents and
 * recorded episodes, streaks across midnight, month ends and holidays, the decision deadline across
 * days off, events stored once per ETP and date, and the decision recorded and audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { formatAstana, formatEpochDay, parseDateTimeMs } from '../core/time.ts';
import { PROBES } from '../probes/index.ts';
import { PG_URL, dropPgSchema, uniqueName } from '../test/support.ts';
import { createEtp, getEtp, requireEtp, seedFromConfig, updateEtp, type Etp } from './registry.ts';
import { etpDetail, listEtps } from './view.ts';
import { recomputeLedger, recordEpisode, storedEvents } from './ledger.ts';
import { recordDecision } from './decision.ts';

const CONFIG = `
systems:
  etp-one:
    name: ЭТП Один
    kind: etp
    policy: etp-em
    owners: [{ name: ТОО Один, email: owner@one.kz }]
    contacts: [{ name: Дежурный, phone: "+7 701 000 00 00" }]
    targets:
      - { id: orders, module: orders, service: orders }
      - { id: prices, module: prices, service: prices }
    etp: { domain: one.example.kz, ips: [10.0.0.1, "2001:db8::1"], state: productive, stateSince: "2025-01-10T09:00:00+05:00", authRotations: ["2026-01-15"] }
`;
const cfg = parseConfig(CONFIG, PROBES, {});
const T = (s: string) => parseDateTimeMs(s);
const ORDERS = [{ target: 'orders', module: 'orders' }];
const actor = { id: 'tok_test', ip: '127.0.0.9' };

/** A failure episode of every day from `first` to `last` (inclusive), 10:00–10:30 Astana time. */
async function dailyEpisodes(db: Db, etp: Etp, first: string, last: string, service = 'orders') {
  for (let d = T(`${first}T10:00:00+05:00`); d <= T(`${last}T10:00:00+05:00`); d += 86_400_000) {
    await recordEpisode(db, etp, { service, startMs: d, endMs: d + 30 * 60_000, source: 'test', note: null }, actor);
  }
}

async function result(db: Db, target: string, at: string, ok: boolean) {
  await db.query(
    "INSERT INTO check_results (check_key, system, target, check_id, region, ok, latency_ms, error_kind, message, at) VALUES ($1, 'etp-one', $2, 'http', 'astana', $3, 5, $4, 'x', $5)",
    [`etp-one/${target}/http`, target, ok, ok ? null : 'http-status', new Date(T(at)).toISOString()],
  );
}

for (const engine of ['pglite', 'postgres'] as const) {
  describe(`ETP ledger on ${engine}`, () => {
    let db: Db;
    const schema = uniqueName('etp_ledger');

    before(async () => {
      db = engine === 'pglite' ? await openDb({ dataDir: 'memory://' }) : await openDb({ databaseUrl: PG_URL, schema });
      await migrate(db);
      assert.deepEqual(await seedFromConfig(db, cfg), ['etp-one']);
    });
    after(async () => {
      await db.close();
      if (engine === 'postgres') await dropPgSchema(schema);
    });

    it('seeds the registry from the config once, audited; an API change survives a re-seed', async () => {
      const e = await requireEtp(db, 'etp-one');
      assert.equal(e.owner.name, 'ТОО Один');
      assert.deepEqual(
        e.owner.contacts.map((c) => c.name),
        ['ТОО Один', 'Дежурный'],
      );
      assert.deepEqual(e.ips, ['10.0.0.1', '2001:db8::1']);
      assert.deepEqual(e.services, [
        { service: 'orders', target: 'orders' },
        { service: 'prices', target: 'prices' },
      ]);
      assert.equal(formatAstana(e.stateSinceMs as number), '2025-01-10T09:00:00+05:00');
      assert.deepEqual(await seedFromConfig(db, cfg), [], 'nothing changed, nothing written');
      await updateEtp(
        db,
        'etp-one',
        { domain: 'one.kz', authRotations: ['2026-02-01', '2026-01-15', '2026-02-01'] },
        actor,
        new Date(T('2026-02-01T12:00:00+05:00')),
      );
      assert.deepEqual(await seedFromConfig(db, cfg), [], 'an operator change is not undone by the config');
      const after = await requireEtp(db, 'etp-one');
      assert.equal(after.domain, 'one.kz');
      assert.deepEqual(after.authRotations, ['2026-01-15', '2026-02-01']);
      assert.equal(after.version, 2);
      const audit = await db.query<{
        action: string;
        actor: string;
        ip: string | null;
        before: { domain: string } | null;
        after: { domain: string };
      }>(
        "SELECT action, actor, ip, before, after FROM audit_log WHERE subject = 'etp-one' AND action LIKE 'etp.%' AND action <> 'etp.ledger' ORDER BY id",
      );
      assert.deepEqual(
        audit.map((a) => a.action),
        ['etp.seed', 'etp.update'],
      );
      assert.equal(audit[1]?.before?.domain, 'one.example.kz');
      assert.equal(audit[1]?.after.domain, 'one.kz');
      assert.equal(audit[1]?.ip, '127.0.0.9');
    });

    it('field-named errors for bad registry input', async () => {
      await assert.rejects(
        updateEtp(db, 'etp-one', { ips: ['10.0.0.300'] }, actor, new Date()),
        (e: Error & { field?: string }) => e.field === 'ips[0]',
      );
      await assert.rejects(
        updateEtp(db, 'etp-one', { state: 'disconnected' }, actor, new Date()),
        (e: Error & { field?: string }) => e.field === 'state' && /decision/.test(e.message),
      );
      await assert.rejects(
        updateEtp(db, 'etp-one', { colour: 'red' }, actor, new Date()),
        (e: Error & { field?: string }) => e.field === 'colour' && /unknown field/.test(e.message),
      );
      await assert.rejects(
        updateEtp(db, 'etp-one', { name: 'x', version: 1 }, actor, new Date()),
        (e: Error & { status?: number }) => e.status === 409,
      );
      await assert.rejects(
        createEtp(db, { id: 'etp-one', name: 'dup', owner: { name: 'o' } }, actor, new Date()),
        (e: Error & { status?: number }) => e.status === 409,
      );
      await assert.rejects(
        createEtp(db, { id: 'etp-x', name: 'x', owner: { name: 'o', contacts: [{ name: 'c', email: 'nope' }] } }, actor, new Date()),
        (e: Error & { field?: string }) => e.field === 'owner.contacts[0].email',
      );
    });

    it('check-result failures across midnight count on both dates; a lone failed run does not', async () => {
      const e = await requireEtp(db, 'etp-one');
      await result(db, 'orders', '2026-04-10T23:50:00+05:00', true);
      await result(db, 'orders', '2026-04-10T23:55:00+05:00', false);
      await result(db, 'orders', '2026-04-11T00:00:00+05:00', false);
      await result(db, 'orders', '2026-04-11T00:05:00+05:00', false);
      await result(db, 'orders', '2026-04-11T00:10:00+05:00', true);
      // Prices failing do not count; one failed orders run alone is not an episode.
      await result(db, 'prices', '2026-04-12T10:00:00+05:00', false);
      await result(db, 'prices', '2026-04-12T10:05:00+05:00', false);
      await result(db, 'orders', '2026-04-13T10:00:00+05:00', false);
      await result(db, 'orders', '2026-04-13T10:05:00+05:00', true);
      const r = await recomputeLedger(db, e, ORDERS, T('2026-04-14T12:00:00+05:00'));
      assert.deepEqual(r.failureDays.map(formatEpochDay), ['2026-04-10', '2026-04-11']);
      assert.ok(r.changed);
      const again = await recomputeLedger(db, e, ORDERS, T('2026-04-14T12:00:00+05:00'));
      assert.equal(again.changed, false);
    });

    it('incidents count from start to recovery; refuted ones do not', async () => {
      const e = await requireEtp(db, 'etp-one');
      const ins = (id: string, seq: number, start: string, recovered: string | null, state: string) =>
        db.query(
          "INSERT INTO incidents (id, year, seq, source, system, module, policy, state, title, started_at, received_at, registered_at, recovered_at) VALUES ($1, 2026, $2, 'monitoring', 'etp-one', 'orders', 'etp-em', $3, 't', $4, $4, $4, $5)",
          [id, seq, state, new Date(T(start)).toISOString(), recovered ? new Date(T(recovered)).toISOString() : null],
        );
      await ins('INC-T-1', 9001, '2026-04-20T22:00:00+05:00', '2026-04-22T01:00:00+05:00', 'resolved');
      await ins('INC-T-2', 9002, '2026-04-25T10:00:00+05:00', '2026-04-25T11:00:00+05:00', 'refuted');
      const r = await recomputeLedger(db, e, ORDERS, T('2026-04-26T12:00:00+05:00'));
      assert.deepEqual(
        r.failureDays.map(formatEpochDay).filter((d) => d >= '2026-04-20'),
        ['2026-04-20', '2026-04-21', '2026-04-22'],
      );
    });

    it('threshold on the 8th day; decision due 5 working days later across a day off (Mar 9, 2026); events once', async () => {
      const etp = (await createEtp(
        db,
        {
          id: 'etp-mar',
          name: 'Март',
          owner: { name: 'ТОО Март', contacts: [{ name: 'Owner', email: 'mar@etp.kz' }] },
          state: 'productive',
        },
        actor,
        new Date(T('2026-02-01T09:00:00+05:00')),
      )) as Etp;
      await dailyEpisodes(db, etp, '2026-03-01', '2026-03-08');
      await dailyEpisodes(db, etp, '2026-03-01', '2026-03-08', 'prices');
      const notified: string[] = [];
      const onNotify = async (_tx: unknown, events: { type: string; day: number }[]) =>
        void notified.push(...events.map((e) => `${e.type}:${formatEpochDay(e.day)}`));
      // Day by day, as a live ledger would see it.
      for (const d of ['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'])
        await recomputeLedger(db, etp, [], T(`${d}T23:00:00+05:00`), { onNotify });
      assert.deepEqual(notified, ['warning:2026-03-05', 'warning:2026-03-06', 'warning:2026-03-07', 'threshold:2026-03-08']);
      // Again: nothing new, nothing sent twice.
      const again = await recomputeLedger(db, etp, [], T('2026-03-08T23:30:00+05:00'), { onNotify });
      assert.deepEqual(again.newEvents, []);
      assert.equal(notified.length, 4);
      const ev = await storedEvents(db, 'etp-mar');
      const threshold = ev.find((e) => e.type === 'threshold');
      assert.equal(formatAstana(threshold?.decisionDueByMs as number), '2026-03-16T23:59:59+05:00');
      const d = await etpDetail(db, 'etp-mar', new Date(T('2026-03-09T08:00:00+05:00')));
      assert.equal(d?.streak.currentStreak, 8, 'a streak stays current through the next day');
      assert.equal(d?.streak.thresholdReachedOn, '2026-03-08');
      assert.equal(d?.streak.decisionDueBy, '2026-03-16T23:59:59+05:00');
      assert.equal(d?.streak.decisionPending, true);
      const list = await listEtps(db, new Date(T('2026-03-09T08:00:00+05:00')));
      assert.deepEqual(
        list.find((x) => x.id === 'etp-mar'),
        {
          id: 'etp-mar',
          name: 'Март',
          state: 'productive',
          stateSince: '2026-02-01T09:00:00+05:00',
          currentStreak: 8,
          longestStreak: 8,
          level: 'threshold',
          thresholdReachedOn: '2026-03-08',
          decisionDueBy: '2026-03-16T23:59:59+05:00',
          decisionPending: true,
          decisionOverdue: false,
        },
      );
      assert.equal(
        (await listEtps(db, new Date(T('2026-03-17T00:00:00+05:00')))).find((x) => x.id === 'etp-mar')?.decisionOverdue,
        true,
        'past Mar 16 23:59:59',
      );
    });

    it('a streak across a month end, and one whose deadline runs through Nauryz', async () => {
      const feb = (await createEtp(db, { id: 'etp-feb', name: 'Февраль', owner: { name: 'o' } }, actor, new Date())) as Etp;
      await dailyEpisodes(db, feb, '2026-01-27', '2026-02-03');
      const r = await recomputeLedger(db, feb, [], T('2026-02-04T09:00:00+05:00'));
      assert.deepEqual(r.newEvents.map((e) => [e.type, formatEpochDay(e.day)]).at(-1), ['threshold', '2026-02-03']);
      const ev = r.newEvents.at(-1);
      assert.equal(ev?.type === 'threshold' ? formatAstana(ev.decisionDueByMs) : null, '2026-02-10T23:59:59+05:00');
      // Threshold on Fri Mar 20; Mar 21–22 weekend, Mar 23–25 Nauryz days off: 26, 27, 30, 31, Apr 1.
      const nau = (await createEtp(db, { id: 'etp-nau', name: 'Наурыз', owner: { name: 'o' } }, actor, new Date())) as Etp;
      await dailyEpisodes(db, nau, '2026-03-13', '2026-03-20');
      const n = await recomputeLedger(db, nau, [], T('2026-03-21T09:00:00+05:00'));
      const th = n.newEvents.find((e) => e.type === 'threshold');
      assert.equal(th?.type === 'threshold' ? formatAstana(th.decisionDueByMs) : null, '2026-04-01T23:59:59+05:00');
      // Notified: only what is recent relative to asOf (the 20th and the 21st's evaluation).
      assert.deepEqual(
        n.toNotify.map((e) => formatEpochDay(e.day)),
        ['2026-03-20'],
      );
    });

    it('records a decision: keep with a reason, then disconnect at a date and time; audited; field-named errors', async () => {
      const now = new Date(T('2026-03-10T10:00:00+05:00'));
      await assert.rejects(
        recordDecision(db, 'etp-mar', { decision: 'disconnect', reason: 'сбои' }, actor, now),
        (e: Error & { field?: string }) => e.field === 'disconnectAt',
      );
      await assert.rejects(
        recordDecision(db, 'etp-mar', { decision: 'pause', reason: 'сбои' }, actor, now),
        (e: Error & { field?: string }) => e.field === 'decision',
      );
      await assert.rejects(
        recordDecision(db, 'etp-mar', { decision: 'keep' }, actor, now),
        (e: Error & { field?: string }) => e.field === 'reason',
      );
      await assert.rejects(
        recordDecision(db, 'etp-mar', { decision: 'keep', reason: 'работает снова', thresholdDate: '2026-03-07' }, actor, now),
        (e: Error & { field?: string }) => e.field === 'thresholdDate',
      );
      await assert.rejects(
        recordDecision(db, 'etp-nope', { decision: 'keep', reason: 'сбои' }, actor, now),
        (e: Error & { status?: number }) => e.status === 404,
      );
      const disconnect = await recordDecision(
        db,
        'etp-mar',
        { decision: 'disconnect', disconnectAt: '2026-03-12T00:00:00+05:00', reason: 'систематические сбои 8 дней подряд' },
        actor,
        now,
      );
      assert.equal(disconnect.after.state, 'disconnected');
      assert.equal(formatAstana(disconnect.after.stateSinceMs as number), '2026-03-12T00:00:00+05:00');
      assert.equal(formatEpochDay(disconnect.decision.thresholdDay as number), '2026-03-08');
      await assert.rejects(
        recordDecision(db, 'etp-mar', { decision: 'disconnect', disconnectAt: '2026-03-13T00:00:00+05:00', reason: 'again' }, actor, now),
        (e: Error & { status?: number }) => e.status === 409,
      );
      const d = await etpDetail(db, 'etp-mar', now);
      assert.equal(d?.connection.state, 'disconnected');
      assert.equal(d?.connection.since, '2026-03-12T00:00:00+05:00');
      assert.equal(d?.streak.decisionPending, false);
      assert.deepEqual(
        d?.decisions.map((x) => [x.decision, x.disconnectAt, x.thresholdReachedOn, x.actor]),
        [['disconnect', '2026-03-12T00:00:00+05:00', '2026-03-08', 'tok_test']],
      );
      const audit = await db.query<{ ip: string; after: { decision: { decision: string } } }>(
        "SELECT ip, after FROM audit_log WHERE subject = 'etp-mar' AND action = 'etp.decision'",
      );
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.after.decision.decision, 'disconnect');
      assert.equal(audit[0]?.ip, '127.0.0.9');
      assert.equal((await getEtp(db, 'etp-mar'))?.version, 2);
    });
  });
}
