/**
 * Appeals against the configuration and in floods (issue #16 items 4, 5), on PGlite: an unknown
 * system or module — prototype keys included — is refused with the allowed values and opens nothing;
 * appeals about a module whose incident is open attach to it, each with its own answer clocks, and
 * the clocks follow the incident's refutation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import client from 'prom-client';
import { parseConfig } from '../../core/config.ts';
import { migrate, openDb, type Db } from '../../core/db.ts';
import { InputError } from '../../core/errors.ts';
import { PROBES } from '../../probes/index.ts';
import { SlaMetrics, tickSla } from '../events/sla-ticker.ts';
import { IncidentService } from './incident.service.ts';
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
      - { id: homepage, module: homepage, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/home" }] }
incidents:
  appeals: { attachWindow: 10m }
`,
  PROBES,
  {},
);
const appeal = {
  organisation: 'ТОО Ромашка',
  binIin: '850101300005',
  email: 'buyer@romashka.kz',
  phone: '+7 701 123 45 67',
  description: 'поиск не работает',
  detectedAt: '2026-03-26T09:10:00+05:00',
};

describe('appeals: scope and floods', () => {
  let db: Db;
  let clock = Date.parse('2026-03-26T09:20:00+05:00');
  let svc: IncidentService;
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string | number }>(sql, params))[0]?.n);

  before(async () => {
    db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    svc = new IncidentService({ db, topology: () => topologyFromConfig(cfg), now: () => new Date(clock) });
  });
  after(async () => db.close());

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['an unknown system', { system: 'nonexistent' }, 'system', /unknown system "nonexistent"; one of: portal$/],
    ['__proto__ as the system', { system: '__proto__' }, 'system', /unknown system "__proto__"; one of: portal$/],
    ['constructor as the system', { system: 'constructor' }, 'system', /unknown system "constructor"; one of: portal$/],
    ['toString as the system', { system: 'toString' }, 'system', /unknown system/],
    [
      'an unknown module',
      { system: 'portal', module: 'nonexistent' },
      'module',
      /unknown module "nonexistent" of system "portal"; one of: search, homepage$/,
    ],
    ['constructor as the module', { system: 'portal', module: 'constructor' }, 'module', /one of: search, homepage$/],
    ['__proto__ as the module', { system: 'portal', module: '__proto__' }, 'module', /one of: search, homepage$/],
    ['a module without its system', { module: 'search' }, 'system', /needs its system/],
  ];
  for (const [name, extra, field, message] of cases) {
    it(`refuses ${name} with 400 naming ${field} and the allowed values; no incident is opened`, async () => {
      await assert.rejects(svc.registerAppeal({ ...appeal, ...extra }, '192.0.2.1'), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.status, 400);
        assert.equal(e.field, field);
        assert.match(e.message, message);
        return true;
      });
      assert.equal(await count('SELECT count(*) AS n FROM incidents'), 0);
      assert.equal(await count('SELECT count(*) AS n FROM appeals'), 0);
    });
  }

  it('300 appeals about one module open one incident; each appeal is listed, counted and keeps its own clocks', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        svc.registerAppeal({ ...appeal, system: 'portal', module: 'search', email: `u${i}@x.kz` }, `10.0.${i >> 8}.${i & 255}`),
      ),
    );
    const ids = new Set(results.map((r) => r.incidentId));
    assert.equal(ids.size, 1);
    const [id] = [...ids] as [string];
    assert.equal(results.filter((r) => !r.attached).length, 1);
    assert.equal(await count('SELECT count(*) AS n FROM incidents'), 1);
    assert.equal(await count('SELECT count(*) AS n FROM appeals WHERE incident_id = $1', [id]), 300);
    assert.equal(
      await count("SELECT count(*) AS n FROM incident_timeline WHERE incident_id = $1 AND action = 'appeal.attached'", [id]),
      299,
    );
    // One incident.registered event: the channels hear of the failure once.
    assert.equal(await count("SELECT count(*) AS n FROM outbox WHERE type = 'incident.registered'"), 1);
    // Every attached appeal has SLA-P-REGISTER and SLA-P-ID of its own; the first appeal's are the incident's.
    assert.equal(
      await count("SELECT count(*) AS n FROM incident_clocks WHERE incident_id = $1 AND timer LIKE 'SLA-P-ID@appeal-%'", [id]),
      299,
    );
    assert.equal(
      await count("SELECT count(*) AS n FROM incident_clocks WHERE incident_id = $1 AND timer LIKE 'SLA-P-REGISTER@appeal-%'", [id]),
      299,
    );
    assert.equal(await count("SELECT count(*) AS n FROM incident_clocks WHERE incident_id = $1 AND timer = 'SLA-P-ID'", [id]), 1);
    // Another module is another failure.
    const other = await svc.registerAppeal({ ...appeal, system: 'portal', module: 'homepage' }, '10.1.0.1');
    assert.notEqual(other.incidentId, id);
    assert.equal(other.attached, false);
  });

  it('the attached appeals’ clocks warn and breach on their own, told once per timer (not once per appeal); metrics by the rule’s timer', async () => {
    const [{ id }] = (await db.query<{ id: string }>("SELECT id FROM incidents WHERE module = 'search' ORDER BY id LIMIT 1")) as [
      { id: string },
    ];
    const registry = new client.Registry();
    const metrics = new SlaMetrics(registry, ['SLA-P-ID']);
    await tickSla(db, new Date(clock + 3 * 3_600_000), metrics);
    assert.equal(
      await count(
        "SELECT count(*) AS n FROM incident_clocks WHERE incident_id = $1 AND timer LIKE 'SLA-P-ID@appeal-%' AND breached_at IS NOT NULL",
        [id],
      ),
      299,
    );
    const told = await db.query<{ type: string; timer: string }>(
      "SELECT type, payload->>'timer' AS timer FROM outbox WHERE incident_id = $1 AND type IN ('sla.warning', 'sla.breached') ORDER BY id",
      [id],
    );
    assert.deepEqual(
      told.filter((e) => e.timer === 'SLA-P-ID (appeals)').map((e) => e.type),
      ['sla.warning', 'sla.breached'],
    );
    const text = await registry.metrics();
    assert.doesNotMatch(text, /@appeal-/);
    // 300 of the flood's incident (its own and 299 attached appeals'), 1 of the homepage's.
    assert.match(text, /kuzet_sla_breaches_total\{timer="SLA-P-ID"\} 301/);
  });

  it('a refutation starts every attached appeal its own SLA-P-REFUTE; an appeal after the window opens a new incident', async () => {
    const [{ id }] = (await db.query<{ id: string }>("SELECT id FROM incidents WHERE module = 'search' ORDER BY id LIMIT 1")) as [
      { id: string },
    ];
    const op = { id: 'op', ip: null };
    clock += 60_000;
    await svc.transition(id, { to: 'analysing' }, op);
    await svc.transition(id, { to: 'refuted', evidence: 'портал работает' }, op);
    assert.equal(
      await count("SELECT count(*) AS n FROM incident_clocks WHERE incident_id = $1 AND timer LIKE 'SLA-P-REFUTE@appeal-%'", [id]),
      299,
    );
    // Refuted: not open any more, so the next appeal is a new incident.
    const next = await svc.registerAppeal({ ...appeal, system: 'portal', module: 'search' }, '10.2.0.1');
    assert.notEqual(next.incidentId, id);
    assert.equal(next.attached, false);
  });

  it('incidents.appeals.attach: false — every appeal opens its own incident', async () => {
    const separate = parseConfig(
      `
systems:
  portal: { name: Portal, kind: portal, policy: portal-692, modules: [search], targets: [{ id: search, module: search, checks: [{ id: http, type: http, url: "http://127.0.0.1:1/" }] }] }
incidents: { appeals: { attach: false } }
`,
      PROBES,
      {},
    );
    const own = new IncidentService({ db, topology: () => topologyFromConfig(separate), now: () => new Date(clock) });
    const a = await own.registerAppeal({ ...appeal, system: 'portal', module: 'search' }, '10.3.0.1');
    const b = await own.registerAppeal({ ...appeal, system: 'portal', module: 'search' }, '10.3.0.2');
    assert.notEqual(a.incidentId, b.incidentId);
    assert.deepEqual([a.attached, b.attached], [false, false]);
  });
});
