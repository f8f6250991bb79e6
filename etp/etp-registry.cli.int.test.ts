/** `kuzet etp list|show|decide` on PostgreSQL (a fresh schema), run as a user runs them: `node bin/kuzet.mjs …`. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDb } from '../core/db.ts';
import { PG_URL, dropPgSchema, runCli, tempDir, uniqueName } from '../test/support.ts';

describe('kuzet etp', () => {
  const dir = tempDir();
  const schema = uniqueName('cli_etp');
  const config = join(dir.path, 'kuzet.yaml');
  writeFileSync(
    config,
    `notifications:
  channels: [{ id: mail, type: email, smtpUrl: "smtp://127.0.0.1:9", from: kuzet@op.kz }]
systems:
  etp-one:
    name: ЭТП Один
    kind: etp
    policy: etp-em
    owners: [{ name: ТОО Один, email: owner@one.kz }]
    targets: [{ id: orders, service: orders }]
    etp: { domain: one.kz, state: productive, stateSince: "2025-05-01T09:00:00+05:00" }
`,
  );
  const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
  const cli = (args: string[]) => runCli([...args, '--config', config], { env });
  after(async () => {
    await dropPgSchema(schema);
    dir.remove();
  });

  it('list seeds the registry from the config and prints state and streak', async () => {
    const r = await cli(['etp', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).etps, [
      {
        id: 'etp-one',
        name: 'ЭТП Один',
        state: 'productive',
        stateSince: '2025-05-01T09:00:00+05:00',
        currentStreak: 0,
        longestStreak: 0,
        level: 'ok',
        thresholdReachedOn: null,
        decisionDueBy: null,
        decisionPending: false,
        decisionOverdue: false,
      },
    ]);
  });

  it('decide: bad input exits 2 naming the option; an unknown ETP exits non-zero', async () => {
    const r = await cli(['etp', 'decide', 'etp-one', '--decision', 'disconnect', '--reason', 'другие основания (п. 47.2)']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--at: required when decision is disconnect/);
    const bad = await cli(['etp', 'decide', 'etp-one', '--decision', 'disconnect', '--at', 'tomorrow', '--reason', 'другие основания']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--at: not an ISO 8601 date-time with offset/);
    const unknown = await cli(['etp', 'show', 'etp-nope']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no ETP "etp-nope"/);
  });

  it('decide disconnect records the decision, the registry date and time, the audit entry and the owner notice', async () => {
    const r = await cli([
      'etp',
      'decide',
      'etp-one',
      '--decision',
      'disconnect',
      '--at',
      '2026-12-01T10:00:00+05:00',
      '--reason',
      'другие основания (п. 47.2)',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      decision: { decision: string; thresholdReachedOn: string | null; actor: string };
      etp: { connection: unknown };
    };
    assert.equal(out.decision.decision, 'disconnect');
    assert.equal(out.decision.thresholdReachedOn, null);
    assert.match(out.decision.actor, /^cli:/);
    assert.deepEqual(out.etp.connection, { state: 'disconnected', since: '2026-12-01T10:00:00+05:00' });
    const show = JSON.parse((await cli(['etp', 'show', 'etp-one'])).stdout) as { connection: unknown; decisions: unknown[] };
    assert.deepEqual(show.connection, { state: 'disconnected', since: '2026-12-01T10:00:00+05:00' });
    assert.equal(show.decisions.length, 1);
    const db = await openDb({ databaseUrl: PG_URL, schema });
    try {
      assert.equal((await db.query("SELECT 1 FROM audit_log WHERE action = 'etp.decision' AND subject = 'etp-one'")).length, 1);
      assert.deepEqual(
        (
          await db.query<{ recipient: string; state: string }>(
            "SELECT recipient, state FROM notice_deliveries WHERE event LIKE 'etp:etp-one:decision:%'",
          )
        ).map((x) => [x.recipient, x.state]),
        [['owner@one.kz', 'pending']],
      );
    } finally {
      await db.close();
    }
  });
});
