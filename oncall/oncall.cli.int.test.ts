/**
 * `kuzet oncall`, `kuzet mute`, `kuzet mutes`, `kuzet unmute` as a user runs them (PGlite in a temp
 * directory): text and JSON answers in Astana time, bad input exits 2 naming the field, mutes audited.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDb } from '../core/db.ts';
import { runCli, tempDir } from '../test/support.ts';

describe('kuzet oncall and mute', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const config = join(dir.path, 'kuzet.yaml');
  writeFileSync(
    config,
    `storage: { dataDir: "${join(dir.path, 'data')}" }
systems:
  portal:
    name: Портал
    kind: portal
    policy: portal-692
    modules: [homepage]
    targets:
      - { id: homepage, module: homepage, checks: [{ id: http, type: http, url: "http://127.0.0.1:9/" }] }
oncall:
  people:
    - { id: aigerim, name: Айгерим, email: aigerim@operator.kz }
    - { id: bolat, name: Болат, email: bolat@operator.kz }
    - { id: dana, name: Дана, email: dana@operator.kz }
  schedules:
    - id: primary
      name: Портал
      layers: [{ id: weekly, members: [aigerim, bolat], handoff: { weekday: monday, time: "09:00" }, start: 2026-01-05 }]
      holidays: { person: dana, from: "09:00" }
`,
  );
  const env = { DATABASE_URL: '' };
  const kuzet = (...args: string[]) => runCli([...args, '--config', config], { env });

  it('prints who is on call now and next, and one schedule with its shifts over a holiday', async () => {
    const r = await kuzet('oncall', '--at', '2026-12-15T12:00:00+05:00');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'at 2026-12-15T12:00:00+05:00\nprimary (Портал)\n' +
        '  now:  Болат <bolat@operator.kz>  2026-12-14T09:00:00+05:00 → 2026-12-16T09:00:00+05:00  [layer weekly]\n' +
        '  next: Дана <dana@operator.kz>  2026-12-16T09:00:00+05:00 → 2026-12-17T09:00:00+05:00  [holiday 2026-12-16]\n',
    );
    const j = await kuzet('oncall', 'primary', '--at', '2026-12-15T12:00:00+05:00', '--days', '7', '--json');
    const out = JSON.parse(j.stdout) as { shifts: { person: { id: string }; start: string; source: { kind: string } }[] };
    assert.deepEqual(
      out.shifts.map((s) => `${s.person.id} ${s.start} ${s.source.kind}`),
      [
        'bolat 2026-12-14T09:00:00+05:00 layer',
        'dana 2026-12-16T09:00:00+05:00 holiday',
        'bolat 2026-12-17T09:00:00+05:00 layer',
        'aigerim 2026-12-21T09:00:00+05:00 layer',
      ],
    );
  });

  it('bad input exits 2 naming the field', async () => {
    const at = await kuzet('oncall', '--at', 'tomorrow');
    assert.equal(at.code, 2);
    assert.equal(at.stderr, 'error: at: not an ISO 8601 date-time with offset\n');
    const unknown = await kuzet('oncall', 'nights');
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'error: schedule: no schedule "nights"; known: primary\n');
    const scope = await kuzet('mute', 'system', 'portal', '--reason', 'x', '--for', '1h');
    assert.equal(scope.code, 2);
    assert.equal(scope.stderr, 'error: scope: must be one of check, target, module\n');
    const both = await kuzet('mute', 'check', 'portal/homepage/http', '--reason', 'x');
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'error: until: give exactly one of until (a date-time) or for (a duration such as "2h")\n');
  });

  it('mutes a check, lists it, unmutes it early; audited as the CLI', async () => {
    const m = await kuzet('mute', 'check', 'portal/homepage/http', '--reason', 'flapping', '--for', '2h');
    assert.equal(m.stderr, '');
    assert.equal(m.code, 0);
    const id = /^(mute_[0-9a-f]{12}) {2}check portal\/homepage\/http {2}active until \S+\+05:00 {2}by system:cli: flapping\n$/.exec(
      m.stdout,
    )?.[1];
    assert.ok(id, m.stdout);
    const list = JSON.parse((await kuzet('mutes', '--json')).stdout) as { mutes: { id: string; state: string }[] };
    assert.deepEqual(
      list.mutes.map((x) => `${x.id} ${x.state}`),
      [`${id} active`],
    );
    const u = await kuzet('unmute', id);
    assert.equal(u.code, 0);
    assert.match(u.stdout, / unmuted until /);
    assert.equal((await kuzet('mutes')).stdout, 'no mutes\n');
    const again = await kuzet('unmute', id);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /has ended already/);
    const db = await openDb({ dataDir: join(dir.path, 'data') });
    try {
      const rows = await db.query<{ action: string; actor: string }>('SELECT action, actor FROM audit_log WHERE subject = $1 ORDER BY id', [
        id,
      ]);
      assert.deepEqual(rows, [
        { action: 'mute.create', actor: 'system:cli' },
        { action: 'mute.end', actor: 'system:cli' },
      ]);
    } finally {
      await db.close();
    }
  });
});
