/**
 * Browser journeys per minute on this machine: one browser with a fresh context per run (what the
 * workers do) beside a fresh browser per run, the same journey through the same probe code; and the
 * memory each concurrent context costs (PSS of Chromium's processes, shared pages counted once).
 *
 * Run alone: `node --import tsx -e "import('./bench/browser.bench.ts').then(async (m) => console.log(await m.benchBrowser()))"`
 */
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortalSim } from '../demo/portal-sim.ts';
import { browserProbe } from '../probes/browser.probe.ts';
import { browserPool, closeBrowserPool, configureBrowserPool } from '../probes/browser/pool.ts';
import { runCheck } from '../probes/runner.ts';

const RUNS = 12;
const CONTEXTS = 4;
/**
 * Debian's `chromium-headless-shell` (the old headless mode, what Playwright itself uses headless):
 * measured beside `/usr/bin/chromium` when installed, since it opens a page for a fraction of the
 * browser-process CPU (about 144 ms per new page in the full browser, most of a run's cost here).
 */
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
const ids = { system: 'bench', target: 'portal', check: 'journey', region: 'astana' };

export async function benchBrowser(): Promise<Record<string, string | number>> {
  const sim = await startPortalSim({ port: 0 });
  const artifactsDir = mkdtempSync(join(tmpdir(), 'kuzet-bench-artifacts-'));
  const config = {
    baseUrl: sim.url,
    artifactsDir,
    steps: [
      { action: 'goto', url: '/', name: 'open homepage' },
      { action: 'expectText', text: 'Объявления' },
      { action: 'goto', url: '/ru/search/announce?q=', name: 'open search' },
      { action: 'expectVisible', selector: '[data-testid=results] [data-testid=result-row]', name: 'results listed' },
    ],
  };
  const minimal = { ...config, steps: config.steps.slice(0, 2) };
  const once = async (c: Record<string, unknown> = config) => {
    const r = await runCheck(browserProbe, c, ids, { timeoutMs: 60_000 });
    if (!r.ok) throw new Error(`bench journey failed: ${r.message}`);
  };
  const sequential = (c: Record<string, unknown>, fresh: boolean) =>
    timed(async () => {
      for (let i = 0; i < RUNS; i++) {
        if (fresh) await closeBrowserPool(); // the next run launches a new browser
        await once(c);
      }
    });
  const concurrent = (c: Record<string, unknown>) =>
    timed(async () => {
      await Promise.all(
        [0, 1].map(async (w) => {
          for (let i = w; i < RUNS; i += 2) await once(c);
        }),
      );
    });
  try {
    await configureBrowserPool({ concurrency: 2 });
    await once(); // warm-up: launch, tsx compile, first page

    const reuse = await sequential(config, false);
    const reuse2 = await concurrent(config);
    const reuseMin = await sequential(minimal, false);
    const fresh = await sequential(config, true);
    const freshMin = await sequential(minimal, true);
    const launches = browserPool().launchCount;
    const shell = installed(HEADLESS_SHELL) ? { ...config, executablePath: HEADLESS_SHELL } : undefined;
    let shellReuse = NaN;
    let shellFresh = NaN;
    if (shell) {
      await closeBrowserPool();
      await once(shell);
      shellReuse = await sequential(shell, false);
      shellFresh = await sequential(shell, true);
    }
    await closeBrowserPool();
    const memory = await contextMemory(sim.url);
    const perMin = (ms: number) => Math.round((RUNS / ms) * 60_000 * 10) / 10;
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      runs: RUNS,
      'journey A (homepage + search, 4 steps): journeys/min, one browser, fresh context per run': perMin(reuse),
      'journey A: journeys/min, one browser, 2 concurrent contexts': perMin(reuse2),
      'journey A: journeys/min, fresh browser per run': perMin(fresh),
      'journey A: ratio context reuse / fresh browser': ratio(fresh, reuse),
      'journey B (homepage only, 2 steps): journeys/min, one browser, fresh context per run': perMin(reuseMin),
      'journey B: journeys/min, fresh browser per run': perMin(freshMin),
      'journey B: ratio context reuse / fresh browser': ratio(freshMin, reuseMin),
      'ms per run A reuse / A fresh / B reuse / B fresh': [reuse, fresh, reuseMin, freshMin].map((ms) => Math.round(ms / RUNS)).join(' / '),
      'browser launches (1 warm-up + fresh series)': launches,
      [`journey A in ${HEADLESS_SHELL}: journeys/min reuse / fresh browser (ratio)`]: shell
        ? `${perMin(shellReuse)} / ${perMin(shellFresh)} (${ratio(shellFresh, shellReuse)})`
        : 'not installed (apt-get install -y chromium-headless-shell)',
      'browser PSS with no context, MB': memory.baseMb,
      [`PSS per concurrent context with a loaded page, MB (${CONTEXTS} contexts)`]: memory.perContextMb,
    };
  } finally {
    await closeBrowserPool();
    await sim.close();
    rmSync(artifactsDir, { recursive: true, force: true });
  }
}

function installed(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** PSS of the browser and every process in its group, MB: shared libraries are split among sharers, not counted N times. */
function groupPssMb(leader: number): number {
  let kb = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgid !== leader) continue;
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${name}/smaps_rollup`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // gone, or not ours to read
    }
  }
  return Math.round((kb / 1024) * 10) / 10;
}

async function contextMemory(url: string): Promise<{ baseMb: number; perContextMb: number }> {
  await configureBrowserPool({ concurrency: CONTEXTS });
  const pool = browserPool();
  const signal = new AbortController().signal;
  const first = await pool.lease('/usr/bin/chromium', {}, signal);
  await first.release();
  await new Promise((r) => setTimeout(r, 500));
  const pid = pool.browserPid;
  if (pid === undefined) return { baseMb: NaN, perContextMb: NaN };
  const baseMb = groupPssMb(pid);
  const leases = await Promise.all(
    Array.from({ length: CONTEXTS }, () => pool.lease('/usr/bin/chromium', { locale: 'ru-KZ', timezoneId: 'Asia/Almaty' }, signal)),
  );
  for (const l of leases) {
    const page = await l.context.newPage();
    await page.goto(`${url}/ru/search/announce?q=`);
  }
  await new Promise((r) => setTimeout(r, 500));
  const loadedMb = groupPssMb(pid);
  await Promise.all(leases.map((l) => l.release()));
  await closeBrowserPool();
  return { baseMb, perContextMb: Math.round(((loadedMb - baseMb) / CONTEXTS) * 10) / 10 };
}
