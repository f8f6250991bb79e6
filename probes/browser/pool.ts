/**
 * One Chromium per process, shared by every browser check a worker runs. Each run gets a fresh
 * context (cookies, storage and cache isolated) from the running browser: a new context costs
 * ~30 ms where a launch costs ~260 ms and tens of MB. A semaphore bounds concurrent contexts, since
 * each renderer costs memory and CPU on small worker machines.
 *
 * The browser is launched lazily and relaunched when it disconnects (crash, kill) or hangs (a new
 * context does not come within {@link HANG_MS}). No Chromium outlives the process: Playwright
 * starts it as a process-group leader and kills the group on `exit`; we kill it ourselves too, and
 * {@link closeBrowserPool} closes it on shutdown.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, BrowserType } from 'playwright-core';
import { raceAbort } from '../abort.ts';
import { NoBrowserError, resolveBrowser, type BrowserSource, type ResolveOptions } from './executable.ts';

/**
 * The flags of the issue: headless, no sandbox (containers), nothing that phones home. Debian's
 * build also starts two `chrome_crashpad_handler`s that daemonize (parent: init, own process group);
 * they exit by themselves within a second of the browser, killed or closed.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export const DEFAULT_EXECUTABLE = '/usr/bin/chromium';
export const DEFAULT_CONCURRENCY = 2;
/** A healthy browser opens a context in ~30 ms; one that takes this long is treated as hung. */
export const HANG_MS = 15_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 5_000;

/** Chromium is missing or cannot start: kuzet's own problem (`internal`), not the target's. */
export class BrowserUnavailableError extends Error {
  readonly code = 'browser_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserUnavailableError';
  }
}

export interface BrowserPoolOptions {
  /** Concurrent contexts (journeys) at most; default 2. */
  concurrency?: number;
  /** A new context slower than this means the browser hangs: it is killed and relaunched. Default {@link HANG_MS}. */
  hangMs?: number;
  /** Extra Chromium flags (tests). */
  extraArgs?: readonly string[];
  /** Where a check without `executablePath` finds Chromium (executable.ts; tests leave out the system ones). */
  browsers?: ResolveOptions;
}

interface Slot {
  /** The check's `executablePath` as configured ('' when not set): the key a running browser is reused for. */
  executablePath: string;
  source: BrowserSource;
  browser: Browser;
  pid: number | undefined;
  dead: boolean;
}

/** A leased context; `release()` closes it and frees the concurrency slot (idempotent). */
export interface ContextLease {
  context: BrowserContext;
  /** The pid of the browser process (for tests that kill it), when found. */
  browserPid: number | undefined;
  release(): Promise<void>;
}

export class BrowserPool {
  readonly concurrency: number;
  private readonly extraArgs: readonly string[];
  private readonly hangMs: number;
  private readonly browsers: ResolveOptions;
  private slot: Slot | undefined;
  private launching: Promise<Slot> | undefined;
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private launches = 0;
  private readonly onExit = () => this.killNow();

  constructor(opts: BrowserPoolOptions = {}) {
    this.concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    this.extraArgs = opts.extraArgs ?? [];
    this.hangMs = opts.hangMs ?? HANG_MS;
    this.browsers = opts.browsers ?? {};
  }

  /** How many times a browser was launched (tests and the benchmark read it). */
  get launchCount(): number {
    return this.launches;
  }

  /** The pid of the running browser, if any. */
  get browserPid(): number | undefined {
    return this.slot && !this.slot.dead ? this.slot.pid : undefined;
  }

  /**
   * Waits for a free slot, makes sure a live browser runs, and opens a fresh context. Rejects with
   * the signal's reason when it aborts first, and with {@link BrowserUnavailableError} when Chromium
   * cannot start. Without `executablePath` the browser is found as executable.ts says.
   */
  async lease(executablePath: string | undefined, options: BrowserContextOptions, signal: AbortSignal): Promise<ContextLease> {
    await this.acquire(signal);
    let released = false;
    const free = () => {
      if (released) return;
      released = true;
      this.releaseSlot();
    };
    try {
      const slot = await this.browserFor(executablePath ?? '', signal);
      const context = await this.newContext(slot, options, signal);
      return {
        context,
        browserPid: slot.pid,
        release: async () => {
          if (released) return;
          const ok = await closeWithin(context.close(), CLOSE_GRACE_MS);
          if (!ok) this.kill(slot); // a context that will not close means the browser is stuck
          free();
        },
      };
    } catch (err) {
      free();
      throw err;
    }
  }

  /** Closes the browser (killing it if it does not close in time). Leases in flight fail. */
  async close(): Promise<void> {
    const slot = this.slot ?? (await this.launching?.catch(() => undefined));
    this.slot = undefined;
    if (!slot || slot.dead) return;
    slot.dead = true;
    const ok = await closeWithin(slot.browser.close(), CLOSE_GRACE_MS);
    if (!ok) killGroup(slot.pid);
    process.off('exit', this.onExit);
  }

