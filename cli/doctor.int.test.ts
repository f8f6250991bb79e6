/**
 * `kuzet doctor` against real peers on localhost (Redis, the demo's SMTP, Slack and NTP peers) and
 * against closed ports: every dependency is reported, each missing one with the command that fixes
 * it, and the exit code says whether something needed is missing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { findNpmChromiumPackage, PROBES } from '../probes/index.ts';
import { freePort, runCli, tempDir } from '../test/support.ts';
import { startSlack, startSmtp } from '../demo/peers.ts';
import { startDemoNtp } from '../demo/etp-demo.ts';
import { doctorExitCode, formatDoctor, runDoctor, type DoctorFinding } from './doctor.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function configYaml(o: { smtpUrl: string; slackApiUrl: string; ntpServer: string; dataDir: string }): string {
  return `storage: { dataDir: ${o.dataDir} }
notifications:
  channels:
    - { id: mail, type: email, smtpUrl: '${o.smtpUrl}', from: kuzet@demo.kuzet.local, to: [oncall@demo.kuzet.local] }
    - { id: oncall, type: slack, token: xoxb-demo, channel: '#oncall', apiUrl: '${o.slackApiUrl}' }
systems:
  demo:
    name: Demo
    kind: portal
    policy: portal-692
    targets:
      - id: clock
        checks:
          - { id: ntp, type: ntp, server: '${o.ntpServer}' }
`;
}

/** The optional npm Chromium is installed on Linux x64 by `npm ci`; elsewhere the first test has nothing to find. */
const npmChromiumSkip = (() => {
  try {
    findNpmChromiumPackage();
    return false;
  } catch (err) {
    return (err as Error).message;
  }
})();

const byName = (findings: DoctorFinding[]) => Object.fromEntries(findings.map((f) => [f.name, f]));

describe('kuzet doctor', () => {
  const dir = tempDir();
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let slack: Awaited<ReturnType<typeof startSlack>>;
  let ntp: Awaited<ReturnType<typeof startDemoNtp>>;
  let goodYaml: string;
  before(async () => {
    smtp = await startSmtp();
    slack = await startSlack();
    ntp = await startDemoNtp();
    goodYaml = configYaml({ smtpUrl: smtp.url, slackApiUrl: slack.url, ntpServer: ntp.server, dataDir: join(dir.path, 'data') });
  });
  after(async () => {
    await smtp.close();
    await slack.close();
    await ntp.close();
    dir.remove();
  });

  it(
    'finds every dependency on a machine that has them, the browser from npm when there is no system one',
    { skip: npmChromiumSkip },
    async () => {
      const findings = await runDoctor({
        config: parseConfig(goodYaml, PROBES, {}),
        env: { REDIS_URL },
        systemChromiums: [],
        fcList: async () => '',
      });
      const f = byName(findings);
      assert.deepEqual(
        findings.map((x) => [x.name, x.status]),
        [
          ['browser', 'ok'],
          ['fonts', 'ok'],
          ['redis', 'ok'],
          ['database', 'ok'],
          ['smtp', 'ok'],
          ['slack', 'ok'],
          ['ntp', 'ok'],
        ],
      );
      assert.match(f.browser!.detail, /^journeys use @sparticuz\/chromium 147\.0\.0 \(npm; /);
      assert.match(f.fonts!.detail, /the npm Chromium uses its own Open Sans/);
      assert.match(f.redis!.detail, /answers \(Redis \d/);
      assert.match(f.database!.detail, /^PGlite \(embedded, nothing to install\)/);
      assert.match(f.ntp!.detail, new RegExp(`^NTP answers: ${ntp.server} \\(stratum 1, offset -?\\d+ ms\\)$`));
      assert.equal(doctorExitCode(findings), 0);
      assert.match(formatDoctor(findings), /everything kuzet needs here was found\n$/);
    },
  );

  it('names each missing one with the command that fixes it, and exits 1', async () => {
    const port = await freePort();
    const yaml = configYaml({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      slackApiUrl: `http://127.0.0.1:${port}/api/`,
      ntpServer: `127.0.0.1:${port}`,
      dataDir: join(dir.path, 'data'),
    });
    const findings = await runDoctor({
      config: parseConfig(yaml, PROBES, {}),
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: `postgres://kuzet@127.0.0.1:${port}/kuzet` },
      systemChromiums: [join(dir.path, 'no-chromium')],
      npmChromiumDir: join(dir.path, 'no-package'),
      fcList: async () => {
        throw new Error('spawn fc-list ENOENT');
      },
      timeoutMs: 1_000,
    });
    assert.deepEqual(
      findings.map((x) => [x.name, x.status]),
      ['browser', 'fonts', 'redis', 'database', 'smtp', 'slack', 'ntp'].map((n) => [n, 'missing']),
    );
    const fixes = Object.fromEntries(findings.map((x) => [x.name, x.fix]));
    assert.match(
      fixes.browser!,
      /^npm install \(installs the optional @sparticuz\/chromium on Linux x64\), or apt-get install -y chromium$/,
    );
    assert.match(fixes.fonts!, /^apt-get install -y fonts-dejavu-core/);
    assert.match(fixes.redis!, /^apt-get install -y redis-server && redis-server --daemonize yes/);
    assert.match(fixes.database!, /^start PostgreSQL/);
    for (const name of ['smtp', 'slack', 'ntp']) assert.ok(fixes[name], `${name} has a fix`);
    assert.equal(doctorExitCode(findings), 1);
    assert.match(formatDoctor(findings), /missing: browser, fonts, redis, database, smtp, slack, ntp\n$/);
  });

  it('as a command: exit 0 with everything there, 1 with Redis down, and --json', async () => {
    const file = join(dir.path, 'kuzet.yaml');
    writeFileSync(file, goodYaml);
    const ok = await runCli(['doctor', '-c', file], { env: { REDIS_URL, DATABASE_URL: '' } });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^ok {6}browser {3}journeys use /m);
    const port = await freePort();
    const down = await runCli(['doctor', '--json', '-c', file], { env: { REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: '' } });
    assert.equal(down.code, 1, down.stdout + down.stderr);
    const { findings } = JSON.parse(down.stdout) as { findings: DoctorFinding[] };
    assert.deepEqual(
      findings.filter((x) => x.status === 'missing').map((x) => x.name),
      ['redis'],
    );
  });
});
