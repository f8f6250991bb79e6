/**
 * Start-up (#19 "compiled code in production", #21 item 9): `kuzet start` on the embedded defaults —
 * time from spawn to the first 200 from /healthz on an existing PGlite database (the first start, which
 * creates it, apart), and RSS then and 3 s later — on the compiled code
 * (a tree like the Docker image: package.json, bin/, dist/) and on the TypeScript sources through
 * tsx; and the wall time of `kuzet --help` and of a rules command (`kuzet deadlines`) both ways. Each
 * beside a bare `node -e 0` measured in the same run. Target: rules commands and --help under 1 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { compiledTree, REPO } from '../cli/compiled.test-support.ts';
import { dropRedisPrefix, tempDir, uniqueName } from '../test/support.ts';

const RUNS = 5;
const STARTS = 3;
const TARGET_MS = 1000;

type Mode = 'dist' | 'tsx';

/** The node arguments that run `kuzet ARGS` from the compiled tree, or from the sources as bin/kuzet.mjs does without a fresh dist/. */
function kuzetArgv(mode: Mode, bin: string, args: string[]): string[] {
  if (mode === 'dist') return [bin, ...args];
  const script = `const { register } = await import('tsx/esm/api'); register();
const { main } = await import(${JSON.stringify(join(REPO, 'cli/main.ts'))});
await main(${JSON.stringify(['node', 'kuzet', ...args])});`;
  return ['--input-type=module', '-e', script];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Median wall time of RUNS runs after one warm-up (which fills tsx's transform cache). */
function wallMs(argv: string[], cwd: string): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, argv, { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node ${argv.slice(0, 2).join(' ')} … exited ${r.status}: ${r.stderr}`);
    if (i > 0) times.push(performance.now() - t0);
  }
  return median(times);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** A PGlite directory and Redis prefix for one mode's starts; the first start (not counted) creates the database. */
function startPlace() {
  const dir = tempDir('kuzet-bench-start-');
  const prefix = uniqueName('kuzet_bench_start');
  const config = join(dir.path, 'kuzet.yaml');
  writeFileSync(config, `storage: { dataDir: "${join(dir.path, 'data')}" }\nredis: { prefix: ${prefix} }\n`);
  return {
    dir: dir.path,
    config,
    remove: async () => {
      dir.remove();
      await dropRedisPrefix(prefix);
    },
  };
}

/** One start on an existing database: ms from spawn to the first 200 from /healthz, RSS then and 3 s later. */
async function startOnce(mode: Mode, bin: string, place: { dir: string; config: string }) {
  const { dir, config } = place;
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', REDIS_URL: '', PORT: '' };
  const t0 = performance.now();
  const p = spawn(process.execPath, kuzetArgv(mode, bin, ['start', '--config', config, '--port', String(port)]), {
    cwd: mode === 'dist' ? dir : REPO,
    env,
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (p.exitCode !== null) throw new Error(`kuzet start (${mode}) exited ${p.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (performance.now() - t0 > 120_000) throw new Error(`kuzet start (${mode}): no 200 from /healthz within 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - t0;
    const rss = rssMb(p.pid as number);
    await new Promise((r) => setTimeout(r, 3000));
    return { ms, rss, rssSettled: rssMb(p.pid as number) };
  } finally {
    const exited = new Promise((r) => p.once('exit', r));
    if (p.exitCode === null) p.kill('SIGTERM');
    await exited;
  }
}

export async function startFigures(mode: Mode, bin: string) {
  const place = startPlace();
  try {
    const first = await startOnce(mode, bin, place);
    const runs = [];
    for (let i = 0; i < STARTS; i++) runs.push(await startOnce(mode, bin, place));
    return {
      first: first.ms,
      ms: median(runs.map((r) => r.ms)),
      rss: median(runs.map((r) => r.rss)),
      rssSettled: median(runs.map((r) => r.rssSettled)),
    };
  } finally {
    await place.remove();
  }
}

/** The worked example of the README: a medium-level incident and its procurements. */
const DEADLINES_INPUT = join(REPO, 'docs/examples/deadlines-medium.json');

export async function benchStartup(): Promise<Record<string, string | number>> {
  const tree = compiledTree();
  const work = tempDir('kuzet-bench-cli-');
  try {
    const input = DEADLINES_INPUT;
    const baseline = wallMs(['-e', '0'], work.path);
    const x = (ms: number) => `${(ms / baseline).toFixed(1)}× node -e 0`;
    const out: Record<string, string | number> = { 'dist/': tree.dist, 'node -e 0 (baseline), ms': Math.round(baseline) };
    const cwd = (mode: Mode) => (mode === 'dist' ? work.path : REPO);
    for (const mode of ['dist', 'tsx'] as const) {
      const help = wallMs(kuzetArgv(mode, tree.bin, ['--help']), cwd(mode));
      const rules = wallMs(kuzetArgv(mode, tree.bin, ['deadlines', '--input', input]), cwd(mode));
      out[`kuzet --help (${mode}), ms`] = `${Math.round(help)} (${x(help)})`;
      out[`kuzet deadlines (${mode}), ms`] = `${Math.round(rules)} (${x(rules)}; target < ${TARGET_MS})`;
    }
    for (const mode of ['dist', 'tsx'] as const) {
      const s = await startFigures(mode, tree.bin);
      out[`kuzet start (${mode}): first 200, ms`] = `${Math.round(s.ms)} (${x(s.ms)}; a new database: ${Math.round(s.first)})`;
      out[`kuzet start (${mode}): RSS at 200 / +3 s, MB`] = `${Math.round(s.rss)} / ${Math.round(s.rssSettled)}`;
    }
    return out;
  } finally {
    work.remove();
    tree.remove();
  }
}
