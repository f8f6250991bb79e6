/**
 * `kuzet doctor`: what this machine has of what kuzet uses (browser, fonts for Kazakh screenshots,
 * Redis, the database, the notification peers, NTP servers), and for each thing missing the
 * command that fixes it. Every check runs (all problems at once); each has a short timeout.
 *
 * Statuses: `ok`; `missing` (needed, not there: exit 1); `off` (not configured, so not needed).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { resolveChecks, type KuzetConfig } from '../core/config.ts';
import { redactUrl, redisConnection, withTimeout } from '../core/redis.ts';
import {
  findNpmChromiumPackage,
  foreignUnpackDir,
  formatServer,
  isExecutable,
  NPM_CHROMIUM_PACKAGE,
  npmChromiumDir,
  parseServer,
  querySntp,
  SYSTEM_CHROMIUMS,
} from '../probes/index.ts';

export const DOCTOR_STATUSES = ['ok', 'missing', 'off'] as const;
export type DoctorStatus = (typeof DOCTOR_STATUSES)[number];

export interface DoctorFinding {
  name: 'browser' | 'fonts' | 'redis' | 'database' | 'smtp' | 'slack' | 'ntp';
  status: DoctorStatus;
  /** What was found (or looked for). */
  detail: string;
  /** For `missing`: the command or setting that fixes it. */
  fix?: string;
}

/** The letters a Kazakh page needs beyond Russian: ә ғ қ ң ө ұ ү һ і (lower case; fonts carry both cases). */
export const KAZAKH_CODEPOINTS = ['04d9', '0493', '049b', '04a3', '04e9', '04b1', '04af', '04bb', '0456'] as const;

export interface DoctorOptions {
  config: KuzetConfig;
  env: NodeJS.ProcessEnv;
  /** System Chromium binaries to look for (default: the pool's list); tests pass `[]`. */
  systemChromiums?: readonly string[];
  /** Where the npm Chromium package is (tests point it at nothing); default: resolved by Node. */
  npmChromiumDir?: string;
  /** Runs `fc-list` (tests replace it). Resolves to its stdout; rejects when it is not installed. */
  fcList?: (args: string[]) => Promise<string>;
  timeoutMs?: number;
}

const run = promisify(execFile);
const defaultFcList = async (args: string[]) => (await run('fc-list', args, { timeout: 5_000 })).stdout;

export async function runDoctor(o: DoctorOptions): Promise<DoctorFinding[]> {
  const timeoutMs = o.timeoutMs ?? 3_000;
  const browser = checkBrowser(o);
  return Promise.all([
    browser,
    checkFonts(o, browser),
    checkRedis(o, timeoutMs),
    checkDatabase(o, timeoutMs),
    checkSmtp(o.config, timeoutMs),
    checkSlack(o.config, timeoutMs),
    checkNtp(o.config, timeoutMs),
  ]);
}

/** Exit code: 0 when nothing needed is missing, else 1 (a missing dependency, as elsewhere in the CLI). */
export function doctorExitCode(findings: readonly DoctorFinding[]): 0 | 1 {
  return findings.some((f) => f.status === 'missing') ? 1 : 0;
}

