/**
 * The on-call alert says what broke and can be acknowledged from Slack (issue #21 items 1 and 4), on a
 * running kuzet (PostgreSQL, the real Redis, the local Slack Web API and SMTP peers). Results are handed
 * to the detector as ingestion would: a failing journey opens the incident → the Slack message and the
 * on-call e-mail carry the failed step, a signed screenshot link that opens without a token, the
 * proposed level with its rule and reasons, and the console link, and the Slack message offers the
 * Acknowledge button; the HTTP check failing too raises the proposal to high → a reply in the thread
 * (one alert, not a second one); the button, clicked as Slack posts it, acknowledges → a reply in the
 * thread and the alert updated (chat.update) without its button.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { slackInteraction, startSlack, startSmtp } from '../demo/peers.ts';
import { PROBES } from '../probes/index.ts';
import { PG_URL, REDIS_URL, dropPgSchema, dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';

const SECRET = 'signing-secret-of-the-alert-test';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 7)]);

describe('the on-call alert: evidence, level updates and the Slack Acknowledge button', { timeout: 90_000 }, () => {
  const dir = tempDir();
  const schema = uniqueName('kz_alerts');
  const prefix = uniqueName('kzalerts');
  const artifacts = join(dir.path, 'artifacts');
  let k: KuzetHandle;
  let slack: Awaited<ReturnType<typeof startSlack>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  before(async () => {
    slack = await startSlack();
    smtp = await startSmtp();
    const yaml = `
regions: [astana]
redis: { url: "${REDIS_URL}", prefix: ${prefix} }
notifications:
  channels:
    - { id: oncall, type: slack, token: xoxb-alerts, channel: "#kuzet-oncall", apiUrl: "${slack.url}", signingSecret: "${SECRET}" }
    - { id: mail, type: email, smtpUrl: "${smtp.url}", from: kuzet@operator.kz, to: [oncall@operator.kz] }
systems:
  portal:
    name: Веб-портал государственных закупок
    kind: portal
    policy: portal-692
    modules: [search]
    moduleNames: { search: { kk: Хабарландыруларды іздеу, ru: Поиск объявлений } }
    targets:
      - id: search
        module: search
        checks: [{ id: http, type: http, url: "http://127.0.0.1:9/search", interval: 60s, timeout: 5s, expectStatus: 200 }]
      - id: search-journey
        module: search
        checks:
          - id: browser
            type: browser
            interval: 60s
            timeout: 15s
            baseUrl: "http://127.0.0.1:9/"
            artifactsDir: "${artifacts}"
            steps: [{ action: goto, url: "/", name: open search }, { action: expectText, text: Результаты поиска, name: search announcements }]
`;
    k = await startKuzet({
      config: parseConfig(yaml, PROBES, {}),
      log: silentLogger,
      port: 0,
      workers: false,
      artifactsDir: artifacts,
      env: { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema },
      incidents: { detector: { failuresToOpen: 1 } },
    });
    await k.redisReady;
  });
  after(async () => {
    await k?.close();
    await slack?.close();
    await smtp?.close();
    await dropRedisPrefix(prefix);
    await dropPgSchema(schema);
    dir.remove();
  });

  /** A stored failed run (as ingestion stores it) and the same result handed to the detector. */
  async function fail(target: string, check: string, errorKind: string, message: string, at: Date, observations?: Record<string, unknown>) {
    await k.db.query(
      'INSERT INTO check_results (check_key, system, target, check_id, region, ok, latency_ms, error_kind, message, at, observations) VALUES ($1, $2, $3, $4, $5, false, 100, $6, $7, $8, $9::jsonb)',
      [
        `portal/${target}/${check}`,
        'portal',
        target,
        check,
        'astana',
        errorKind,
        message,
        at.toISOString(),
        observations ? JSON.stringify(observations) : null,
      ],
    );
    await k.incidents.detector.handle([
      {
        key: `portal/${target}/${check}`,
        system: 'portal',
        target,
        check,
        region: 'astana',
        ok: false,
        errorKind,
        message,
        at,
        observations,
      },
    ]);
  }

  it('one alert with the evidence and the button; a level update in the thread; the button acknowledges and the alert is updated', async () => {
    const shot = join(artifacts, 'run-1', 'failure.png');
    mkdirSync(join(artifacts, 'run-1'), { recursive: true });
    writeFileSync(shot, PNG);
    const t0 = new Date(Date.now() - 30_000);
    await fail('search-journey', 'browser', 'assertion', 'step "search announcements": text "Результаты поиска" not found within 5 s', t0, {
      artifacts: [{ name: 'failure.png', path: shot, bytes: PNG.length }],
    });

    const alert = await waitFor(() => slack.messages().find((m) => !m.thread && String(m.text).includes('зарегистрирован инцидент')), {
      what: 'the Slack alert',
      timeoutMs: 20_000,
    });
    const id = /INC-\d{4}-\d{6}/.exec(String(alert.text))?.[0] as string;
    const text = String(alert.text);
    assert.deepEqual(alert.buttons, ['kuzet_ack'], 'the alert offers the Acknowledge button');
    assert.match(text, /portal\/search-journey\/browser \(astana\): step "search announcements": text "Результаты поиска" not found/);
    assert.match(text, /Предлагаемый уровень критичности: средний \(CL-P-MED\)/);
    assert.match(text, /1 of 2 checks of the module failing in 1 of 1 regions/);
    assert.match(text, new RegExp(`Консоль: ${k.url}/console/incidents/${id}`));
    const link = /Скриншот portal\/search-journey\/browser: (\S+) \(ссылка действует 24 ч\)/.exec(text)?.[1] as string;
    assert.ok(link?.startsWith(`${k.url}/api/v1/runs/`), text);
    const png = await fetch(link);
    assert.equal(png.status, 200, 'the signed link opens the screenshot without a token');
    assert.deepEqual(Buffer.from(await png.arrayBuffer()), PNG);
    assert.equal((await fetch(link.replace(/sig=[^&]+/, 'sig=' + 'A'.repeat(43)))).status, 403);

    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('oncall@operator.kz') && m.subject.includes(id)), {
      what: 'the on-call e-mail',
      timeoutMs: 20_000,
    });
    assert.match(mail.text, /step "search announcements"/);
    assert.match(mail.text, /api\/v1\/runs\/\d+\/artifacts\/failure\.png\?expires=\d+&sig=/);
    assert.match(mail.text, /CL-P-MED/);

    // The HTTP check of the same module fails too: it joins the incident (no second alert); the proposal rises to high.
    await fail('search', 'http', 'http-status', 'expected status 200, got 500', new Date(t0.getTime() + 5000));
    const update = await waitFor(
      () => slack.messages().find((m) => m.thread === alert.ts && String(m.text).includes('средний → высокий')),
      {
        what: 'the level update in the thread',
        timeoutMs: 20_000,
      },
    );
    assert.match(String(update.text), /CL-P-HIGH/);
    assert.match(String(update.text), /the module is down for every probe and region/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(slack.messages().filter((m) => !m.thread).length, 1, 'one failure, one alert: the joined check raised none');

    // The button, clicked as Slack posts it.
    const click = slackInteraction({
      secret: SECRET,
      message: alert,
      actionId: 'kuzet_ack',
      value: id,
      user: { id: 'U0AIDAR', username: 'aidar' },
    });
    const r = await fetch(`${k.url}/api/v1/slack/interactions`, { method: 'POST', headers: click.headers, body: click.body });
    assert.equal(r.status, 200, await r.clone().text());
    const reply = await waitFor(() => slack.messages().find((m) => m.thread === alert.ts && String(m.text).includes('принято')), {
      what: 'the acknowledgement in the thread',
      timeoutMs: 20_000,
    });
    assert.match(String(reply.text), /Принял: aidar \(slack:U0AIDAR\) \(кнопка в Slack\)/);
    const updated = await waitFor(() => slack.messages().find((m) => m.ts === alert.ts && m.updated), {
      what: 'chat.update of the alert',
      timeoutMs: 10_000,
    });
    assert.deepEqual(updated.buttons, [], 'the updated alert has no button any more');
    assert.match(String(updated.text), /✅ Принял: aidar/);
    assert.match(String(updated.text), /expected status|step "search announcements"/);
  });
});
