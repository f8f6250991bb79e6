/**
 * `kuzet demo`: the simulated portal and ETPs, and kuzet on its embedded defaults pointed at them.
 * The demo config is generated from the simulator's own target list, so every fault target has a check.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig, type KuzetConfig } from '../core/config.ts';
import { createToken } from '../core/auth.ts';
import type { Logger } from '../core/log.ts';
import type { IncidentRuntimeOptions } from '../incidents/index.ts';
import { PROBES } from '../probes/index.ts';
import { startKuzet, type KuzetHandle } from '../app/index.ts';
import { createUser, setPassword, unlockUser } from '../console/index.ts';
import { KuzetError } from '../core/errors.ts';
import { startSlack, startSmtp } from './peers.ts';
import { SIM_TARGETS, startPortalSim, type PortalSim } from './portal-sim.ts';
import { eshopServiceTargets, etpDemoTargets, replayEtpFailures, startDemoNtp, type ReplayResult } from './etp-demo.ts';

export interface DemoOptions {
  port: number;
  portalPort: number;
  host?: string;
  dataDir: string;
  /** Where failed journeys keep screenshots and traces (default beside the data directory). */
  artifactsDir?: string;
  /** Check interval in seconds (default 5, the minimum). */
  intervalSeconds?: number;
  /** Default: derived from the data directory ({@link demoRedisPrefix}), so two demos on one Redis keep their own queues. */
  redisPrefix?: string;
  /** The journey's browser: a Chromium path, or `system` / `npm` for that source (default: the first found, probes/browser/executable.ts). */
  browser?: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Detector thresholds and SLA tick (tests lower them). */
  incidents?: IncidentRuntimeOptions;
  /**
   * ETP time travel: record this many days of failure of `etp`'s order service into the ledger at start
   * (default etp-alpha, 8 days: warnings from day 5, the threshold on day 8 with its decision date); false for none.
   */
  etpReplay?: { etp: string; days: number } | false;
}

/** The demo modules' names in notices, e-mails and Slack (Kazakh and Russian), by module id. */
const DEMO_MODULE_NAMES: Readonly<Record<string, { kk: string; ru: string }>> = {
  homepage: { kk: 'Басты бет', ru: 'Главная страница' },
  search: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' },
  lots: { kk: 'Лот карточкасы', ru: 'Карточка лота' },
  auth: { kk: 'Жүйеге кіру', ru: 'Вход в систему' },
  eshop: { kk: 'Электрондық дүкен', ru: 'Электронный магазин' },
  contracts: { kk: 'Шарттар', ru: 'Договоры' },
  orders: { kk: 'Тапсырыстарды орналастыру мен растау', ru: 'Размещение и подтверждение заказов' },
  prices: { kk: 'Бағалар', ru: 'Цены' },
  catalogue: { kk: 'Тауарлар каталогы', ru: 'Каталог товаров' },
  clock: { kk: 'Сервер уақыты', ru: 'Время сервера' },
};

/**
 * The demo's Redis prefix for a data directory: `kuzet-demo-` and 8 hex digits of the SHA-256 of its
 * absolute path. Two demos (two users, or a demo beside the tests) on one Redis share no queue, and
 * a demo restarted on the same data finds its own again.
 */
export function demoRedisPrefix(dataDir: string): string {
  return `kuzet-demo-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 8)}`;
}

/** What {@link demoConfigYaml} needs besides the simulator's URL. */
interface DemoConfigOptions {
  dataDir: string;
  artifactsDir: string;
  intervalSeconds: number;
  redisPrefix: string;
  port: number;
  peers?: { slackApiUrl: string; smtpUrl: string };
  ntpServer?: string;
  browser?: string;
}

/** The check interval and timeout of the demo's HTTP checks, as config durations. */
interface DemoTiming {
  interval: string;
  timeout: string;
}

type SimTargetOf = (typeof SIM_TARGETS)[number];

/** The HTTP check of one simulator target: the page's keyword, or the JSON field that must exist. */
function simCheck(simUrl: string, t: SimTargetOf, { interval, timeout }: DemoTiming) {
  return t.kind === 'html'
    ? { id: 'http', type: 'http', interval, timeout, url: `${simUrl}${t.path}`, expectStatus: 200, bodyContains: t.expect }
    : {
        id: 'http',
        type: 'http',
        interval,
        timeout,
        url: `${simUrl}${t.path}`,
        expectStatus: 200,
        jsonPath: [{ path: `$.${t.expect}`, exists: true }],
      };
}

