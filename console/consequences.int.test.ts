/**
 * The EX-UNSCRUPULOUS operator action in the console (issue #17 item 7): an operator records, on the
 * incident page, that a supplier's listing as unscrupulous was annulled; signing reopens for one
 * calendar day from the annulment, the extension shows on the page, the action is on the timeline
 * (with the operator) and in the audit log, and a viewer is refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { IncidentService, importProcurements, topologyFromConfig } from '../incidents/index.ts';
import { allocateIncidentId, insertIncident } from '../incidents/store/incident.repo.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { createUser } from './users.repo.ts';

const PASSWORD = 'correct horse battery staple';

class Client {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  async req(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [k, ...v] = (c.split(';')[0] as string).split('=');
      if (v.join('=') === '') this.cookies.delete(k as string);
      else this.cookies.set(k as string, v.join('='));
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
  static csrf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    assert.ok(m, 'the page has a CSRF field');
    return m[1] as string;
  }
  async signIn(username: string) {
    const page = await this.req('GET', '/console/login');
    return this.req('POST', '/console/login', { _csrf: Client.csrf(page.text), username, password: PASSWORD });
  }
}

describe('console: annulling an unscrupulous listing (EX-UNSCRUPULOUS)', () => {
  let k: KuzetHandle;
  const prefix = uniqueName('kzconseq');
  const dir = tempDir();
  let id = '';

  before(async () => {
    const config = parseConfig(
      JSON.stringify({
        redis: { prefix },
        storage: { dataDir: 'memory://' },
        systems: { portal: { name: 'Портал', kind: 'portal', policy: 'portal-692', modules: ['contracts'] } },
      }),
      PROBES,
      {},
    );
    k = await startKuzet({
      config,
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      workers: false,
      env: {},
      artifactsDir: join(dir.path, 'artifacts'),
    });
    for (const [username, role] of [
      ['oleg', 'operator'],
      ['vera', 'viewer'],
    ] as const)
      await createUser(k.db, { username, role, password: PASSWORD }, { id: 'test' });
    const operator = { id: 'user:setup' };
    const now = Date.now();
    await importProcurements(
      k.db,
      [
        {
          announcement: '16000004-1',
          lot: '1',
          method: 'price-quotations',
          system: 'portal',
          module: 'contracts',
          deadlines: { contractSigning: new Date(now - 3_600_000).toISOString() },
        },
      ],
      operator,
      new Date(now),
    );
    id = await k.db.transaction(async (tx) => {
      const n = await allocateIncidentId(tx, now);
      await insertIncident(tx, {
        ...n,
        source: 'monitoring',
        system: 'portal',
        module: 'contracts',
        policy: 'portal-692',
        title: 'contracts down',
        startedAt: now - 2 * 3_600_000,
        receivedAt: now - 2 * 3_600_000,
        registeredAt: now - 2 * 3_600_000,
        userDetectedAt: null,
        proposal: { level: 'high', rule: 'CL-P-HIGH', reasons: [] },
        evidence: {},
      });
      return n.id;
    });
    const svc = new IncidentService({ db: k.db, topology: () => topologyFromConfig(k.config()) });
    await svc.transition(id, { to: 'analysing' }, operator);
    await svc.transition(
      id,
      { to: 'confirmed', level: 'high', kind: 'operator-infosec-failure', plannedFixAt: new Date(now + 3_600_000).toISOString() },
      operator,
    );
  });
  after(async () => {
    await k?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  it('offers the action to an operator, records it with its audit trail and shows the reopened signing', async () => {
    const o = new Client(k.url);
    assert.equal((await o.signIn('oleg')).status, 303);
    const page = await o.req('GET', `/console/incidents/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /data-consequence-form/);
    assert.match(page.text, /<option value="unscrupulous-annulled">[^<]*EX-UNSCRUPULOUS/);
    assert.match(page.text, /<option value="16000004-1\/1">16000004-1 \/ 1<\/option>/);
    const bad = await o.req('POST', `/console/incidents/${id}/consequences`, {
      _csrf: Client.csrf(page.text),
      kind: 'unscrupulous-annulled',
      procurement: '16000004-1/1',
      note: '',
    });
    assert.equal(bad.status, 400);
    const ok = await o.req('POST', `/console/incidents/${id}/consequences`, {
      _csrf: Client.csrf(page.text),
      kind: 'unscrupulous-annulled',
      procurement: '16000004-1/1',
      supplier: 'ТОО «Поставщик»',
      note: 'обращение поставщика вх. № 77',
    });
    assert.equal(ok.status, 303, ok.text);
    const after = await o.req('GET', `/console/incidents/${id}`);
    assert.match(after.text, /data-consequences/);
    assert.match(after.text, /<td>contractSigning<\/td><td>[^<]+<\/td><td>[^<]+<\/td><td>EX-UNSCRUPULOUS<\/td>/);
    const timeline = await k.db.query<{ actor: string; after: { rule: string; supplier: string } }>(
      "SELECT actor, after FROM incident_timeline WHERE incident_id = $1 AND action = 'consequence.unscrupulous-annulled'",
      [id],
    );
    assert.deepEqual(
      timeline.map((t) => [t.actor, t.after.rule, t.after.supplier]),
      [['user:oleg', 'EX-UNSCRUPULOUS', 'ТОО «Поставщик»']],
    );
    const audited = await k.db.query('SELECT 1 FROM audit_log WHERE subject = $1 AND action = $2', [
      id,
      'incident.consequence.unscrupulous-annulled',
    ]);
    assert.equal(audited.length, 1);
    // The incident's public notice is re-published with the reopened signing deadline.
    await waitFor(
      async () =>
        (
          await k.db.query<{ version: number }>(
            "SELECT v.version FROM notice_versions v JOIN notices n ON n.id = v.notice_id WHERE n.subject_kind = 'incident' AND n.subject_id = $1 AND v.subject::text LIKE '%EX-UNSCRUPULOUS%'",
            [id],
          )
        )[0],
      { what: 'a notice version citing EX-UNSCRUPULOUS', timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  it('gives a viewer no form and 403 on the action', async () => {
    const v = new Client(k.url);
    await v.signIn('vera');
    const page = await v.req('GET', `/console/incidents/${id}`);
    assert.doesNotMatch(page.text, /data-consequence-form/);
    const r = await v.req('POST', `/console/incidents/${id}/consequences`, {
      _csrf: Client.csrf(page.text),
      kind: 'unscrupulous-annulled',
      procurement: '16000004-1/1',
      note: 'x',
    });
    assert.equal(r.status, 403);
  });
});
