/**
 * The drills' test bed: the simulated portal, a local SMTP server and Slack Web API endpoint (all in
 * the drill's own process, so they outlive every kill), kuzet itself as a child process started the
 * way an operator starts it (`node bin/kuzet.mjs start --config …`), on a fresh PostgreSQL schema and
 * Redis prefix. Not a test file: the drills (`npm run drills`) and test/drills.int.test.ts use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createToken } from '../../core/auth.ts';
import { migrate, openDb, type Db } from '../../core/db.ts';
import { demoConfigYaml } from '../../demo/run.ts';
import { startPortalSim, type PortalSim } from '../../demo/portal-sim.ts';
import { startSlack, startSmtp } from '../../notices/test-support.ts';
import { dropPgSchema, dropRedisPrefix, freePort, PG_URL, REDIS_URL, tempDir, uniqueName } from '../support.ts';

export { freePort };

const BIN = new URL('../../bin/kuzet.mjs', import.meta.url).pathname;

export const SLACK_TOKEN = 'xoxb-drill-slack-token-5f1e2d';
export const SMTP_PASSWORD = 'drill-smtp-pass-9a8b7c';
export const DB_PASSWORD = 'drill-db-pass-4d3c2b';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded random source (mulberry32): a drill run is repeatable from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BedOptions {
  /** Check interval of the demo checks (s). */
  intervalSeconds?: number;
  redisUrl?: string;
  /** PostgreSQL to use (default the machine's test database); the drill makes its own schema in it. */
  pgUrl?: string;
  /** Extra top-level config (merged into the generated demo config). */
  extra?: Record<string, unknown>;
  /** Put a password in the SMTP URL (the peer takes no AUTH, so mail then fails: the security drill wants that failure logged without it). */
  smtpPassword?: boolean;
  /** Believe X-Forwarded-* from loopback (default true: the drills name their clients that way). */
  trustLoopbackProxy?: boolean;
  /** `server.publicUrl` of the started kuzet. */
  publicUrl?: string;
}

export interface Bed {
  dir: string;
  configPath: string;
  port: number;
  url: string;
  sim: PortalSim;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  slack: Awaited<ReturnType<typeof startSlack>>;
  db: Db;
  schema: string;
  prefix: string;
  operator: string;
  viewer: string;
  env: NodeJS.ProcessEnv;
  logPath: string;
  /** Starts a kuzet process (`start`, or `worker`) with its output appended to the drill log. */
  spawnKuzet(cmd?: 'start' | 'worker'): KuzetProc;
  waitReady(timeoutMs?: number): Promise<void>;
  log(): string;
  close(): Promise<void>;
}

