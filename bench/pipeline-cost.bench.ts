/**
 * The cost of a check (issue #19 goals 1 and 3): `kuzet start` as a child process on a private Redis
 * (and a private PostgreSQL), so that the CPU read from /proc and `INFO cpu` is kuzet's alone and not
 * that of the other users of the machine's shared servers. For each engine and load it prints CPU-s
 * per 1,000 checks of kuzet, Redis, PostgreSQL and their total, the share of one core, the p99 start
 * lateness, and at 1,000 checks the resident memory; beside them, the CPU-s per 1,000 requests of a
 * bare keep-alive request loop against the same target in the same run.
 *
 * Start lateness is measured where the request arrives (the target), per check: run k of a check is
 * due at phase + k·interval, the phase being that check's earliest scheduled run (so a run is late by
 * how much it trails the check's best run; a scheduler that drifts shows as growing lateness). A
 * check's first arrival is left out: a new check runs once at once, by design, and its schedule then
 * starts at its bucket's phase (up to one interval later), so that first run is early, never late;
 * counting it as the phase made every later run look up to half an interval late.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivatePostgres, startPrivateRedis, type PrivateServer } from '../test/drills/private-services.ts';
import { tempDir, uniqueName } from '../test/support.ts';
import { distState } from '../bin/dist.mjs';
import { postmasterPid, redisCpu, rssMb, treeCpu } from './proc-cpu.ts';
import { bareLoop, pct, startTarget, yamlFor, type Target } from './pipeline.bench.ts';

const here = new URL('.', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Load {
  label: string;
  checks: number;
  intervalS: number;
  /** Measured span: whole intervals, so every check counts the same number of runs. */
  windowS: number;
}

const LOADS: Load[] = [
  { label: '1000_20s', checks: 1000, intervalS: 20, windowS: 40 },
  { label: '10000_60s', checks: 10_000, intervalS: 60, windowS: 60 },
  // The fixed cost: one check a minute, so nearly all of the CPU is what kuzet spends per second doing nothing.
  { label: 'idle', checks: 1, intervalS: 60, windowS: 60 },
];

interface Servers {
  redis: PrivateServer;
  pg: PrivateServer;
  pgPid: number | undefined;
}

/** Lateness (ms) of every run logged inside [from, to): see the file comment. */
function lateness(arrivals: Record<string, number[]>, intervalMs: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (const ts of Object.values(arrivals)) {
    const scheduled = ts.slice(1);
    const t0 = scheduled[0];
    if (t0 === undefined) continue;
    const k = scheduled.map((t) => Math.round((t - t0) / intervalMs));
    const phase = Math.min(...scheduled.map((t, i) => t - k[i]! * intervalMs));
    scheduled.forEach((t, i) => {
      if (t >= from && t < to) out.push(t - (phase + k[i]! * intervalMs));
    });
  }
  return out;
}

async function waitAllRan(target: Target, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (Object.keys((await target.report()).arrivals).length >= n) return;
    await sleep(1000);
  }
}

async function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
}

const cpuNow = async (kuzetPid: number, s: Servers, pg: boolean) => ({
  kuzet: treeCpu(kuzetPid),
  redis: await redisCpu(s.redis.url),
  pg: pg && s.pgPid ? treeCpu(s.pgPid) : 0,
  at: Date.now(),
  hits: 0,
});

