/**
 * The `kuzet` command line. JSON commands print JSON on stdout and exit 0; bad input exits 2 with
 * the offending field on stderr; a failure of a dependency exits 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { loadConfigFile, parseConfig, type KuzetConfig } from '../core/config.ts';
import { migrate, openDb } from '../core/db.ts';
import { ConfigError, InputError, KuzetError, issuesFromZod } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { redactUrl, redisConnection, withTimeout } from '../core/redis.ts';
import { rulesCalendar, rulesDeadlines, rulesLeadTime, rulesSla } from '../incidents/index.ts';
import { rulesEtpStreak, registerEtpCommands } from '../etp/index.ts';
import { assertJourneyFiles, PROBES } from '../probes/index.ts';
import { startKuzet, startWorker } from '../app/index.ts';
import { registerIncidentCommands } from './incidents.ts';
import { registerJournalCommands } from '../journal/index.ts';
import { registerConsoleCommands } from '../console/index.ts';
import { startDemo } from '../demo/index.ts';
import { checkBrowserOnly, demoBrowserNotice, doctorExitCode, formatDoctor, runDoctor } from './doctor.ts';
import { reloadChannel } from '../collector/index.ts';

const DEFAULT_CONFIG = 'kuzet.yaml';

function configPathOf(opt: string | undefined): string | undefined {
  if (opt) return resolve(opt);
  return existsSync(DEFAULT_CONFIG) ? resolve(DEFAULT_CONFIG) : undefined;
}

/** Loads the config, or the empty embedded default when there is no file. */
function loadConfig(path: string | undefined): KuzetConfig {
  return path ? loadConfigFile(path, PROBES) : parseConfig('{}', PROBES);
}

function printJson(v: unknown) {
  process.stdout.write(`${JSON.stringify(v)}\n`);
}

function portOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InputError('a port number from 0 to 65535', 'port');
  return n;
}

/** Keeps a long-running command alive until SIGINT/SIGTERM; SIGHUP reloads the config. */
function runUntilSignal(close: () => Promise<void>, reload: () => unknown): Promise<void> {
  return new Promise((done) => {
    let closing = false;
    const stop = async () => {
      if (closing) return;
      closing = true;
      await close();
      done();
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    process.on('SIGHUP', () => void reload());
  });
}

/** Reads and parses a JSON input file (`-` for stdin); a problem is bad input naming `input`. */
function readJsonInput(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, 'input');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, 'input');
  }
}

function timeoutOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 60_000) throw new InputError('milliseconds from 1 to 60000', 'timeout');
  return n;
}

/** One run of the `ntp` check kind, without thresholds or clock correction: the measurement is the answer. */
async function measureNtp(server: string, timeoutMs: number) {
  const probe = PROBES.ntp;
  const parsed = probe.schema.safeParse({ server, correctClock: false });
  if (!parsed.success) throw new InputError(issuesFromZod(parsed.error.issues));
  const outcome = await probe.run(parsed.data, { signal: AbortSignal.timeout(timeoutMs), timeoutMs, region: 'cli' });
  const o = outcome.observations;
  if (!o || !('offsetMs' in o)) {
    const why = outcome.errorKind === 'timeout' ? `no answer within ${timeoutMs} ms` : outcome.message.replace(/^\S+: /, '');
    throw new KuzetError('unavailable', `NTP server ${server} gave no usable answer: ${why}`);
  }
  return { server: o.server, offsetMs: o.offsetMs, delayMs: o.delayMs, stratum: o.stratum, refId: o.refId };
}

function rulesCommand(fn: (input: unknown) => unknown, input: unknown) {
  printJson(fn(input));
}

/** `start`: the API, scheduler, ingestion and workers in one process. */
function registerStart(program: Command): void {
  program
    .command('start')
    .description('run API, scheduler, ingestion and workers in one process (PGlite in ./data unless DATABASE_URL is set)')
    .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml if present)')
    .addOption(new Option('-p, --port <port>', 'HTTP port (env PORT; default 8080)').argParser(portOption))
    .action(async (o: { config?: string; port?: number }) => {
      const path = configPathOf(o.config);
      const config = loadConfig(path);
      const log = createLogger();
      const port = o.port ?? (process.env.PORT ? portOption(process.env.PORT) : undefined);
      const k = await startKuzet({ config, ...(path ? { configPath: path } : {}), log, ...(port !== undefined ? { port } : {}) });
      log.info(`kuzet listening on ${k.url} (database: ${k.db.engine}); /api/v1/status, /metrics, /readyz`);
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
      log.info({ regions }, 'worker started');
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
      const findings = await runDoctor({ config: loadConfig(configPathOf(o.config)), env: process.env });
      process.stdout.write(o.json ? `${JSON.stringify({ findings })}\n` : formatDoctor(findings));
      process.exitCode = doctorExitCode(findings);
    });
}

