/**
 * Which Chromium a browser check runs in, in this order: the check's configured `executablePath`,
 * then a system Chromium (Debian's `chromium`, then `chromium-headless-shell`), then the Chromium of
 * the optional npm dependency (npm-chromium.ts), so that `npm install` alone gives a working browser.
 *
 * `executablePath` may also name a source: `system` (system candidates only) or `npm` (the npm
 * package only), e.g. to run the demo in the npm browser on a machine that has a system one.
 */
import { accessSync, constants } from 'node:fs';
import { NPM_CHROMIUM_PACKAGE, npmChromium, NpmChromiumUnavailable, type NpmChromium, type NpmChromiumOptions } from './npm-chromium.ts';

/** System Chromium binaries looked for, in order. */
export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-headless-shell', '/usr/bin/chromium-browser'] as const;

export const BROWSER_SOURCES = ['configured', 'system', 'npm'] as const;
export type BrowserSource = (typeof BROWSER_SOURCES)[number];

/** Values of `executablePath` that name a source instead of a file. */
export const SOURCE_KEYWORDS = ['system', 'npm'] as const;

export interface ResolvedBrowser {
  executablePath: string;
  source: BrowserSource;
  /** Extra environment for the browser process (the npm browser's font configuration). */
  env: Record<string, string>;
  /** Set when the npm browser was unpacked by this call (ms). */
  unpackMs?: number;
}

export interface ResolveOptions {
  /** System binaries to try (default {@link SYSTEM_CHROMIUMS}); tests pass `[]` for a machine without one. */
  systemCandidates?: readonly string[];
  /** The npm browser: options, or `false` to leave it out. */
  npm?: NpmChromiumOptions | false;
  /** Replaces the npm browser lookup (tests). */
  loadNpm?: (opts: NpmChromiumOptions) => Promise<NpmChromium>;
}

/** No usable Chromium: every place looked at, and the commands that fix it. */
export class NoBrowserError extends Error {
  readonly code = 'browser_unavailable';
  constructor(
    message: string,
    readonly looked: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NoBrowserError';
  }
}

export const INSTALL_HINT = `install one: "npm install" (the optional ${NPM_CHROMIUM_PACKAGE}, Linux x64) or "apt-get install -y chromium" (Debian/Ubuntu)`;

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the browser for a check's `executablePath` (undefined: any, in the order above). */
export async function resolveBrowser(configured: string | undefined, opts: ResolveOptions = {}): Promise<ResolvedBrowser> {
  if (configured !== undefined && !(SOURCE_KEYWORDS as readonly string[]).includes(configured)) {
    if (!isExecutable(configured)) {
      throw new NoBrowserError(
        `Chromium not found at ${configured}: install it with "apt-get install -y chromium" (Debian), or set executablePath to a Chromium binary`,
        [configured],
      );
    }
    return { executablePath: configured, source: 'configured', env: {} };
  }
  const looked: string[] = [];
  if (configured !== 'npm') {
    for (const path of opts.systemCandidates ?? SYSTEM_CHROMIUMS) {
      looked.push(path);
      if (isExecutable(path)) return { executablePath: path, source: 'system', env: {} };
    }
  }
  if (configured !== 'system' && opts.npm !== false) {
    looked.push(NPM_CHROMIUM_PACKAGE);
    try {
      const b = await (opts.loadNpm ?? npmChromium)(opts.npm || {});
      return { executablePath: b.executablePath, source: 'npm', env: b.env, ...(b.unpackMs !== undefined ? { unpackMs: b.unpackMs } : {}) };
    } catch (err) {
      if (!(err instanceof NpmChromiumUnavailable)) throw err;
      throw new NoBrowserError(`no Chromium found (looked at ${looked.join(', ')}; ${err.message}): ${INSTALL_HINT}`, looked, {
        cause: err,
      });
    }
  }
  throw new NoBrowserError(`no Chromium found (looked at ${looked.join(', ')}): ${INSTALL_HINT}`, looked);
}