async function costRun(engine: 'pglite' | 'postgres', load: Load, target: Target, s: Servers, out: Record<string, string | number>) {
  const dir = tempDir('kuzet-cost-');
  const prefix = uniqueName('kzcost');
  const cfgPath = join(dir.path, 'kuzet.yaml');
  writeFileSync(cfgPath, yamlFor(target.url, load.checks, `${load.intervalS}s`, join(dir.path, 'data'), prefix, s.redis.url));
  const env = engine === 'postgres' ? { DATABASE_URL: s.pg.url, DATABASE_SCHEMA: prefix } : { DATABASE_URL: '' };
  target.send('log');
  // KUZET_BENCH_CPU_PROF=<dir>: each kuzet started here writes a V8 CPU profile there when it stops.
  const prof = process.env.KUZET_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KUZET_BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, join(here, '..', 'bin', 'kuzet.mjs'), 'start', '--config', cfgPath, '--port', '0'], {
    stdio: 'ignore',
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  try {
    const started = Date.now();
    await waitAllRan(target, load.checks, 120_000);
    const name = `cost.${engine}.${load.label}`;
    out[`${name}.first_round_s`] = Number(((Date.now() - started) / 1000).toFixed(1));
    await sleep(3000);
    const a = await cpuNow(child.pid!, s, engine === 'postgres');
    const h0 = (await target.report()).hits;
    await sleep(load.windowS * 1000);
    const b = await cpuNow(child.pid!, s, engine === 'postgres');
    const report = await target.report();
    if (load.checks === 1000) out[`${name}.rss_mb`] = rssMb(child.pid!);
    const runs = report.hits - h0;
    if (load.label === 'idle') {
      const perS = (x: number) => Number(((x * 1000) / ((b.at - a.at) / 1000)).toFixed(1));
      out[`cost.${engine}.idle.cpu_ms_per_s.kuzet`] = perS(b.kuzet - a.kuzet);
      out[`cost.${engine}.idle.cpu_ms_per_s.redis`] = perS(b.redis - a.redis);
      if (engine === 'postgres') out[`cost.${engine}.idle.cpu_ms_per_s.postgres`] = perS(b.pg - a.pg);
      out[`cost.${engine}.idle.cpu_ms_per_s.total`] = perS(b.kuzet - a.kuzet + b.redis - a.redis + b.pg - a.pg);
      return;
    }
    const per1000 = (x: number) => Number(((x * 1000) / runs).toFixed(2));
    const kuzet = b.kuzet - a.kuzet;
    const redis = b.redis - a.redis;
    const pg = b.pg - a.pg;
    out[`${name}.checks_done_of_offered`] = Number((runs / ((load.checks * load.windowS) / load.intervalS)).toFixed(2));
    out[`${name}.cpu_s_per_1000.kuzet`] = per1000(kuzet);
    out[`${name}.cpu_s_per_1000.redis`] = per1000(redis);
    if (engine === 'postgres') out[`${name}.cpu_s_per_1000.postgres`] = per1000(pg);
    out[`${name}.cpu_s_per_1000.total`] = per1000(kuzet + redis + pg);
    out[`${name}.core_share_pct`] = Number(((100 * (kuzet + redis + pg)) / ((b.at - a.at) / 1000)).toFixed(1));
    out[`${name}.start_lateness_p99_ms`] = pct(lateness(report.arrivals, load.intervalS * 1000, a.at, b.at), 99);
  } finally {
    target.send('stop-log');
    await exitOf(child);
    dir.remove();
  }
}

/** Bare keep-alive loop: CPU-s per 1,000 requests of this process, the same requests as the checks. */
async function bareCost(target: Target, out: Record<string, string | number>) {
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  const perSec = await bareLoop(target.url, 10, 5000);
  const c = process.cpuUsage(c0);
  const n = (perSec * (Date.now() - t0)) / 1000;
  out['cost.bare_loop.cpu_s_per_1000'] = Number((((c.user + c.system) / 1e6) * (1000 / n)).toFixed(2));
}

export async function benchPipelineCost(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  // What production runs (goal: compiled code): build dist/ when it is not built from these sources.
  const root = join(here, '..');
  if (distState(root) !== 'fresh') execFileSync(process.execPath, [join(root, 'bin', 'build.mjs')], { stdio: 'ignore' });
  out['cost.code'] = distState(root) === 'fresh' ? 'dist (compiled)' : 'sources through tsx';
  const target = await startTarget();
  const redis = await startPrivateRedis();
  const pg = await startPrivatePostgres();
  const s: Servers = { redis, pg, pgPid: postmasterPid(pg.port) };
  try {
    await bareCost(target, out);
    const only = process.env.KUZET_BENCH_COST?.split(',');
    for (const engine of ['postgres', 'pglite'] as const)
      for (const load of LOADS) {
        if (only && !only.includes(`${engine}.${load.label}`)) continue;
        await costRun(engine, load, target, s, out);
      }
    out['cost.target_cpu_s_per_1000'] = 1.0;
    out['cost.target_lateness_p99_ms'] = 1000;
    out['cost.target_rss_mb'] = '200 (postgres) / 256 (pglite)';
  } finally {
    target.stop();
    await redis.destroy();
    await pg.destroy();
  }
  return out;
}
