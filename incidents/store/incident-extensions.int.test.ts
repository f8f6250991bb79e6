/**
 * The deadline extensions of live incidents (issue #17 items 3, 6, 7, 8) on PGlite and PostgreSQL:
 * EX-ANALYSIS on refutation, EX-PROTOCOL only for procurements an appeal names, the EX-UNSCRUPULOUS
 * operator action (audited, recomputed, announced), and the energy policy's annulments and duties.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../core/config.ts';
import { migrate, openDb, type Db } from '../../core/db.ts';
import type { KuzetError } from '../../core/errors.ts';
import { parseDateTimeMs } from '../../core/time.ts';
import { PROBES } from '../../probes/index.ts';
import { dropPgSchema, PG_URL, uniqueName } from '../../test/support.ts';
import { binIinCheckDigit } from '../appeals/bin-iin.ts';
import { readOutbox } from '../events/outbox.ts';
import { namesAnnouncement } from './incident-extensions.ts';
import { IncidentService, importProcurements } from './incident.service.ts';
import { allocateIncidentId, getIncidentRow, insertIncident } from './incident.repo.ts';
import { topologyFromConfig } from './topology.ts';

const cfg = parseConfig(
  `
systems:
  portal:
    name: Portal
    kind: portal
    policy: portal-692
    modules: [search, contracts]
    targets:
      - { id: search, module: search, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/" }] }
  energy:
    name: Energy
    kind: portal
    policy: energy-366
    modules: [platform]
    targets:
      - { id: platform, module: platform, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/e" }] }
`,
  PROBES,
  {},
);
const topology = () => topologyFromConfig(cfg);
const T = (s: string) => parseDateTimeMs(`${s}:00+05:00`);
const operator = { id: 'user:test', ip: '10.0.0.9' };
const bin = (() => {
  for (let n = 10_000_000_000; ; n++) {
    const first = String(n).padStart(11, '0');
    const c = binIinCheckDigit(first);
    if (c !== null && c < 10) return `${first}${c}`;
  }
})();

type Stage = {
  extensions: { subject: string; deadline: string; extended: string; rule: string; flags: string[] }[];
  annulments: { procurement: string; rule: string }[];
  duties: { procurement: string; duty: string; rule: string }[];
  appealed: string[];
};

describe('namesAnnouncement', () => {
  it('finds a whole announcement number only', () => {
    assert.equal(namesAnnouncement('Не смог подать заявку по объявлению № 15001234-1, лот 2', '15001234-1'), true);
    assert.equal(namesAnnouncement('объявление 15001234-12', '15001234-1'), false);
    assert.equal(namesAnnouncement('объявление 115001234-1', '15001234-1'), false);
    assert.equal(namesAnnouncement('лот 12', '12'), false); // too short to tell
  });
});

function suite(engine: 'pglite' | 'postgres') {
  describe(`live extensions on ${engine}`, () => {
    let db: Db;
    const schema = uniqueName('kzext');
    let clock = T('2026-06-10T10:00');
    const now = () => new Date(clock);
    let svc: IncidentService;

    before(async () => {
      db = engine === 'postgres' ? await openDb({ databaseUrl: PG_URL, schema }) : await openDb({ dataDir: 'memory://' });
      await migrate(db);
      svc = new IncidentService({ db, topology, now });
      await importProcurements(
        db,
        [
          {
            announcement: '16000001-1',
            lot: '1',
            method: 'competition',
            system: 'portal',
            module: 'search',
            deadlines: { acceptanceEnd: '2026-06-10T11:00:00+05:00' },
          },
          {
            announcement: '16000002-1',
            lot: '1',
            method: 'competition',
            system: 'portal',
            module: 'search',
            protocolFormedAt: '2026-06-11T12:00:00+05:00',
            deadlines: { discussionEnd: '2026-06-11T13:00:00+05:00' },
          },
          {
            announcement: '16000003-1',
            lot: '1',
            method: 'competition',
            system: 'portal',
            module: 'search',
            protocolFormedAt: '2026-06-11T12:00:00+05:00',
            deadlines: { discussionEnd: '2026-06-11T13:00:00+05:00' },
          },
          {
            announcement: '16000004-1',
            lot: '1',
            method: 'price-quotations',
            system: 'portal',
            module: 'contracts',
            deadlines: { contractSigning: '2026-06-11T12:00:00+05:00' },
          },
          {
            announcement: '17000001-1',
            lot: '1',
            method: 'competition',
            system: 'energy',
            module: 'platform',
            protocolFormedAt: '2026-07-03T12:00:00+05:00',
            deadlines: { acceptanceEnd: '2026-07-02T18:00:00+05:00' },
          },
        ],
        operator,
        now(),
      );
    });
    after(async () => {
      await db.close();
      if (engine === 'postgres') await dropPgSchema(schema);
    });

    const appeal = (description: string, detectedAt: string) =>
      svc.registerAppeal(
        {
          organisation: 'ТОО «Тест»',
          binIin: bin,
          email: 'a@example.kz',
          phone: '+7 701 123 45 67',
          description,
          detectedAt: `${detectedAt}:00+05:00`,
          system: 'portal',
          module: 'search',
        },
        '10.0.0.1',
      );

    it('a refuted report moves an acceptance end that passed during the analysis to the refutation (EX-ANALYSIS)', async () => {
      clock = T('2026-06-10T10:00');
      const a = await appeal('Не открывается поиск объявлений', '2026-06-10T09:55');
      clock = T('2026-06-10T10:10');
      await svc.transition(a.incidentId, { to: 'analysing' }, operator);
      clock = T('2026-06-10T11:30');
      const refuted = await svc.transition(
        a.incidentId,
        { to: 'refuted', evidence: 'поиск работает, проверено с трёх регионов' },
        operator,
      );
      const ext = refuted.extensions as { latest: string; refuted: Stage & { window: { receivedAt: string; refutedAt: string } } };
      assert.equal(ext.latest, 'refuted');
      assert.deepEqual(
        ext.refuted.extensions.map((e) => [e.subject, e.deadline, e.extended, e.rule]),
        [['16000001-1/1', 'acceptanceEnd', '2026-06-10T11:30:00+05:00', 'EX-ANALYSIS']],
      );
      assert.equal(ext.refuted.window.receivedAt, '2026-06-10T10:00:00+05:00');
      const timeline = await db.query<{ action: string }>('SELECT action FROM incident_timeline WHERE incident_id = $1 ORDER BY id', [
        a.incidentId,
      ]);
      assert.ok(
        timeline.some((t) => t.action === 'extensions.refuted'),
        JSON.stringify(timeline),
      );
    });

    it('EX-PROTOCOL and EX-DISCUSSION move only the procurement an appeal names (appealed)', async () => {
      clock = T('2026-06-11T11:40');
      const a = await appeal('Протокол по объявлению 16000002-1 сформирован во время сбоя, вопросы не отправлялись', '2026-06-11T11:30');
      await svc.transition(a.incidentId, { to: 'analysing' }, operator);
      clock = T('2026-06-11T11:50');
      const c = await svc.transition(
        a.incidentId,
        {
          to: 'confirmed',
          level: 'medium',
          levelReason: 'участники не могли задать вопросы',
          kind: 'third-party-conditions',
          plannedFixAt: '2026-06-11T14:00:00+05:00',
        },
        operator,
      );
      const stage = (c.extensions as { confirmed: Stage }).confirmed;
      assert.deepEqual(stage.appealed, ['16000002-1/1']);
      assert.deepEqual(
        stage.extensions.map((e) => [e.subject, e.deadline, e.extended, e.rule]),
        [
          ['16000002-1/1', 'acceptanceEnd', '2026-06-12T14:00:00+05:00', 'EX-PROTOCOL'],
          ['16000002-1/1', 'discussionEnd', '2026-06-12T13:00:00+05:00', 'EX-DISCUSSION'],
        ],
      );
    });

    it('the operator annuls an unscrupulous listing: audited, signing reopens for one calendar day, announced (EX-UNSCRUPULOUS)', async () => {
      clock = T('2026-06-11T10:00');
      const id = await db.transaction(async (tx) => {
        const n = await allocateIncidentId(tx, clock);
        await insertIncident(tx, {
          ...n,
          source: 'monitoring',
          system: 'portal',
          module: 'contracts',
          policy: 'portal-692',
          title: 'contracts down',
          startedAt: T('2026-06-11T10:00'),
          receivedAt: clock,
          registeredAt: clock,
          userDetectedAt: null,
          proposal: { level: 'high', rule: 'CL-P-HIGH', reasons: [] },
          evidence: {},
        });
        return n.id;
      });
      await assert.rejects(
        svc.recordConsequence(id, { kind: 'unscrupulous-annulled', procurement: '16000004-1/1', note: 'обращение № 5' }, operator),
        (e: KuzetError) => e.status === 409 && e.field === 'kind',
      );
      await svc.transition(id, { to: 'analysing' }, operator);
      clock = T('2026-06-11T10:30');
      await svc.transition(
        id,
        { to: 'confirmed', level: 'high', kind: 'operator-infosec-failure', plannedFixAt: '2026-06-11T13:00:00+05:00' },
        operator,
      );
      await assert.rejects(
        svc.recordConsequence(id, { kind: 'results-affected', procurement: '16000004-1/1', note: 'x' }, operator),
        (e: KuzetError) => e.status === 400 && e.field === 'kind',
      );
      await assert.rejects(
        svc.recordConsequence(id, { kind: 'unscrupulous-annulled', procurement: 'nope', note: 'x' }, operator),
        (e: KuzetError) => e.status === 400 && e.field === 'procurement',
      );
      await assert.rejects(
        svc.recordConsequence(id, { kind: 'unscrupulous-annulled', procurement: '16000004-1/1' }, operator),
        (e: KuzetError) => e.status === 400 && e.field === 'note',
      );
      clock = T('2026-06-12T15:05');
      const r = await svc.recordConsequence(
        id,
        {
          kind: 'unscrupulous-annulled',
          procurement: '16000004-1/1',
          supplier: `${bin} ТОО «Поставщик»`,
          at: '2026-06-12T15:00:00+05:00',
          note: 'обращение поставщика вх. № 77; сбой подтверждён',
        },
        operator,
      );
      assert.equal(r.consequence.rule, 'EX-UNSCRUPULOUS');
      const stage = (r.row.extensions as { confirmed: Stage }).confirmed;
      const signing = stage.extensions.find((e) => e.subject === '16000004-1/1' && e.deadline === 'contractSigning');
      assert.deepEqual(
        [signing?.extended, signing?.rule, signing?.flags],
        ['2026-06-13T15:00:00+05:00', 'EX-UNSCRUPULOUS', ['listingAnnulled']],
      );
      const timeline = await db.query<{ action: string; actor: string; after: { at?: string } }>(
        'SELECT action, actor, after FROM incident_timeline WHERE incident_id = $1 ORDER BY id',
        [id],
      );
      const entry = timeline.find((t) => t.action === 'consequence.unscrupulous-annulled');
      assert.deepEqual([entry?.actor, entry?.after.at], ['user:test', '2026-06-12T15:00:00+05:00']);
      const audited = await db.query('SELECT 1 FROM audit_log WHERE subject = $1 AND action = $2', [
        id,
        'incident.consequence.unscrupulous-annulled',
      ]);
      assert.equal(audited.length, 1);
      const events = (await readOutbox(db, 0)).filter(
        (e) => e.incidentId === id && e.payload.change === 'consequence.unscrupulous-annulled',
      );
      assert.equal(events.length, 1);
      assert.equal((await getIncidentRow(db, id))?.version, r.row.version);
    });

    it('energy-366: a protocol formed in W is annulled though nothing is extended; an operator records §29.5 duties', async () => {
      clock = T('2026-07-03T11:00');
      const id = await db.transaction(async (tx) => {
        const n = await allocateIncidentId(tx, clock);
        await insertIncident(tx, {
          ...n,
          source: 'monitoring',
          system: 'energy',
          module: 'platform',
          policy: 'energy-366',
          title: 'platform down',
          startedAt: clock,
          receivedAt: clock,
          registeredAt: clock,
          userDetectedAt: null,
          proposal: { level: 'high', rule: 'CL-E-HIGH', reasons: [] },
          evidence: {},
        });
        return n.id;
      });
      await svc.transition(id, { to: 'analysing' }, operator);
      clock = T('2026-07-03T11:30');
      await svc.transition(
        id,
        {
          to: 'confirmed',
          level: 'medium',
          kind: 'operator-infosec-failure',
          levelAgreedWith: 'уполномоченный орган',
          levelReason: 'работал раздел закупок частично',
          plannedFixAt: '2026-07-03T13:00:00+05:00',
        },
        operator,
      );
      clock = T('2026-07-03T13:10');
      const r = await svc.recordConsequence(
        id,
        { kind: 'results-affected', procurement: '17000001-1/1', note: 'итоги сформированы во время сбоя' },
        operator,
      );
      const stage = (r.row.extensions as { confirmed: Stage }).confirmed;
      assert.deepEqual(stage.extensions, []);
      assert.deepEqual(
        stage.annulments.map((a) => [a.procurement, a.rule]),
        [['17000001-1/1', 'EX-N-PROTOCOL']],
      );
      assert.deepEqual(
        stage.duties.map((d) => [d.procurement, d.duty, d.rule]),
        [['17000001-1/1', 'rerun-procedures', 'EX-N-RESULTS']],
      );
    });
  });
}

suite('pglite');
suite('postgres');