  private async acquire(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.active < this.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted while waiting for a browser slot'));
      };
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.active--;
  }

  private async browserFor(executablePath: string, signal: AbortSignal): Promise<Slot> {
    const current = this.slot;
    if (current && !current.dead && current.executablePath === executablePath && current.browser.isConnected()) return current;
    if (current && current.executablePath !== executablePath) await this.close();
    // A run that was already cut by its timeout must not start a browser nobody will close.
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted before the browser started');
    this.launching ??= this.launch(executablePath).finally(() => {
      this.launching = undefined;
    });
    return raceAbort(this.launching, signal);
  }

  private async launch(executablePath: string): Promise<Slot> {
    let found;
    try {
      found = await resolveBrowser(executablePath || undefined, this.browsers);
    } catch (err) {
      if (err instanceof NoBrowserError) throw new BrowserUnavailableError(err.message, { cause: err });
      throw err;
    }
    const marker = `--kuzet-pool=${randomUUID()}`;
    let browser: Browser;
    try {
      const { chromium } = await loadPlaywright();
      browser = await chromium.launch({
        executablePath: found.executablePath,
        ...(Object.keys(found.env).length > 0 ? { env: { ...process.env, ...found.env } } : {}),
        headless: true,
        args: [...CHROMIUM_ARGS, ...this.extraArgs, marker],
        timeout: LAUNCH_TIMEOUT_MS,
        // kuzet owns SIGINT/SIGTERM (graceful shutdown) and SIGHUP (reload); Playwright must not act on them.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      throw new BrowserUnavailableError(`Chromium at ${found.executablePath} (${found.source}) did not start: ${firstLine(err)}`, {
        cause: err,
      });
    }
    this.launches++;
    const slot: Slot = { executablePath, source: found.source, browser, pid: findPidByArg(marker), dead: false };
    browser.on('disconnected', () => {
      slot.dead = true;
      if (this.slot === slot) this.slot = undefined;
    });
    process.off('exit', this.onExit);
    process.on('exit', this.onExit);
    this.slot = slot;
    return slot;
  }

  private async newContext(slot: Slot, options: BrowserContextOptions, signal: AbortSignal): Promise<BrowserContext> {
    const opening = slot.browser.newContext(options);
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new BrowserUnavailableError(
              `Chromium did not open a context within ${this.hangMs / 1000} s (hung?); it was killed and is relaunched on the next run`,
            ),
          ),
        this.hangMs,
      );
    });
    try {
      return await raceAbort(Promise.race([opening, hung]), signal);
    } catch (err) {
      // A context that arrives after we gave up must not leak.
      opening.then((c) => c.close()).catch(() => undefined);
      if (err instanceof BrowserUnavailableError) this.kill(slot);
      if (!slot.browser.isConnected()) slot.dead = true;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills a stuck browser's whole process group; the next lease launches a new one. */
  private kill(slot: Slot): void {
    slot.dead = true;
    if (this.slot === slot) this.slot = undefined;
    killGroup(slot.pid);
  }

  private killNow(): void {
    if (this.slot) killGroup(this.slot.pid);
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL'); // Playwright spawns Chromium detached: it leads its own process group
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Finds our browser among this process's children by the unique flag it was launched with (Linux /proc). */
function findPidByArg(marker: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(marker)) return Number(name);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

async function closeWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

let defaultPool: BrowserPool | undefined;

/** The process's pool, created on first use with {@link DEFAULT_CONCURRENCY}. */
export function browserPool(): BrowserPool {
  defaultPool ??= new BrowserPool();
  return defaultPool;
}

let playwright: Promise<{ chromium: BrowserType }> | undefined;

/**
 * playwright-core, loaded once. A worker without journeys never loads it (~80 MB). Loading evaluates
 * the module synchronously for a few hundred ms, so a worker with journeys loads it at start
 * ({@link configureBrowserPool} `preload`), not in the middle of its first checks, whose timers and
 * latencies it would stall.
 */
export function loadPlaywright(): Promise<{ chromium: BrowserType }> {
  playwright ??= import('playwright-core').then((m) => {
    playwrightLoaded = true;
    return m;
  });
  return playwright;
}
let playwrightLoaded = false;

/** Whether this process has loaded playwright-core (tests of the lazy load and the preload read it). */
export function isPlaywrightLoaded(): boolean {
  return playwrightLoaded;
}

/**
 * Sets the process's pool options (e.g. `concurrency` from a worker flag). Call before the first
 * browser check runs; a running browser is closed and relaunched on next use.
 */
export async function configureBrowserPool(opts: BrowserPoolOptions & { preload?: boolean }): Promise<void> {
  await defaultPool?.close();
  const { preload, ...pool } = opts;
  defaultPool = new BrowserPool(pool);
  if (preload) await loadPlaywright();
}

/** For worker shutdown: closes the process's browser. Safe to call when none was launched. */
export async function closeBrowserPool(): Promise<void> {
  await defaultPool?.close();
}