/** The demo's own Slack Web API endpoint and SMTP peer (demo/peers.ts): what on-call and users would get. */
function demoNotifications(peers: { slackApiUrl: string; smtpUrl: string } | undefined) {
  return peers
    ? {
        notifications: {
          channels: [
            { id: 'slack-oncall', type: 'slack', token: 'xoxb-demo-token', channel: '#kuzet-oncall', apiUrl: peers.slackApiUrl },
            { id: 'email', type: 'email', smtpUrl: peers.smtpUrl, from: 'kuzet@demo.kuzet.local', to: ['oncall@demo.kuzet.local'] },
          ],
        },
      }
    : {};
}

/** What a supplier sees: the homepage, then an announcement search, in Chromium (the system's, else the npm one). */
function searchJourneyTarget(simUrl: string, o: DemoConfigOptions) {
  return {
    id: 'search-journey',
    name: 'поиск объявлений в браузере',
    module: 'search',
    checks: [
      {
        id: 'browser',
        type: 'browser',
        interval: `${Math.max(20, o.intervalSeconds)}s`,
        timeout: '15s',
        baseUrl: `${simUrl}/`,
        stepTimeout: '5s',
        artifactsDir: o.artifactsDir,
        ...(o.browser !== undefined ? { executablePath: o.browser } : {}),
        steps: [
          { action: 'goto', url: '/', name: 'open homepage' },
          { action: 'expectVisible', selector: '[data-testid=notices]', name: 'notices block' },
          { action: 'goto', url: '/ru/search/announce?q=', name: 'open search' },
          { action: 'expectText', text: 'Результаты поиска', name: 'search announcements' },
          { action: 'expectVisible', selector: '[data-testid=results]', name: 'results listed' },
        ],
      },
    ],
  };
}

/** The portal system: one target per portal page of the simulator, the e-shop services and the search journey. */
function portalSystem(simUrl: string, o: DemoConfigOptions, timing: DemoTiming) {
  const portalTargets = SIM_TARGETS.filter((t) => !t.id.includes('.'));
  return {
    name: 'Веб-портал государственных закупок (демо)',
    names: { kk: 'Мемлекеттік сатып алу веб-порталы (демо)', ru: 'Веб-портал государственных закупок (демо)' },
    kind: 'portal',
    policy: 'portal-692',
    modules: portalTargets.map((t) => t.id),
    moduleNames: Object.fromEntries(portalTargets.map((t) => [t.id, DEMO_MODULE_NAMES[t.id]])),
    owners: [
      { name: 'Министерство финансов РК (демо)', email: 'owner@demo.kuzet.local' },
      // 001 §19: the owner's unit for informatisation and information security (SLA-P-OWNER-MEDHIGH).
      {
        name: 'Департамент информатизации и информационной безопасности (демо)',
        role: 'it-security',
        email: 'it-security@demo.kuzet.local',
      },
    ],
    targets: [
      ...portalTargets.map((t) => ({ id: t.id, name: t.description, module: t.id, checks: [simCheck(simUrl, t, timing)] })),
      // The e-shop's test and productive services for ETPs, listed with their availability on /status (000 App.7 §3).
      ...eshopServiceTargets(simUrl, timing),
      searchJourneyTarget(simUrl, o),
    ],
  };
}

