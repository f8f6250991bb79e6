/** The status site's ETP and e-shop parts, pure: the authorised-ETP list from the registry and availability per service. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtml, renderJson } from './render.ts';
import { buildSnapshot, type BoardDoc } from './snapshot.ts';

const board: BoardDoc = {
  systems: [
    { id: 'portal', name: 'Портал', kind: 'portal', policy: 'portal-692', targets: [{ id: 'eshop-services', module: 'eshop', service: 'eshop-productive', checks: [{ status: 'up' }] }, { id: 'eshop-services-test', module: 'eshop', service: 'eshop-test', checks: [{ status: 'up' }] }] },
    { id: 'etp-a', name: 'ЭТП А', kind: 'etp', policy: 'etp-em', targets: [{ id: 'orders', module: 'orders', service: 'orders', checks: [{ status: 'down' }] }] },
    { id: 'etp-b', name: 'ЭТП Б', kind: 'etp', policy: 'etp-em', targets: [{ id: 'orders', module: 'orders', service: 'orders', checks: [{ status: 'up' }] }] },
  ],
};

const snap = () =>
  buildSnapshot({
    board,
    notices: [],
    maintenance: [],
    uptime: [{ system: 'portal', day: '2026-03-28', ok: 50, total: 100 }],
    serviceUptime: [
      { system: 'portal', target: 'eshop-services', ok: 999, total: 1000 },
      { system: 'portal', target: 'eshop-services-test', ok: 90, total: 100 },
    ],
    registry: [
      { id: 'etp-a', name: 'ЭТП А', connection: 'disconnected', since: '2026-03-12T00:00:00+05:00' },
      { id: 'etp-b', name: 'ЭТП Б', connection: 'productive', since: null },
      { id: 'etp-c', name: 'ЭТП В (без проверок)', connection: 'test', since: '2026-02-01T09:00:00+05:00' },
    ],
    now: new Date('2026-03-28T10:00:00+05:00'),
    stale: false,
    generatedAt: '2026-03-28T10:00:00+05:00',
  });

test('the authorised-ETP list comes from the registry: connection state, the date and time of a disconnection (§49), health', () => {
  assert.deepEqual(snap().etps, [
    { id: 'etp-a', name: 'ЭТП А', status: 'down', connection: 'disconnected', since: '2026-03-12T00:00:00+05:00' },
    { id: 'etp-b', name: 'ЭТП Б', status: 'up', connection: 'productive', since: null },
    { id: 'etp-c', name: 'ЭТП В (без проверок)', status: 'unknown', connection: 'test', since: '2026-02-01T09:00:00+05:00' },
  ]);
  const ru = renderHtml(snap(), 'ru');
  assert.match(ru, /ЭТП А: технический сбой · <span class="connection disconnected">отключена с <time>2026-03-12T00:00:00\+05:00<\/time>/);
  assert.match(ru, /ЭТП Б: работает · <span class="connection productive">подключена к продуктивной среде/);
  assert.match(renderHtml(snap(), 'kk'), /ажыратылған күні: <time>2026-03-12T00:00:00\+05:00<\/time>/);
  assert.equal((JSON.parse(renderJson(snap())) as { etps: { connection: string }[] }).etps[0]?.connection, 'disconnected');
});

test("the e-shop's test and productive services each with their own availability (000 App.7 §3)", () => {
  const services = snap().services.filter((s) => s.system === 'portal');
  assert.deepEqual(services.map((s) => [s.service, s.environment, s.availability]), [['eshop-productive', 'productive', 99.9], ['eshop-test', 'test', 90]]);
  // A service without results of its own has no availability, not its system's.
  assert.equal(snap().services.find((s) => s.system === 'etp-a')?.availability, null);
});
