/**
 * The commands that run or prepare kuzet itself: `start`, `worker`, `migrate`, `check-config`, `doctor`,
 * `reload` and `demo`. Definitions only at the top: each action imports what it runs when it runs.
 */
import { relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, KuzetError } from '../core/errors.ts';
import { DEFAULT_CONFIG, configPathOf, portOption, printJson, runUntilSignal } from './common.ts';

/** Which code this process runs, for the start-up log: bin/kuzet.mjs chose (see bin/dist.mjs). */
const RUNNING = import.meta.url.endsWith('.js') ? 'compiled dist/' : 'TypeScript sources through tsx';

export function registerServerCommands(program: Command): void {
  registerStart(program);
  registerWorker(program);
  registerMigrate(program);
  registerCheckConfig(program);
  registerDoctor(program);
  registerReload(program);
  registerDemo(program);
}

/** `start`: the API, scheduler, ingestion and workers in one process. */
function registerStart(program: Command): void {
  program
    .command('start')
    .description('run API, scheduler, ingestion and workers in one process (PGlite in ./data unless DATABASE_URL is set)')
    .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml if present)')
    .addOption(new Option('-p, --port <port>', 'HTTP port (env PORT; default 8080)').argParser(portOption))
    .action(async (o: { config?: string; port?: number }) => {
      const [{ loadConfig }, { createLogger }, { startKuzet }] = await Promise.all([
        import('./config.ts'),
        import('../core/log.ts'),
        import('../app/index.ts'),
      ]);
      const path = configPathOf(o.config);
      const config = loadConfig(path);
      const log = createLogger();
      const port = o.port ?? (process.env.PORT ? portOption(process.env.PORT) : undefined);
      const k = await startKuzet({ config, ...(path ? { configPath: path } : {}), log, ...(port !== undefined ? { port } : {}) });
      log.info(`kuzet listening on ${k.url} (database: ${k.db.engine}; code: ${RUNNING}); /api/v1/status, /metrics, /readyz`);
      await runUntilSignal(k.close, k.reload);
    });
}

/** `worker`: check workers only, for the regions asked. */
function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run check workers only; any number share one Redis and each due run executes once')
    .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml if present)')
    .option('-r, --region <name...>', 'regions to work for (default: every configured region)')
    .addOption(new Option('--concurrency <n>', 'parallel checks per region').argParser((v) => Number(v)))
    .addOption(
      new Option('--browser-concurrency <n>', 'browser journeys at once (default: workers.browserConcurrency, 2)').argParser((v) =>
        Number(v),
      ),
    )
    .action(async (o: { config?: string; region?: string[]; concurrency?: number; browserConcurrency?: number }) => {
      const [{ loadConfig }, { createLogger }, { startWorker }] = await Promise.all([
        import('./config.ts'),
        import('../core/log.ts'),
        import('../app/index.ts'),
      ]);
      const path = configPathOf(o.config);
      const config = loadConfig(path);
      const regions = o.region ?? [...config.regions];
      for (const [i, r] of regions.entries()) {
        if (!config.regions.includes(r))
          throw new InputError(`region "${r}" is not configured (${config.regions.join(', ')})`, `region[${i}]`);
      }
      const log = createLogger({ name: 'kuzet-worker' });
      const w = await startWorker({
        config,
        ...(path ? { configPath: path } : {}),
        regions,
        log,
        ...(o.concurrency ? { concurrency: o.concurrency } : {}),
        ...(o.browserConcurrency ? { browserConcurrency: o.browserConcurrency } : {}),
      });
      log.info({ regions, code: RUNNING }, 'worker started');
      await runUntilSignal(w.close, w.reload);
    });
}

/** `migrate`: apply pending database migrations. */
function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .option('-c, --config <file>', 'configuration file')
    .action(async (o: { config?: string }) => {
      const [{ loadConfig }, { migrate, openDb }] = await Promise.all([import('./config.ts'), import('../core/db.ts')]);
      const config = loadConfig(configPathOf(o.config));
      const db = await openDb({
        databaseUrl: process.env.DATABASE_URL ?? config.storage.databaseUrl,
        dataDir: config.storage.dataDir,
        schema: process.env.DATABASE_SCHEMA ?? config.storage.schema,
      });
      try {
        const applied = await migrate(db);
        printJson({ engine: db.engine, applied });
      } finally {
        await db.close();
      }
    });
}

/** `check-config`: validate the configuration file. */
function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('validate the configuration; prints ok or every error with its path (exit 2)')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .action(async (o: { config: string }) => {
      const [{ loadConfigFile }, { assertJourneyFiles, PROBES }] = await Promise.all([
        import('../core/config.ts'),
        import('../probes/index.ts'),
      ]);
      const path = resolve(o.config);
      await assertJourneyFiles(loadConfigFile(path, PROBES), path);
      process.stdout.write('ok\n');
    });
}

/** `doctor`: what kuzet needs on this machine. */
function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'what kuzet needs on this machine (browser, fonts, Redis, database, SMTP, Slack, NTP): found, or the command that fixes it; exit 1 when something needed is missing',
    )
    .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml when present)')
    .option('--json', 'print the findings as JSON')
    .action(async (o: { config?: string; json?: boolean }) => {
      const [{ loadConfig }, { doctorExitCode, formatDoctor, runDoctor }] = await Promise.all([
        import('./config.ts'),
        import('./doctor.ts'),
      ]);
      const findings = await runDoctor({ config: loadConfig(configPathOf(o.config)), env: process.env });
      process.stdout.write(o.json ? `${JSON.stringify({ findings })}\n` : formatDoctor(findings));
      process.exitCode = doctorExitCode(findings);
    });
}