export function formatDoctor(findings: readonly DoctorFinding[]): string {
  const lines = findings.flatMap((f) => [
    `${f.status.padEnd(8)}${f.name.padEnd(10)}${f.detail}`,
    ...(f.fix ? [`${''.padEnd(18)}fix: ${f.fix}`] : []),
  ]);
  const missing = findings.filter((f) => f.status === 'missing').map((f) => f.name);
  lines.push(missing.length === 0 ? 'everything kuzet needs here was found' : `missing: ${missing.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The one line `kuzet demo` prints first when its browser journey has no Chromium (issue #16 item 9):
 * what happens instead (the journey is unknown and kuzet alerts about itself; the portal gets no
 * incident) and the fix. Undefined when a browser was found.
 */
export function demoBrowserNotice(browser: DoctorFinding): string | undefined {
  if (browser.status !== 'missing') return undefined;
  return `no browser for the demo's journey (search-journey shows unknown and raises kuzet.probe-error, never a portal incident): ${browser.detail}; fix: ${browser.fix ?? 'apt-get install -y chromium'}`;
}

/** The browser finding alone (what `kuzet demo` checks at start). */
export const checkBrowserOnly = (o: Pick<DoctorOptions, 'config' | 'systemChromiums' | 'npmChromiumDir'>): Promise<DoctorFinding> =>
  checkBrowser({ env: {}, ...o });

async function checkBrowser(o: DoctorOptions): Promise<DoctorFinding> {
  const configured = [
    ...new Set(
      resolveChecks(o.config).flatMap((c) =>
        c.check.type === 'browser' && typeof c.check.settings.executablePath === 'string' ? [c.check.settings.executablePath] : [],
      ),
    ),
  ];
  const system = (o.systemChromiums ?? SYSTEM_CHROMIUMS).filter(isExecutable);
  let npm: string | undefined;
  let npmProblem = '';
  try {
    const pkg = findNpmChromiumPackage(o.npmChromiumDir);
    const dir = npmChromiumDir(pkg.version);
    const unpacked = existsSync(resolve(dir, '.complete'));
    // A copy someone else put in the shared temp folder is refused at launch: not a browser found.
    const foreign = unpacked ? foreignUnpackDir(dir) : undefined;
    if (foreign) npmProblem = foreign;
    else
      npm = `${NPM_CHROMIUM_PACKAGE} ${pkg.version} (npm; ${unpacked ? `unpacked in ${dir}` : `unpacks into ${dir} on first use, ~1–2 s`})`;
  } catch (err) {
    npmProblem = (err as Error).message;
  }
  const badConfigured = configured.filter((p) => p !== 'system' && p !== 'npm' && !isExecutable(p));
  const found = [...system.map((p) => `${p} (system)`), ...(npm ? [npm] : [])];
  if (badConfigured.length > 0) {
    return {
      name: 'browser',
      status: 'missing',
      detail: `configured executablePath not found: ${badConfigured.join(', ')}`,
      fix: 'apt-get install -y chromium, or correct executablePath in kuzet.yaml (or remove it to use the first Chromium found)',
    };
  }
  if (found.length === 0) {
    return {
      name: 'browser',
      status: 'missing',
      detail: `no Chromium: none of ${(o.systemChromiums ?? SYSTEM_CHROMIUMS).join(', ')}; ${npmProblem}`,
      fix: `npm install (installs the optional ${NPM_CHROMIUM_PACKAGE} on Linux x64), or apt-get install -y chromium`,
    };
  }
  const chosen = found[0]!;
  const others = found.slice(1);
  return {
    name: 'browser',
    status: 'ok',
    detail: `journeys use ${chosen}${others.length ? `; also found: ${others.join(', ')}` : ''}${configured.length ? `; configured: ${configured.join(', ')}` : ''}`,
  };
}

async function checkFonts(o: DoctorOptions, browser: Promise<DoctorFinding>): Promise<DoctorFinding> {
  const fix = 'apt-get install -y fonts-dejavu-core (Cyrillic and Kazakh letters), or keep the npm Chromium, which brings Open Sans';
  let families: string[] | undefined;
  try {
    const out = await (o.fcList ?? defaultFcList)([`:charset=${KAZAKH_CODEPOINTS.join(' ')}`, 'family']);
    families = [
      ...new Set(
        out
          .split('\n')
          .map((l) => l.split(',')[0]!.trim())
          .filter(Boolean),
      ),
    ].sort();
  } catch {
    families = undefined;
  }
  const b = await browser;
  const npmOnly = b.status === 'ok' && b.detail.startsWith(`journeys use ${NPM_CHROMIUM_PACKAGE}`);
  if (families && families.length > 0)
    return {
      name: 'fonts',
      status: 'ok',
      detail: `Kazakh letters (ә ғ қ ң ө ұ ү һ і) in system fonts: ${families.slice(0, 6).join(', ')}${families.length > 6 ? ` and ${families.length - 6} more` : ''}`,
    };
  if (npmOnly)
    return {
      name: 'fonts',
      status: 'ok',
      detail: `no system font with Kazakh letters${families ? '' : ' (fc-list not installed)'}; the npm Chromium uses its own Open Sans, which has them`,
    };
  return {
    name: 'fonts',
    status: 'missing',
    detail: families
      ? 'no system font has the Kazakh letters ә ғ қ ң ө ұ ү һ і: screenshots would show boxes'
      : 'fc-list is not installed (fontconfig): cannot tell',
    fix,
  };
}

async function checkRedis(o: DoctorOptions, timeoutMs: number): Promise<DoctorFinding> {
  const url = o.env.REDIS_URL ?? o.config.redis.url;
  const redis = redisConnection(url);
  redis.on('error', () => undefined);
  try {
    const info = await withTimeout(redis.info('server'), timeoutMs);
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    return { name: 'redis', status: 'ok', detail: `${redactUrl(url)} answers (Redis ${version}); key prefix ${o.config.redis.prefix}` };
  } catch (err) {
    return {
      name: 'redis',
      status: 'missing',
      detail: `${redactUrl(url)} does not answer: ${(err as Error).message}`,
      fix: 'apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1 (or set REDIS_URL / redis.url to a running Redis)',
    };
  } finally {
    redis.disconnect();
  }
}

async function checkDatabase(o: DoctorOptions, timeoutMs: number): Promise<DoctorFinding> {
  const url = o.env.DATABASE_URL || o.config.storage.databaseUrl;
  if (url) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const r = await withTimeout(client.query<{ v: string }>('SHOW server_version'), timeoutMs);
      return { name: 'database', status: 'ok', detail: `PostgreSQL ${r.rows[0]?.v ?? '?'} at ${redactUrl(url)}` };
    } catch (err) {
      return {
        name: 'database',
        status: 'missing',
        detail: `PostgreSQL at ${redactUrl(url)} does not answer: ${(err as Error).message}`,
        fix: 'start PostgreSQL (pg_ctlcluster <version> main start), correct DATABASE_URL, or unset it to use the embedded PGlite',
      };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const dir = resolve(o.config.storage.dataDir);
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  try {
    accessSync(probe, constants.W_OK);
    return {
      name: 'database',
      status: 'ok',
      detail: `PGlite (embedded, nothing to install) in ${dir}${probe === dir ? '' : ' (created at first start)'}`,
    };
  } catch {
    return {
      name: 'database',
      status: 'missing',
      detail: `PGlite data directory ${dir} is not writable (${probe})`,
      fix: `set storage.dataDir (or --data-dir) to a writable folder, or DATABASE_URL to a PostgreSQL`,
    };
  }
}

async function checkSmtp(config: KuzetConfig, timeoutMs: number): Promise<DoctorFinding> {
  const urls = config.notifications.channels.flatMap((c) => (c.type === 'email' ? [c.smtpUrl] : []));
  if (urls.length === 0)
    return { name: 'smtp', status: 'off', detail: 'no e-mail channel configured (notifications.channels, type email)' };
  const { default: nodemailer } = await import('nodemailer');
  const problems: string[] = [];
  const ok: string[] = [];
  for (const url of urls) {
    // The channel's own transport options (email.channel.ts), with doctor's short timeouts.
    const t = nodemailer.createTransport(url, {
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as never);
    try {
      await t.verify();
      ok.push(redactUrl(url));
    } catch (err) {
      problems.push(`${redactUrl(url)}: ${(err as Error).message}`);
    } finally {
      t.close();
    }
  }
  if (problems.length)
    return {
      name: 'smtp',
      status: 'missing',
      detail: `SMTP peer does not answer: ${problems.join('; ')}`,
      fix: 'correct smtpUrl of the email channel in kuzet.yaml, or start the mail relay it names',
    };
  return { name: 'smtp', status: 'ok', detail: `SMTP answers at ${ok.join(', ')}` };
}

async function checkSlack(config: KuzetConfig, timeoutMs: number): Promise<DoctorFinding> {
  const channels = config.notifications.channels.flatMap((c) => (c.type === 'slack' ? [c] : []));
  if (channels.length === 0)
    return { name: 'slack', status: 'off', detail: 'no Slack channel configured (notifications.channels, type slack)' };
  const problems: string[] = [];
  const ok: string[] = [];
  for (const c of channels) {
    const base = c.apiUrl ? (c.apiUrl.endsWith('/') ? c.apiUrl : `${c.apiUrl}/`) : 'https://slack.com/api/';
    try {
      const res = await fetch(`${base}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
      // A token Slack refuses is a finding; an endpoint that answers but does not know auth.test (a local one) is reachable.
      if (body.ok === false && /auth|token|account_inactive/.test(body.error ?? ''))
        problems.push(`${c.id}: ${base} refuses the token (${body.error})`);
      else if (!res.ok && body.ok === undefined) problems.push(`${c.id}: ${base} answered HTTP ${res.status}`);
      else ok.push(`${c.id} → ${base}`);
    } catch (err) {
      problems.push(`${c.id}: ${base} does not answer: ${(err as Error).message}`);
    }
  }
  if (problems.length)
    return {
      name: 'slack',
      status: 'missing',
      detail: problems.join('; '),
      fix: 'set a valid bot token (xoxb-…) and apiUrl of the slack channel in kuzet.yaml; the bot needs chat:write',
    };
  return { name: 'slack', status: 'ok', detail: `Slack Web API answers: ${ok.join(', ')}` };
}

async function checkNtp(config: KuzetConfig, timeoutMs: number): Promise<DoctorFinding> {
  const servers = [
    ...new Set(
      resolveChecks(config).flatMap((c) =>
        c.check.type === 'ntp' && typeof c.check.settings.server === 'string' ? [c.check.settings.server] : [],
      ),
    ),
  ];
  if (servers.length === 0) return { name: 'ntp', status: 'off', detail: 'no ntp check configured' };
  const results = await Promise.all(
    servers.map(async (text) => {
      const server = parseServer(text);
      if (!server) return { text, error: 'not a server address' };
      try {
        const m = await querySntp(server, { signal: AbortSignal.timeout(timeoutMs) });
        return { text: `${formatServer(server)} (stratum ${m.stratum}, offset ${Math.round(m.offsetMs)} ms)` };
      } catch (err) {
        return { text: formatServer(server), error: (err as Error).message };
      }
    }),
  );
  const bad = results.filter((r) => r.error);
  if (bad.length)
    return {
      name: 'ntp',
      status: 'missing',
      detail: `NTP peer does not answer: ${bad.map((r) => `${r.text}: ${r.error}`).join('; ')}`,
      fix: "allow UDP port 123 to the server (firewall), or correct the ntp check's server",
    };
  return { name: 'ntp', status: 'ok', detail: `NTP answers: ${results.map((r) => r.text).join(', ')}` };
}
