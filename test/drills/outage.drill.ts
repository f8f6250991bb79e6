/**
 * Outage drills: kuzet (a child process) on a private Redis or a private PostgreSQL, which the drill
 * stops for `seconds` and starts again. Throughout, kuzet must stay up, `/readyz` must name the missing
 * dependency, the status site must keep serving its snapshot; results produced meanwhile are buffered
 * (PostgreSQL away: they wait in the Redis stream) or are missing and said to be (Redis away: no check
 * runs, and none is invented); afterwards everything catches up, with no crash and no unhandled rejection.
 */
import { Redis } from 'ioredis';
import { resultStreamKey } from '../../collector/queues.ts';
import { call, sleep, startBed, type Bed } from './harness.ts';
import { startPrivatePostgres, startPrivateRedis, type PrivateServer } from './private-services.ts';

export interface OutageReport {
  dependency: 'redis' | 'postgres';
  seconds: number;
  problems: string[];
  /** Polls during the outage, and how many of them found each promise kept. */
  polls: number;
  readyzNamedIt: number;
  statusSiteServed: number;
  healthz: number;
  /** Results stored with a time inside the outage window (PostgreSQL: buffered then stored; Redis: must be 0). */
  resultsInWindow: number;
  /** Results waiting in the Redis stream at the end of a PostgreSQL outage. */
  bufferedAtEnd: number;
  catchUpSeconds: number;
  silentRaised: boolean;
  crashed: boolean;
  unhandled: number;
}

const count = async (bed: Bed, sql: string, params: unknown[] = []) => Number((await bed.db.query<{ n: string }>(sql, params))[0]?.n ?? 0);

async function untilTrue(fn: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return true;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

export async function runOutageDrill(
  dependency: 'redis' | 'postgres',
  seconds: number,
  say: (l: string) => void = () => undefined,
): Promise<OutageReport> {
  const server: PrivateServer = dependency === 'redis' ? await startPrivateRedis() : await startPrivatePostgres();
  const bed = await startBed(dependency === 'redis' ? { redisUrl: server.url } : { pgUrl: server.url });
  const problems: string[] = [];
  const report: OutageReport = {
    dependency,
    seconds,
    problems,
    polls: 0,
    readyzNamedIt: 0,
    statusSiteServed: 0,
    healthz: 0,
    resultsInWindow: 0,
    bufferedAtEnd: 0,
    catchUpSeconds: 0,
    silentRaised: false,
    crashed: false,
    unhandled: 0,
  };
  const redis = new Redis(dependency === 'redis' ? server.url : (bed.env.REDIS_URL as string), {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  try {
    const kuzet = bed.spawnKuzet('start');
    await bed.waitReady();
    const flowing = await untilTrue(async () => (await count(bed, 'SELECT count(*) AS n FROM check_results')) > 5, 60_000);
    if (!flowing) problems.push('results did not flow before the outage');
    const siteBefore = await call(bed.url, 'GET', '/status');
    if (siteBefore.status !== 200) problems.push(`/status before the outage: ${siteBefore.status}`);

    say(`outage drill: ${dependency} stopped for ${seconds} s`);
    const stoppedAt = Date.now();
    const siteFailures: string[] = [];
    await server.stop();
    while (Date.now() - stoppedAt < seconds * 1000) {
      report.polls++;
      const [h, r, site, json] = await Promise.all([
        call(bed.url, 'GET', '/healthz', { timeoutMs: 3000 }),
        call(bed.url, 'GET', '/readyz', { timeoutMs: 5000 }),
        call(bed.url, 'GET', '/status', { timeoutMs: 5000 }),
        call(bed.url, 'GET', '/status.json', { timeoutMs: 5000 }),
      ]);
      if (h.status === 200) report.healthz++;
      const named = dependency === 'redis' ? /redis/i : /database/i;
      if (r.status === 503 && (r.json?.missing ?? []).some((m: string) => named.test(m))) report.readyzNamedIt++;
      if (site.status === 200 && json.status === 200) report.statusSiteServed++;
      else
        siteFailures.push(
          `/status ${site.status || 'no answer'}${site.status ? '' : ` (${site.error ?? ''})`}, /status.json ${json.status || 'no answer'}${json.status ? '' : ` (${json.error ?? ''})`}`,
        );
      if (kuzet.child.exitCode !== null || kuzet.child.signalCode !== null) {
        report.crashed = true;
        break;
      }
      await sleep(1000);
    }
    // The first poll may come before the health check notices; every later one must hold.
    if (report.healthz < report.polls) problems.push(`/healthz failed ${report.polls - report.healthz} of ${report.polls} polls`);
    if (report.readyzNamedIt < report.polls - 2)
      problems.push(`/readyz named ${dependency} in only ${report.readyzNamedIt} of ${report.polls} polls`);
    if (report.statusSiteServed < report.polls)
      problems.push(
        `the status site failed ${report.polls - report.statusSiteServed} of ${report.polls} polls: ${siteFailures.join('; ')}`,
      );
    if (dependency === 'postgres') {
      await redis.connect().catch(() => undefined);
      report.bufferedAtEnd = await redis.xlen(resultStreamKey(bed.prefix)).catch(() => -1);
      if (report.bufferedAtEnd <= 0) problems.push('no result waited in the Redis stream while PostgreSQL was away');
    }
    const restartedAt = Date.now();
    await server.start();
    say(`outage drill: ${dependency} back; waiting for kuzet to catch up`);
    const caughtUp = await untilTrue(async () => {
      const ready = await call(bed.url, 'GET', '/readyz', { timeoutMs: 3000 });
      if (ready.status !== 200) return false;
      const fresh = await count(bed, 'SELECT count(*) AS n FROM check_results WHERE at > $1', [new Date(restartedAt).toISOString()]);
      if (fresh < 5) return false;
      if (dependency === 'postgres') {
        await redis.connect().catch(() => undefined);
        return (await redis.xlen(resultStreamKey(bed.prefix))) < 20;
      }
      return true;
    }, 120_000);
    report.catchUpSeconds = (Date.now() - restartedAt) / 1000;
    if (!caughtUp) problems.push(`kuzet did not catch up within 120 s after ${dependency} came back`);
    report.resultsInWindow = await count(bed, 'SELECT count(*) AS n FROM check_results WHERE at > $1 AND at < $2', [
      new Date(stoppedAt + 2000).toISOString(),
      new Date(restartedAt - 1000).toISOString(),
    ]);
    if (dependency === 'redis' && report.resultsInWindow > 0)
      problems.push(`${report.resultsInWindow} results dated inside the Redis outage, when no check could run`);
    if (dependency === 'postgres' && report.resultsInWindow === 0 && seconds >= 10)
      problems.push('no result produced during the PostgreSQL outage was stored afterwards');
    report.silentRaised = (await count(bed, 'SELECT count(*) AS n FROM meta_silences')) > 0;
    if (kuzet.child.exitCode !== null || kuzet.child.signalCode !== null) report.crashed = true;
    if (report.crashed) problems.push('the kuzet process exited');
    const log = bed.log();
    report.unhandled = (log.match(/unhandled|uncaughtException|UnhandledPromiseRejection/gi) ?? []).length;
    if (report.unhandled > 0) problems.push(`${report.unhandled} unhandled errors in the log`);
    if (report.crashed || report.unhandled > 0) problems.push(`log tail: ${log.slice(-3000)}`);
    return report;
  } finally {
    redis.disconnect();
    await bed.close().catch(() => undefined);
    await server.destroy();
  }
}
