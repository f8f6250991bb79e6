/**
 * The incident API over HTTP on PGlite: roles (401 without a token, 403 for a viewer's write),
 * appeals with valid and invalid BIN/IIN, attachments checked by content and size before they are
 * stored, the per-IP rate limit, listing and filtering, linking an appeal, and CSV procurement import.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../core/auth.ts';
import { parseConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { IncidentService, topologyFromConfig } from '../incidents/index.ts';
import { PROBES } from '../probes/index.ts';
import { postOversized, tempDir } from '../test/support.ts';
import { createApi } from './server.ts';
import { Metrics } from '../collector/metrics.ts';
import { StatusBoard } from '../collector/status.ts';

// The test client stands behind a proxy on loopback: X-Forwarded-For names each test's client address.
const cfg = parseConfig(JSON.stringify({ server: { trustedProxies: ['127.0.0.1/32'] } }), PROBES, {});
const appeal = {
  organisation: 'ТОО Ромашка',
  binIin: '850101300005',
  email: 'buyer@romashka.kz',
  phone: '+7 701 123 45 67',
  description: 'поиск объявлений выдаёт ошибку 500',
  detectedAt: '2026-03-26T09:10:00+05:00',
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

describe('incident API', () => {
  let db: Db;
  let server: Server;
  let url: string;
  let op: string;
  let viewer: string;
  const dir = tempDir();
  const now = () => new Date('2026-03-26T09:20:00+05:00');

  before(async () => {
    db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    op = (await createToken(db, { role: 'operator', name: 'op' })).token;
    viewer = (await createToken(db, { role: 'viewer', name: 'v' })).token;
    const service = new IncidentService({ db, topology: () => topologyFromConfig(cfg), now });
    const app = createApi({
      config: () => cfg,
      db: () => db,
      metrics: new Metrics(),
      status: new StatusBoard(),
      readiness: async () => [],
      log: silentLogger,
      now,
      incidents: {
        db: () => db,
        service: () => service,
        attachmentsDir: join(dir.path, 'att'),
        appealRateLimit: { max: 4, windowMs: 60_000 },
      },
    });
    server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await db.close();
    dir.remove();
  });

  const call = async (
    method: string,
    path: string,
    o: { token?: string; body?: unknown; raw?: Buffer | string; type?: string; headers?: Record<string, string>; ip?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}), 'x-forwarded-for': o.ip ?? '192.0.2.1' };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    if (o.type) headers['content-type'] = o.type;
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(o.body !== undefined
        ? { body: JSON.stringify(o.body) }
        : o.raw !== undefined
          ? { body: typeof o.raw === 'string' ? o.raw : new Uint8Array(o.raw) }
          : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  let first: { incidentId: string; appealId: string; uploadToken: string };

  /** Sends a PNG-headed body of `bytes` bytes, with or without a content-length; resolves with the status. */
  const rawUpload = async (path: string, token: string, bytes: number, declare: boolean) => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    PNG.copy(chunk);
    return (await postOversized(`${url}${path}`, { headers: { 'x-upload-token': token }, bytes, declare, chunk })).status;
  };

  it('registers an appeal with the next incident id; a wrong BIN/IIN is refused with a clear message', async () => {
    const ok = await call('POST', '/api/v1/appeals', { body: appeal });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.incidentId, 'INC-2026-000001');
    first = ok.body as typeof first;
    const bad = await call('POST', '/api/v1/appeals', { body: { ...appeal, binIin: '850101300004' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error, {
      code: 'invalid_input',
      message: 'binIin: is not a valid BIN/IIN: the check digit (last digit) should be 5, not 4',
      field: 'binIin',
    });
    const short = await call('POST', '/api/v1/appeals', { body: { ...appeal, binIin: '12345' } });
    assert.equal(short.body.error.message, 'binIin: must be exactly 12 digits');
    const second = await call('POST', '/api/v1/appeals', { body: { ...appeal, binIin: '100000000001' } });
    assert.equal(second.body.incidentId, 'INC-2026-000002'); // refused appeals used no number
  });

  it('rate-limits appeals per IP', async () => {
    const ip = '198.51.100.7';
    const statuses = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await call('POST', '/api/v1/appeals', { body: { ...appeal, binIin: 'x' }, ip });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 429, 429]);
    assert.equal(last?.body.error.code, 'rate_limited');
    assert.match(String(last?.body.error.message), /too many appeals from this address; try again in \d+ s/);
  });

  it('stores an image attachment with its checksum; refuses a wrong type or a wrong token before storing', async () => {
    const path = `/api/v1/appeals/${first.appealId}/attachments?name=screen.png`;
    const noToken = await call('POST', path, { raw: PNG, type: 'application/octet-stream' });
    assert.equal(noToken.status, 401);
    const ok = await call('POST', path, { raw: PNG, type: 'application/octet-stream', headers: { 'x-upload-token': first.uploadToken } });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.type, 'image/png');
    assert.match(ok.body.sha256 as string, /^[0-9a-f]{64}$/);
    const exe = await call('POST', path, {
      raw: Buffer.from('MZ\x90\x00this is not an image at all'),
      headers: { 'x-upload-token': first.uploadToken },
    });
    assert.equal(exe.status, 415);
    assert.equal(exe.body.error.field, 'attachment');
    // Over 20 MB: refused by its declared length before reading, and while streaming when it declares none.
    assert.equal(await rawUpload(path, first.uploadToken, 21 * 1024 * 1024, true), 413);
    assert.equal(await rawUpload(path, first.uploadToken, 21 * 1024 * 1024, false), 413);
    const files = readdirSync(join(dir.path, 'att', first.appealId));
    assert.deepEqual(files, [`${ok.body.sha256 as string}.png`]);
    const got = await call('GET', `/api/v1/appeals/${first.appealId}`, { token: viewer });
    assert.equal(got.body.attachments.length, 1);
    assert.equal(existsSync(join(dir.path, 'att', first.appealId, `${ok.body.sha256 as string}.png`)), true);
  });

  it('reads need a token, writes an operator: 401 and 403', async () => {
    assert.equal((await call('GET', '/api/v1/incidents')).status, 401);
    assert.equal((await call('GET', '/api/v1/incidents', { token: 'kzt_wrong_token_value_123' })).status, 401);
    const list = await call('GET', '/api/v1/incidents?state=registered', { token: viewer });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((i: { id: string }) => i.id),
      ['INC-2026-000002', 'INC-2026-000001'],
    );
    assert.equal((await call('GET', '/api/v1/incidents?level=huge', { token: viewer })).body.error.field, 'level');
    const denied = await call('POST', `/api/v1/incidents/${first.incidentId}/transition`, { token: viewer, body: { to: 'analysing' } });
    assert.equal(denied.status, 403);
    assert.equal((await call('POST', `/api/v1/incidents/${first.incidentId}/transition`, { body: { to: 'analysing' } })).status, 401);
  });

  it('an operator transitions; an invalid transition lists the allowed ones; the timeline keeps who, when and IP', async () => {
    const t = await call('POST', `/api/v1/incidents/${first.incidentId}/transition`, {
      token: op,
      body: { to: 'analysing' },
      ip: '203.0.113.5',
    });
    assert.equal(t.status, 200);
    assert.equal(t.body.state, 'analysing');
    const bad = await call('POST', `/api/v1/incidents/${first.incidentId}/transition`, { token: op, body: { to: 'closed' } });
    assert.equal(bad.status, 409);
    assert.match(bad.body.error.message, /allowed: confirmed, refuted/);
    const missing = await call('POST', `/api/v1/incidents/${first.incidentId}/transition`, {
      token: op,
      body: { to: 'confirmed', level: 'medium', plannedFixAt: 'tomorrow' },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.field, 'plannedFixAt');
    const one = await call('GET', `/api/v1/incidents/${first.incidentId}`, { token: viewer });
    assert.deepEqual(
      one.body.timeline.map((e: { action: string }) => e.action),
      ['registered', 'attachment.added', 'transition.analysing'],
    );
    assert.equal(one.body.timeline[2].ip, '203.0.113.5');
    assert.ok(one.body.clocks.some((c: { timer: string; state: string }) => c.timer === 'SLA-P-ANALYSE' && c.state === 'running'));
    assert.equal(one.body.appeals[0].bin_iin, '850101300005');
  });

  it('confirmation, a new planned fix time with a reason, and a clock marked met', async () => {
    const id = 'INC-2026-000002';
    await call('POST', `/api/v1/incidents/${id}/transition`, { token: op, body: { to: 'analysing' } });
    const c = await call('POST', `/api/v1/incidents/${id}/transition`, {
      token: op,
      body: {
        to: 'confirmed',
        level: 'medium',
        levelReason: 'several suppliers affected',
        kind: 'third-party-conditions',
        plannedFixAt: '2026-03-26T12:00:00+05:00',
      },
    });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const noReason = await call('PATCH', `/api/v1/incidents/${id}`, { token: op, body: { plannedFixAt: '2026-03-26T15:00:00+05:00' } });
    assert.equal(noReason.body.error.field, 'reason');
    const p = await call('PATCH', `/api/v1/incidents/${id}`, {
      token: op,
      body: { plannedFixAt: '2026-03-26T15:00:00+05:00', reason: 'vendor needs more time', version: c.body.version },
    });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.plannedFixAt, '2026-03-26T15:00:00+05:00');
    const stale = await call('PATCH', `/api/v1/incidents/${id}`, {
      token: op,
      body: { plannedFixAt: '2026-03-26T16:00:00+05:00', reason: 'x', version: c.body.version },
    });
    assert.equal(stale.status, 409);
    const met = await call('POST', `/api/v1/incidents/${id}/clocks/SLA-P-MED-HOME/met`, { token: op, body: {} });
    assert.equal(met.status, 200, JSON.stringify(met.body));
    assert.equal(met.body.clocks.find((x: { timer: string }) => x.timer === 'SLA-P-MED-HOME').state, 'met');
    assert.equal((await call('POST', `/api/v1/incidents/${id}/clocks/SLA-P-MED-HOME/met`, { token: op, body: {} })).status, 404);
    const one = await call('GET', `/api/v1/incidents/${id}`, { token: viewer });
    const change = one.body.timeline.find((e: { action: string }) => e.action === 'planned-fix.changed');
    assert.deepEqual(change.before, { plannedFixAt: '2026-03-26T12:00:00+05:00' });
    assert.deepEqual(change.after, { plannedFixAt: '2026-03-26T15:00:00+05:00', reason: 'vendor needs more time' });
  });

  it('links an appeal to an existing incident and imports procurements as CSV', async () => {
    const l = await call('POST', `/api/v1/appeals/${first.appealId}/link`, { token: op, body: { incidentId: 'INC-2026-000002' } });
    assert.equal(l.status, 200);
    assert.equal(l.body.linkedTo, 'INC-2026-000002');
    const csv =
      'announcement,lot,method,module,acceptanceEnd,supplierName,supplierEmail\n15001234-1,1,competition,search,2026-03-27T10:00:00+05:00,"ТОО ""Поставщик""",s@p.kz\n';
    const imp = await call('POST', '/api/v1/procurements', { token: op, raw: csv, type: 'text/csv' });
    assert.equal(imp.status, 200, JSON.stringify(imp.body));
    assert.equal(imp.body.imported, 1);
    const bad = await call('POST', '/api/v1/procurements', { token: op, raw: 'announcement,lot,method\nA,1,lottery\n', type: 'text/csv' });
    assert.equal(bad.body.error.field, '[0].method');
    const listed = await call('GET', '/api/v1/procurements', { token: viewer });
    assert.equal(listed.body.items[0].suppliers[0].name, 'ТОО "Поставщик"');
    const audits = await db.query<{ action: string; ip: string | null }>(
      "SELECT action, ip FROM audit_log WHERE action IN ('procurements.import', 'appeal.attachment', 'incident.linked')",
    );
    assert.equal(audits.length, 3);
  });

  it('filters incidents by system, level and period', async () => {
    const ids = async (query: string) => {
      const r = await call('GET', `/api/v1/incidents?${query}`, { token: viewer });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.items.map((i: { id: string }) => i.id);
    };
    const all = await ids('');
    assert.deepEqual(all, ['INC-2026-000002', 'INC-2026-000001']);
    // Appeals carry no system until an operator ties them to one; the detector's incidents do. One row is given one here.
    await db.query("UPDATE incidents SET system = 'portal' WHERE id = 'INC-2026-000001'");
    assert.deepEqual(await ids('system=portal'), ['INC-2026-000001']);
    assert.deepEqual(await ids('system=no-such-system'), []);
    assert.deepEqual(await ids('level=medium'), ['INC-2026-000002']);
    assert.deepEqual(await ids('level=medium&state=analysing'), []);
    assert.deepEqual(
      await ids(`from=${encodeURIComponent('2026-03-26T09:00:00+05:00')}&to=${encodeURIComponent('2026-03-26T09:30:00+05:00')}`),
      all,
    );
    assert.deepEqual(await ids(`from=${encodeURIComponent('2026-03-26T09:15:00+05:00')}`), []);
    assert.deepEqual(await ids(`to=${encodeURIComponent('2026-03-26T09:05:00+05:00')}`), []);
    const reversed = await call(
      'GET',
      `/api/v1/incidents?from=${encodeURIComponent('2026-03-27T00:00:00+05:00')}&to=${encodeURIComponent('2026-03-26T00:00:00+05:00')}`,
      { token: viewer },
    );
    assert.deepEqual([reversed.status, reversed.body.error.field], [400, 'from']);
  });

  it('pages incidents with a cursor, as results are paged; bad cursors and dates are 400 naming the field (#16 items 7, 8)', async () => {
    const first = await call('GET', '/api/v1/incidents?limit=1', { token: viewer });
    assert.deepEqual(
      first.body.items.map((i: { id: string }) => i.id),
      ['INC-2026-000002'],
    );
    assert.equal(typeof first.body.nextCursor, 'string');
    const second = await call('GET', `/api/v1/incidents?limit=1&cursor=${first.body.nextCursor}`, { token: viewer });
    assert.deepEqual(
      second.body.items.map((i: { id: string }) => i.id),
      ['INC-2026-000001'],
    );
    assert.equal(second.body.nextCursor, undefined, 'the last page has no cursor');
    for (const q of [
      'cursor=99999999999999999999999',
      'cursor=x',
      'cursor=W10',
      'limit=1001',
      'from=2026-02-30T10:00:00%2B05:00',
      'from=2026-03-26T10:00:00',
    ]) {
      const r = await call('GET', `/api/v1/incidents?${q}`, { token: viewer });
      assert.deepEqual([r.status, r.body.error?.field], [400, q.split('=')[0]], q);
    }
    // Evidence names screenshots by the worker's paths; the API shows neither those nor any other server path (#16 item 11).
    const shot = join(dir.path, 'artifacts', 'run-9', 'failure.png');
    await db.query('UPDATE incidents SET evidence = $2::jsonb WHERE id = $1', [
      'INC-2026-000001',
      JSON.stringify({
        screenshots: [shot],
        details: [
          {
            key: 'portal/j/browser',
            firstFailureAt: '2026-03-26T09:00:00+05:00',
            lastFailureAt: '2026-03-26T09:01:00+05:00',
            screenshots: [shot],
          },
        ],
      }),
    ]);
    const all = await call('GET', '/api/v1/incidents', { token: viewer });
    const one = await call('GET', '/api/v1/incidents/INC-2026-000001', { token: viewer });
    for (const body of [all.body, one.body])
      assert.ok(!JSON.stringify(body).includes(dir.path), `no server path in the evidence: ${JSON.stringify(body).slice(0, 300)}`);
    assert.equal(one.body.evidence.screenshotCount, 1);
    assert.equal(one.body.evidence.details[0].screenshotCount, 1);
  });

  it('imports the tariff registry (operator only), refusing a bad date by its field', async () => {
    const tariffs = { tariffs: [{ id: 'TAR-2026-17', supplier: 'ТОО Поставщик', validUntil: '2026-03-27' }] };
    assert.equal((await call('POST', '/api/v1/tariffs', { token: viewer, body: tariffs })).status, 403);
    const ok = await call('POST', '/api/v1/tariffs', { token: op, body: tariffs });
    assert.deepEqual([ok.status, ok.body], [200, { imported: 1 }]);
    const bad = await call('POST', '/api/v1/tariffs', { token: op, body: [{ id: 'TAR-X', validUntil: '27.03.2026' }] });
    assert.deepEqual([bad.status, bad.body.error.field], [400, '[0].validUntil']);
    assert.match(bad.body.error.message, /not a date YYYY-MM-DD/);
    const rows = await db.query<{ id: string; valid_until: string }>(
      "SELECT id, to_char(valid_until, 'YYYY-MM-DD') AS valid_until FROM tariffs ORDER BY id",
    );
    assert.deepEqual(rows, [{ id: 'TAR-2026-17', valid_until: '2026-03-27' }]);
    assert.equal((await db.query("SELECT 1 FROM audit_log WHERE action = 'tariffs.import'")).length, 1);
  });
});