/** `reload`: every kuzet process on the Redis prefix re-reads its configuration and says what it applied (app/reload.ts). */
function registerReload(program: Command): void {
  program
    .command('reload')
    .description(
      'tell every kuzet process sharing the Redis prefix to re-read its configuration; prints what each applied, exit 1 when any did not',
    )
    .option('-c, --config <file>', "configuration file (the demo's: data/kuzet-demo.yaml)")
    .action(async (o: { config?: string }) => {
      const [{ loadConfig }, { redactUrl, redisConnection, withTimeout }, { requestReload, reloadReport }] = await Promise.all([
        import('./config.ts'),
        import('../core/redis.ts'),
        import('../core/reload-protocol.ts'),
      ]);
      const config = loadConfig(configPathOf(o.config));
      const url = process.env.REDIS_URL ?? config.redis.url;
      const conn = redisConnection(url);
      const waitMs = 10_000;
      try {
        let result;
        try {
          result = await withTimeout(requestReload(conn, config.redis.prefix, waitMs), waitMs + 3000);
        } catch (e) {
          throw new KuzetError('unavailable', `Redis at REDIS_URL=${redactUrl(url)} is unreachable: ${(e as Error).message}`);
        }
        const report = reloadReport(result, redactUrl(url), waitMs);
        process.stdout.write(report.text);
        process.exitCode = report.exitCode;
      } finally {
        conn.disconnect();
      }
    });
}

type DemoOptions = { port: number; portalPort: number; dataDir: string; redisPrefix?: string; browser?: string };

/** `demo`: the simulated portal and ETPs with kuzet watching them, and where to look. */
function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the simulated portal and ETPs with kuzet watching them')
    .addOption(new Option('-p, --port <port>', 'kuzet API port').default(8080).argParser(portOption))
    .addOption(new Option('--portal-port <port>', 'simulated portal port').default(8090).argParser(portOption))
    .option('--data-dir <dir>', 'PGlite data directory of the demo', './data/demo')
    .option('--redis-prefix <prefix>', "Redis key prefix of the demo's queues (default: kuzet-demo-<hash of the data directory>)")
    .option('--browser <choice>', 'Chromium for the journey: a path, "system" or "npm" (default: the system one, else the npm one)')
    .action(runDemo);
}

/** A path as the user would type it: relative to the working directory when inside it. */
const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));

async function runDemo(o: DemoOptions): Promise<void> {
  const [{ createLogger }, { redactUrl }, { startDemo }, { checkBrowserOnly, demoBrowserNotice }] = await Promise.all([
    import('../core/log.ts'),
    import('../core/redis.ts'),
    import('../demo/index.ts'),
    import('./doctor.ts'),
  ]);
  const log = createLogger({ name: 'kuzet-demo' });
  const d = await startDemo({
    port: o.port,
    portalPort: o.portalPort,
    dataDir: o.dataDir,
    log,
    ...(o.redisPrefix ? { redisPrefix: o.redisPrefix } : {}),
    ...(o.browser ? { browser: o.browser } : {}),
  });
  const noBrowser = demoBrowserNotice(await checkBrowserOnly({ config: d.config }));
  const lines = [
    ...(noBrowser ? [noBrowser] : []),
    `kuzet demo is running`,
    `  Redis:              ${redactUrl(d.config.redis.url)}, key prefix ${d.config.redis.prefix}   (another demo needs another --data-dir or --redis-prefix)`,
    `  simulated portal:   ${d.sim.url}/`,
    ...Object.entries(d.sim.etpUrls).map(([id, u]) => `  simulated ${id}: ${u}/api/orders/health`),
    `  kuzet API:          ${d.kuzet.url}/api/v1/status`,
    `  operator token:     ${d.operatorToken}   (curl -H 'Authorization: Bearer <token>' ${d.kuzet.url}/api/v1/incidents)`,
    `  metrics:            ${d.kuzet.url}/metrics`,
    `  operator console:   ${d.kuzet.url}/console   (admin ${d.consoleAccount.username} / ${d.consoleAccount.password}; more accounts at /console/users)`,
    `  status site:        ${d.kuzet.url}/status   (notices in Kazakh and Russian; ?lang=ru)`,
    `  on-call Slack:      ${d.peers.slack.base}/messages   (what the local Slack Web API endpoint received)`,
    `  e-mail:             ${d.peers.slack.base}/mail   (what the local SMTP peer received)`,
    `  ETPs:               curl -H 'Authorization: Bearer ${d.operatorToken}' ${d.kuzet.url}/api/v1/etps   (etp-alpha: 8 failure days replayed at start, threshold and decision date)`,
    `  inject a fault:     curl -X POST ${d.sim.url}/__fault -H 'content-type: application/json' -d '{"target":"search","fault":"down"}'`,
    `  list faults:        curl ${d.sim.url}/__fault`,
    `  its config:         edit ${shown(d.configFile)}, then npx kuzet reload -c ${shown(d.configFile)} (or kill -HUP ${process.pid}); rewritten at each start`,
    `  CLI on its store:   stop the demo, then npx kuzet journal|extract|availability|etp|token … -c ${shown(d.configFile)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await runUntilSignal(d.close, d.kuzet.reload);
}