/** One ETP's system: its order, price and catalogue services and its clock; `ntpServer` adds kuzet's own NTP check. */
function etpSystem(simUrl: string, etp: string, timing: DemoTiming, ntpServer: string | undefined) {
  return {
    name: `ЭТП ${etp} (демо)`,
    names: { kk: `${etp} ЭСА (демо)`, ru: `ЭТП ${etp} (демо)` },
    kind: 'etp',
    policy: 'etp-em',
    modules: ['orders', 'prices', 'catalogue', 'clock'],
    moduleNames: {
      orders: DEMO_MODULE_NAMES.orders,
      prices: DEMO_MODULE_NAMES.prices,
      catalogue: DEMO_MODULE_NAMES.catalogue,
      clock: DEMO_MODULE_NAMES.clock,
    },
    owners: [{ name: `Владелец ${etp}`, email: `${etp}@demo.kuzet.local` }],
    targets: [
      ...SIM_TARGETS.filter((t) => t.id.startsWith(`${etp}.`)).map((t) => {
        const service = t.id.split('.')[1]!;
        const extra = service === 'prices' ? etpDemoTargets(simUrl, etp, timing).priceChecks : [];
        return { id: service, name: t.description, module: service, service, checks: [simCheck(simUrl, t, timing), ...extra] };
      }),
      // The ETP's clock by its HTTP Date; the first ETP also carries kuzet's own NTP check against the local "ntp.nic.kz".
      etpDemoTargets(simUrl, etp, { ...timing, ntpServer }).clock,
    ],
    etp: { domain: `${etp}.demo.kuzet.local`, ips: ['127.0.0.1'], state: 'productive', authRotations: [] },
  };
}

/** Builds the demo's kuzet.yaml text for a simulator at `simUrl`. */
export function demoConfigYaml(simUrl: string, o: DemoConfigOptions): string {
  const timing: DemoTiming = { interval: `${o.intervalSeconds}s`, timeout: `${Math.min(3, o.intervalSeconds)}s` };
  const etpIds = [...new Set(SIM_TARGETS.filter((t) => t.id.includes('.')).map((t) => t.id.split('.')[0]!))];
  const doc = {
    regions: ['astana'],
    server: { port: o.port, host: '127.0.0.1' },
    storage: { dataDir: o.dataDir, retentionDays: 90 },
    redis: { url: '${REDIS_URL:-redis://127.0.0.1:6379}', prefix: o.redisPrefix },
    ...demoNotifications(o.peers),
    systems: {
      portal: portalSystem(simUrl, o, timing),
      ...Object.fromEntries(etpIds.map((etp) => [etp, etpSystem(simUrl, etp, timing, etp === etpIds[0] ? o.ntpServer : undefined)])),
    },
  };
  return stringify(doc);
}

export interface DemoHandle {
  sim: PortalSim;
  /** The local Slack endpoint (its `base` lists messages at /messages and mail at /mail) and SMTP peer. */
  peers: { slack: Awaited<ReturnType<typeof startSlack>>; smtp: Awaited<ReturnType<typeof startSmtp>> };
  kuzet: KuzetHandle;
  config: KuzetConfig;
  /**
   * The demo's config written beside its data directory (`./data/kuzet-demo.yaml` for `./data/demo`),
   * so the CLI's database commands (journal, extract, availability, etp, token, user) open the demo's
   * store and know its systems with `-c` while the demo is stopped (PGlite is one process at a time).
   */
  configFile: string;
  /** An operator API token created at start, or KUZET_DEMO_TOKEN when set (demo only). */
  operatorToken: string;
  /**
   * The console's admin account, printed at start: more accounts are made at /console/users while
   * the demo runs (PGlite is one process at a time, so `kuzet user add` waits for the demo to stop).
   */
  consoleAccount: { username: string; password: string };
  /** What the ETP time travel put into the ledger (undefined when turned off). */
  etpReplay: Promise<ReplayResult | undefined>;
  close(): Promise<void>;
}

/** The demo's operator token: KUZET_DEMO_TOKEN when set (a fixed token across restarts), else a new one. */
async function demoOperatorToken(kuzet: KuzetHandle, env: NodeJS.ProcessEnv): Promise<string> {
  // Demo only: a fixed token from the environment lets scripts and the README's curl lines work across restarts.
  const fixed = env.KUZET_DEMO_TOKEN;
  return (await createToken(kuzet.db, { role: 'operator', name: 'demo operator', token: fixed || undefined, actor: 'system:demo' })).token;
}

export const DEMO_ADMIN = 'demo-admin';

