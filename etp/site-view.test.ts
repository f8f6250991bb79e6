/** The status site's ETP and e-shop parts, pure: the authorised-ETP list from the registry and availability per service. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtml, renderJson } from '../notices/site/render.ts';
import { ESHOP_SERVICE_IDS, ESHOP_SERVICES } from '../core/eshop-services.ts';
import { buildSnapshot, type BoardDoc, type Snapshot } from '../notices/site/snapshot.ts';

const eshopTarget = (id: string, service: string | null, environment: 'test' | 'productive', checks: string[]) => ({
  id,
  module: 'eshop',
  service,
  environment,
  checks: checks.map((status) => ({ status })),
});

const board: BoardDoc = {
  systems: [
    {
      id: 'portal',
      name: 'Портал',
      kind: 'portal',
      policy: 'portal-692',
      targets: [
        eshopTarget('eshop', null, 'productive', ['up']), // the aggregate list: no service of its own
        eshopTarget('eshop-productive-orders', 'orders', 'productive', ['up']),
        eshopTarget('eshop-test-orders', 'orders', 'test', ['down']),
        eshopTarget('eshop-productive-participants', 'participants', 'productive', ['up', 'up']),
        eshopTarget('eshop-test-participants', 'participants', 'test', []), // declared, no check: not monitored
        eshopTarget('eshop-productive-notifications', 'notifications', 'productive', ['up']),
        eshopTarget('eshop-productive-notifications-2', 'notifications', 'productive', ['down']),
        eshopTarget('eshop-test-orders-in', 'orders-in', 'test', ['unknown']),
      ],
    },
    {
      id: 'etp-a',
      name: 'ЭТП А',
      kind: 'etp',
      policy: 'etp-em',
      targets: [{ id: 'orders', module: 'orders', service: 'orders', checks: [{ status: 'down' }] }],
    },
    {
      id: 'etp-b',
      name: 'ЭТП Б',
      kind: 'etp',
      policy: 'etp-em',
      targets: [{ id: 'orders', module: 'orders', service: 'orders', checks: [{ status: 'up' }] }],
    },
  ],
};

const snap = (extra: Partial<Parameters<typeof buildSnapshot>[0]> = {}) =>
  buildSnapshot({
    board,
    notices: [],
    maintenance: [],
    uptime: [{ system: 'portal', day: '2026-03-28', ok: 50, total: 100 }],
    serviceUptime: [
      { system: 'portal', target: 'eshop-productive-orders', ok: 999, total: 1000 },
      { system: 'portal', target: 'eshop-test-orders', ok: 90, total: 100 },
      { system: 'portal', target: 'eshop-productive-notifications', ok: 100, total: 100 },
      { system: 'portal', target: 'eshop-productive-notifications-2', ok: 50, total: 100 },
      { system: 'etp-b', target: 'orders', ok: 3, total: 4 },
    ],
    registry: [
      { id: 'etp-a', name: 'ЭТП А', connection: 'disconnected', since: '2026-03-12T00:00:00+05:00' },
      { id: 'etp-b', name: 'ЭТП Б', connection: 'productive', since: null },
      { id: 'etp-c', name: 'ЭТП В (без проверок)', connection: 'test', since: '2026-02-01T09:00:00+05:00' },
    ],
    now: new Date('2026-03-28T10:00:00+05:00'),
    stale: false,
    generatedAt: '2026-03-28T10:00:00+05:00',
    ...extra,
  });

test('the authorised-ETP list comes from the registry: connection state, the date and time of a disconnection (§49), health', () => {
  assert.deepEqual(snap().etps, [
    {
      id: 'etp-a',
      name: 'ЭТП А',
      names: { kk: 'ЭТП А', ru: 'ЭТП А' },
      status: 'down',
      connection: 'disconnected',
      since: '2026-03-12T00:00:00+05:00',
    },
    { id: 'etp-b', name: 'ЭТП Б', names: { kk: 'ЭТП Б', ru: 'ЭТП Б' }, status: 'up', connection: 'productive', since: null },
    {
      id: 'etp-c',
      name: 'ЭТП В (без проверок)',
      names: { kk: 'ЭТП В (без проверок)', ru: 'ЭТП В (без проверок)' },
      status: 'unknown',
      connection: 'test',
      since: '2026-02-01T09:00:00+05:00',
    },
  ]);
  const ru = renderHtml(snap(), 'ru');
  assert.match(ru, /ЭТП А: технический сбой · <span class="connection disconnected">отключена с <time>2026-03-12T00:00:00\+05:00<\/time>/);
  assert.match(ru, /ЭТП Б: работает · <span class="connection productive">подключена к продуктивной среде/);
  assert.match(renderHtml(snap(), 'kk'), /ажыратылған күні: <time>2026-03-12T00:00:00\+05:00<\/time>/);
  assert.equal((JSON.parse(renderJson(snap())) as { etps: { connection: string }[] }).etps[0]?.connection, 'disconnected');
});

test("the e-shop's service list: all 17 services of Appendix 1 by direction, each environment watched or honestly not (000 App.7 §3)", () => {
  const { eshop } = snap();
  assert.deepEqual(
    eshop.map((g) => [g.direction, g.services.length]),
    [
      ['from-eshop', 12],
      ['to-eshop', 5],
    ],
  );
  assert.deepEqual(
    eshop.flatMap((g) => g.services.map((x) => x.id)),
    [...ESHOP_SERVICE_IDS],
  );
  const row = (id: string) => eshop.flatMap((g) => g.services).find((x) => x.id === id);
  // Each cell is its own targets' checks and availability, not the eshop module's nor the system's.
  assert.deepEqual(
    [row('orders')?.productive, row('orders')?.test],
    [
      { monitored: true, status: 'up', availability: 99.9 },
      { monitored: true, status: 'down', availability: 90 },
    ],
  );
  // Two targets on one service: the worst status, the availability over both.
  assert.deepEqual(row('notifications')?.productive, { monitored: true, status: 'down', availability: 75 });
  // A check without results yet is "no data", with no availability.
  assert.deepEqual(row('orders-in')?.test, { monitored: true, status: 'unknown', availability: null });
  // A target without checks, or none at all: not monitored.
  for (const cell of [
    row('participants')?.test,
    row('reference-data')?.test,
    row('reference-data')?.productive,
    row('orders-in')?.productive,
  ]) {
    assert.deepEqual(cell, { monitored: false, status: null, availability: null });
  }
  assert.equal(row('reference-data')?.items.length, 6);
  // The other services' table keeps the ETPs' own and leaves the e-shop's to its list.
  assert.deepEqual(
    snap().services.map((x) => [x.system, x.service, x.environment, x.availability]),
    [
      ['etp-a', 'orders', 'productive', null],
      ['etp-b', 'orders', 'productive', 75],
    ],
  );
  // Without per-target history (the database not read yet) a watched cell shows no availability rather than the system's.
  assert.equal(snap({ serviceUptime: undefined }).eshop[0]?.services.find((x) => x.id === 'orders')?.productive.availability, null);
});

test('an e-shop service down during maintenance of the eshop module shows maintenance; an up one stays up', () => {
  const s = snap({
    maintenance: [
      {
        id: 'MW-1',
        system: 'portal',
        modules: ['eshop'],
        startsAt: '2026-03-28T04:00:00.000Z',
        endsAt: '2026-03-28T06:00:00.000Z',
        phase: 'maintenance-started',
        unplanned: false,
      },
    ],
  });
  const orders = s.eshop[0]?.services.find((x) => x.id === 'orders');
  assert.deepEqual([orders?.test.status, orders?.productive.status], ['maintenance', 'up']);
});

test('the page lists every service in both languages with a column per environment and says which are not monitored', () => {
  const s = snap();
  const ru = renderHtml(s, 'ru');
  const kk = renderHtml(s, 'kk');
  for (const [html, lang] of [
    [ru, 'ru'],
    [kk, 'kk'],
  ] as const) {
    assert.equal(html.match(/<tr data-service="/g)?.length, 17, lang);
    assert.equal(html.match(/<td data-env="test"/g)?.length, 17, lang);
    assert.equal(html.match(/<td data-env="productive"/g)?.length, 17, lang);
    for (const x of ESHOP_SERVICES) assert.ok(html.includes(x.name[lang]), `${lang}: ${x.id}`);
  }
  assert.match(
    ru,
    /<tr data-service="orders">[\s\S]*?<td data-env="test" data-status="down"><span class="dot down"><\/span>технический сбой · 90 %<\/td><td data-env="productive" data-status="up"><span class="dot up"><\/span>работает · 99.9 %<\/td>/,
  );
  assert.match(
    ru,
    /<tr data-service="reference-data">[\s\S]*?<li>Справочник КАТО<\/li>[\s\S]*?<td data-env="test" data-status="unmonitored"><span class="dot unmonitored"><\/span>не отслеживается<\/td>/,
  );
  assert.match(
    kk,
    /<tr data-service="reference-data">[\s\S]*?<td data-env="test" data-status="unmonitored"><span class="dot unmonitored"><\/span>бақыланбайды<\/td>/,
  );
  assert.match(
    kk,
    /<tr data-service="orders">[\s\S]*?<td data-env="test" data-status="down"><span class="dot down"><\/span>техникалық іркіліс · 90 %<\/td>/,
  );
  assert.match(ru, /<th>Тестовая среда<\/th><th>Продуктивная среда<\/th>/);
  assert.match(kk, /<th>Тестілік орта<\/th><th>Өнеркәсіптік орта<\/th>/);
  assert.match(kk, /ЭСА электрондық дүкеннен алатын деректер[\s\S]*ЭСА электрондық дүкенге беретін деректер/);
  const json = JSON.parse(renderJson(s)) as Snapshot;
  assert.deepEqual(json.eshop, s.eshop);
});