/** `reload`: tell every kuzet process on the Redis to re-read its configuration. */
function registerReload(program: Command): void {
  program
    .command('reload')
    .description('tell every kuzet process sharing the Redis to re-read its configuration')
    .option('-c, --config <file>', 'configuration file')
    .action(async (o: { config?: string }) => {
      const path = configPathOf(o.config);
      const config = loadConfig(path);
      const url = process.env.REDIS_URL ?? config.redis.url;
      const conn = redisConnection(url);
      try {
        const n = await withTimeout(conn.publish(reloadChannel(config.redis.prefix), 'reload'), 3000);
        printJson({ reloaded: n });
      } catch (e) {
        throw new KuzetError('unavailable', `Redis at REDIS_URL=${redactUrl(url)} is unreachable: ${(e as Error).message}`);
      } finally {
        conn.disconnect();
      }
    });
}

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
    .action(async (o: { port: number; portalPort: number; dataDir: string; redisPrefix?: string; browser?: string }) => {
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
        `  operator console:   ${d.kuzet.url}/console   (accounts: stop the demo, then kuzet user add NAME --role admin --generate --data-dir ${o.dataDir})`,
        `  status site:        ${d.kuzet.url}/status   (notices in Kazakh and Russian; ?lang=ru)`,
        `  on-call Slack:      ${d.peers.slack.base}/messages   (what the local Slack Web API endpoint received)`,
        `  e-mail:             ${d.peers.slack.base}/mail   (what the local SMTP peer received)`,
        `  ETPs:               curl -H 'Authorization: Bearer ${d.operatorToken}' ${d.kuzet.url}/api/v1/etps   (etp-alpha: 8 failure days replayed at start, threshold and decision date)`,
        `  inject a fault:     curl -X POST ${d.sim.url}/__fault -H 'content-type: application/json' -d '{"target":"search","fault":"down"}'`,
        `  list faults:        curl ${d.sim.url}/__fault`,
        `  CLI on its store:   stop the demo, then npx kuzet journal|extract|availability|etp|token … -c ${relative(process.cwd(), d.configFile).startsWith('..') ? d.configFile : relative(process.cwd(), d.configFile)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      await runUntilSignal(d.close, () => undefined);
    });
}

/** `calendar`: the Kazakhstan working calendar (info, next-working-day, add-working-days). */
function registerCalendar(program: Command): void {
  const cal = program.command('calendar').description('Kazakhstan working calendar (docs/rules.md §2)');
  cal
    .command('info <date>')
    .description('is DATE a working day, and why')
    .action((date: string) => rulesCommand(rulesCalendar, { op: 'info', date }));
  cal
    .command('next-working-day <date>')
    .description('first working day strictly after DATE')
    .action((date: string) => rulesCommand(rulesCalendar, { op: 'next-working-day', date }));
  cal
    .command('add-working-days <datetime> <n>')
    .description('DATETIME plus N working days, keeping the wall-clock time')
    .action((at: string, n: string) =>
      rulesCommand(rulesCalendar, { op: 'add-working-days', at, days: /^-?\d+$/.test(n) ? Number(n) : n }),
    );
}

/** The rules commands on JSON input or options: `sla`, `lead-time`, `deadlines`, `etp-streak`. */
function registerRules(program: Command): void {
  program
    .command('sla')
    .description('due time of an SLA timer (docs/rules.md §4)')
    .requiredOption('--timer <id>', 'timer id, e.g. SLA-P-REGISTER')
    .requiredOption('--from <datetime>', 'start, ISO 8601 with offset')
    .action((o: { timer: string; from: string }) => rulesCommand(rulesSla, o));

  program
    .command('lead-time')
    .description('latest allowed notification before works start (docs/rules.md §6)')
    .requiredOption('--audience <audience>', 'portal-users | etp-owners | etp-auth-rotation | etp-requisites')
    .requiredOption('--start <datetime>', 'start of the works, ISO 8601 with offset')
    .action((o: { audience: string; start: string }) => rulesCommand(rulesLeadTime, o));

  program
    .command('deadlines')
    .description('deadline extensions for an incident or maintenance window (docs/rules.md §5)')
    .requiredOption('-i, --input <file>', 'input JSON file, or - for stdin')
    .action((o: { input: string }) => rulesCommand(rulesDeadlines, readJsonInput(o.input)));

  program
    .command('etp-streak')
    .description('failure days, streaks and the disconnection threshold of an ETP (docs/rules.md §7)')
    .requiredOption('-i, --input <file>', 'input JSON file, or - for stdin')
    .action((o: { input: string }) => rulesCommand(rulesEtpStreak, readJsonInput(o.input)));
}

/** `ntp`: one SNTP measurement of kuzet's clock. */
function registerNtp(program: Command): void {
  program
    .command('ntp')
    .description("measure kuzet's clock against an NTP server with one SNTP query (docs/rules.md §8)")
    .option('--server <host[:port]>', 'NTP server', 'ntp.nic.kz')
    .addOption(new Option('--timeout <ms>', 'how long to wait for the answer').default(3000).argParser(timeoutOption))
    .action(async (o: { server: string; timeout: number }) => printJson(await measureNtp(o.server, o.timeout)));
}

export function buildProgram(): Command {
  const program = new Command('kuzet')
    .description('Monitoring, incidents and availability for the state procurement web portal and its ETPs')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  registerStart(program);
  registerWorker(program);
  registerMigrate(program);
  registerCheckConfig(program);
  registerDoctor(program);
  registerReload(program);
  registerDemo(program);
  registerCalendar(program);
  registerRules(program);
  registerNtp(program);
  registerIncidentCommands(program);
  registerJournalCommands(program, { loadConfig: (c) => loadConfig(configPathOf(c)) });
  registerEtpCommands(program, { loadConfig: (c) => loadConfig(configPathOf(c)) });
  registerConsoleCommands(program, { loadConfig: (c) => loadConfig(configPathOf(c)) });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

/** Prints an error the way a user needs it and returns the exit code. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof ConfigError) {
    for (const i of e.issues) process.stderr.write(`${i.field}: ${i.message}\n`);
    return 2;
  }
  if (e instanceof InputError) {
    for (const i of e.issues) process.stderr.write(`error: ${i.field ? `${i.field}: ` : ''}${i.message}\n`);
    return 2;
  }
  process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
  return 1;
}