/** The demo's console admin: `demo-admin` with KUZET_DEMO_PASSWORD, else a new password at each start (demo only). */
async function demoConsoleAccount(kuzet: KuzetHandle, env: NodeJS.ProcessEnv): Promise<{ username: string; password: string }> {
  const password = env.KUZET_DEMO_PASSWORD || randomBytes(12).toString('base64url');
  const actor = { id: 'system:demo' };
  try {
    await createUser(kuzet.db, { username: DEMO_ADMIN, name: 'demo admin', role: 'admin', password }, actor);
  } catch (e) {
    if (!(e instanceof KuzetError && e.code === 'conflict')) throw e;
    // The store of an earlier start: the account stays, with this start's password, unlocked.
    await setPassword(kuzet.db, DEMO_ADMIN, password, actor, new Date());
    await unlockUser(kuzet.db, DEMO_ADMIN, actor);
  }
  return { username: DEMO_ADMIN, password };
}

/** Starts the ETP time travel once Redis is ready; a failure is logged, and the promise still rejects for whoever awaits it. */
function startEtpReplay(
  kuzet: KuzetHandle,
  token: string,
  replay: { etp: string; days: number } | false,
  log: Logger,
): Promise<ReplayResult | undefined> {
  // Once Redis is there (the ETP part and the notice queue run), so the warnings go out as they would live.
  const etpReplay = replay
    ? kuzet.redisReady.then(async (ok) => {
        if (!ok) return undefined;
        const r = await replayEtpFailures(kuzet.url, token, { ...replay, now: new Date() });
        log.info(r, 'demo: ETP failure days replayed into the ledger');
        return r;
      })
    : Promise.resolve(undefined);
  etpReplay.catch((e: unknown) => log.warn({ err: (e as Error).message }, 'demo: ETP replay failed'));
  return etpReplay;
}

export async function startDemo(o: DemoOptions): Promise<DemoHandle> {
  const sim = await startPortalSim({ port: o.portalPort, host: o.host ?? '127.0.0.1', slowMs: 15_000 });
  const smtp = await startSmtp();
  const ntp = await startDemoNtp();
  const slack = await startSlack({ mails: smtp.mails });
  const closePeers = async () => {
    await slack.close();
    await smtp.close();
    await ntp.close();
  };
  try {
    const artifactsDir = resolve(o.artifactsDir ?? join(o.dataDir, '..', 'artifacts'));
    // Absolute, so the written config file opens the same store from any working directory.
    const yaml = demoConfigYaml(sim.url, {
      dataDir: resolve(o.dataDir),
      artifactsDir,
      intervalSeconds: o.intervalSeconds ?? 5,
      redisPrefix: o.redisPrefix ?? demoRedisPrefix(o.dataDir),
      port: o.port,
      ...(o.browser !== undefined ? { browser: o.browser } : {}),
      peers: { slackApiUrl: slack.url, smtpUrl: smtp.url },
      ntpServer: ntp.server,
    });
    const config = parseConfig(yaml, PROBES, o.env ?? process.env);
    const configFile = join(dirname(resolve(o.dataDir)), 'kuzet-demo.yaml');
    // The written config file is what `kuzet reload -c data/kuzet-demo.yaml` (or SIGHUP) re-reads; it is
    // written once kuzet runs, so a second demo refused on the same store never overwrites it.
    const kuzet = await startKuzet({
      config,
      configPath: configFile,
      processName: 'kuzet demo',
      log: o.log,
      port: o.port,
      artifactsDir,
      ...(o.env ? { env: o.env } : {}),
      ...(o.incidents ? { incidents: o.incidents } : {}),
    });
    let operatorToken: string;
    let consoleAccount: { username: string; password: string };
    let etpReplay: Promise<ReplayResult | undefined>;
    try {
      operatorToken = await demoOperatorToken(kuzet, o.env ?? process.env);
      consoleAccount = await demoConsoleAccount(kuzet, o.env ?? process.env);
      etpReplay = startEtpReplay(kuzet, operatorToken, o.etpReplay ?? { etp: 'etp-alpha', days: 8 }, o.log);
    } catch (e) {
      await kuzet.close();
      throw e;
    }
    writeFileSync(
      configFile,
      `# Written by \`kuzet demo\` at each start: its configuration, for the CLI on the demo's store while the demo is stopped.\n${yaml}`,
    );
    return {
      sim,
      peers: { slack, smtp },
      kuzet,
      config,
      configFile,
      operatorToken,
      consoleAccount,
      etpReplay,
      async close() {
        await kuzet.close();
        await sim.close();
        await closePeers();
      },
    };
  } catch (e) {
    await sim.close();
    await closePeers();
    throw e;
  }
}