export interface KuzetProc {
  child: ChildProcess;
  exited: Promise<number | null>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBed(o: BedOptions = {}): Promise<Bed> {
  const tmp = tempDir('kuzet-drill-');
  const dir = tmp.path;
  const schema = uniqueName('kuzet_drill');
  const prefix = uniqueName('kz-drill');
  const pgBase = o.pgUrl ?? PG_URL;
  const sim = await startPortalSim({ port: 0, host: '127.0.0.1', slowMs: 4_000 });
  const smtp = await startSmtp();
  const slack = await startSlack();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const doc = parse(
    demoConfigYaml(sim.url, {
      dataDir: join(dir, 'data'),
      artifactsDir: join(dir, 'artifacts'),
      intervalSeconds: o.intervalSeconds ?? 5,
      redisPrefix: prefix,
      port,
    }),
  ) as Record<string, unknown> & { systems: Record<string, { targets: { id: string }[] }> };
  // The browser journey is left out: the drills are about kuzet's own durability, and Chromium would
  // take most of the two shared cores.
  for (const sys of Object.values(doc.systems)) sys.targets = sys.targets.filter((t) => t.id !== 'search-journey');
  doc.redis = { url: '${REDIS_URL}', prefix };
  // The drills spread their clients over many addresses with X-Forwarded-For, as a proxy on loopback
  // would; the security suite starts kuzet without that trust (`trustLoopbackProxy: false`).
  (doc.server as Record<string, unknown>).trustedProxies = o.trustLoopbackProxy === false ? [] : ['127.0.0.1/32', '::1/128'];
  if (o.publicUrl) (doc.server as Record<string, unknown>).publicUrl = o.publicUrl;
  doc.notifications = {
    channels: [
      { id: 'oncall-slack', type: 'slack', token: '${DRILL_SLACK_TOKEN}', channel: '#kuzet-oncall', apiUrl: slack.url },
      {
        id: 'mail',
        type: 'email',
        smtpUrl: o.smtpPassword ? `smtp://kuzet:\${DRILL_SMTP_PASSWORD}@127.0.0.1:${smtp.port}/?ignoreTLS=true` : smtp.url,
        from: 'kuzet@operator.kz',
        to: ['oncall@operator.kz'],
      },
    ],
  };
  Object.assign(doc, o.extra ?? {});
  const configPath = join(dir, 'kuzet.yaml');
  writeFileSync(configPath, stringify(doc));
  mkdirSync(join(dir, 'data'), { recursive: true });

  const u = new URL(pgBase);
  if (!u.password) u.password = DB_PASSWORD; // trust authentication ignores it; it is there to be kept secret
  const databaseUrl = u.toString();
  const db = await openDb({ databaseUrl: pgBase, schema });
  await migrate(db);
  const operator = (await createToken(db, { role: 'operator', name: 'drill operator', actor: 'system:drill' })).token;
  const viewer = (await createToken(db, { role: 'viewer', name: 'drill viewer', actor: 'system:drill' })).token;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    REDIS_URL: o.redisUrl ?? REDIS_URL,
    DRILL_SLACK_TOKEN: SLACK_TOKEN,
    DRILL_SMTP_PASSWORD: SMTP_PASSWORD,
    LOG_LEVEL: 'info',
    TZ: 'UTC',
  };
  const logPath = join(dir, 'kuzet.log');
  const logStream: WriteStream = createWriteStream(logPath, { flags: 'a' });
  const procs = new Set<KuzetProc>();

  const spawnKuzet = (cmd: 'start' | 'worker' = 'start'): KuzetProc => {
    const child = spawn(process.execPath, [BIN, cmd, '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(logStream, { end: false });
    child.stderr?.pipe(logStream, { end: false });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const p: KuzetProc = {
      child,
      exited,
      async kill9() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        procs.delete(p);
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
        procs.delete(p);
      },
    };
    procs.add(p);
    return p;
  };

  const waitReady = async (timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`kuzet at ${url} not ready after ${timeoutMs} ms`);
      await sleep(150);
    }
  };

  return {
    dir,
    configPath,
    port,
    url,
    sim,
    smtp,
    slack,
    db,
    schema,
    prefix,
    operator,
    viewer,
    env,
    logPath,
    spawnKuzet,
    waitReady,
    log: () => readFileSync(logPath, 'utf8'),
    async close() {
      for (const p of [...procs]) await p.stop();
      logStream.end();
      await db.close();
      await Promise.all([sim.close(), smtp.close(), slack.close()]);
      if (!o.pgUrl) await dropPgSchema(schema).catch(() => undefined);
      if (!o.redisUrl) await dropRedisPrefix(prefix);
      tmp.remove();
    },
  };
}

export interface ApiResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- drills walk arbitrary JSON
  json: any;
  text: string;
  /** Why there is no status (0): the fetch error (a timeout, a refused connection). */
  error?: string;
}

/** One HTTP call; a refused or cut connection resolves to status 0 (kuzet was killed). */
export async function call(
  base: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; ip?: string; timeoutMs?: number } = {},
): Promise<ApiResult> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.ip ? { 'x-forwarded-for': o.ip } : {}),
      },
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  } catch (e) {
    return { status: 0, json: undefined, text: '', error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
