/**
 * The Chromium that arrives with `npm install`: the optional dependency `@sparticuz/chromium` carries
 * a Linux x64 headless-shell build (Brotli-compressed), the NSS libraries it links against and the
 * Open Sans fonts (Latin, Cyrillic and the Kazakh letters ә ғ қ ң ө ұ ү һ і).
 *
 * We use the package's files, not its `executablePath()`: that one unpacks into the shared
 * `/tmp/chromium` and returns an existing file as done, so a second process starting while the first
 * still writes launches half a binary. Here each version unpacks once into its own folder, built
 * under a temporary name and renamed when complete. Its launch arguments are not used either: they
 * are for one-shot serverless runs (`--single-process`, no site isolation, web security off); the
 * pool launches it with kuzet's own (pool.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';

export const NPM_CHROMIUM_PACKAGE = '@sparticuz/chromium';

/** The unpacked browser and what it needs to find its fonts and libraries. */
export interface NpmChromium {
  executablePath: string;
  /** Package version (its Chromium's major version). */
  version: string;
  /** A fontconfig file: the system's configuration plus the package's fonts (Kazakh coverage on any host). */
  fontConfigFile: string;
  /** The package's NSS libraries, for hosts without `libnss3`. */
  libDir: string;
  /** Environment for the browser process. */
  env: Record<string, string>;
  /** How long unpacking took in this call, or undefined when it was already unpacked. */
  unpackMs: number | undefined;
}

/** Why the npm Chromium cannot be used here (not installed, another platform). */
export class NpmChromiumUnavailable extends Error {
  readonly code = 'npm_chromium_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NpmChromiumUnavailable';
  }
}

export interface NpmChromiumOptions {
  /** Where unpacked versions live (default: the OS temp folder). */
  cacheRoot?: string;
  /** The package's folder (default: resolved from this module). */
  packageDir?: string;
  /**
   * `system+package` (default): the system's fontconfig setup plus the package's fonts; `package`:
   * the package's fonts alone, as on a host with no fonts at all (the glyph test uses it).
   */
  fonts?: 'system+package' | 'package';
  /** Where the system's shared libraries are looked for (tests pass `[]` to run with the package's own). */
  systemLibDirs?: readonly string[];
}

/** The installed package's folder and version, or a reason why there is none. */
export function findNpmChromiumPackage(packageDir?: string): { dir: string; version: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new NpmChromiumUnavailable(`${NPM_CHROMIUM_PACKAGE} carries a Linux x64 Chromium; this is ${process.platform} ${process.arch}`);
  }
  let dir = packageDir;
  if (dir === undefined) {
    try {
      // The package exports only its entry points: find its folder from the CommonJS one (build/cjs/index.cjs).
      dir = dirname(dirname(dirname(createRequire(import.meta.url).resolve(NPM_CHROMIUM_PACKAGE))));
    } catch (err) {
      throw new NpmChromiumUnavailable(
        `${NPM_CHROMIUM_PACKAGE} is not installed (an optional dependency: "npm install" installs it unless optional dependencies are omitted)`,
        { cause: err },
      );
    }
  }
  let version: string;
  try {
    version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch (err) {
    throw new NpmChromiumUnavailable(`${NPM_CHROMIUM_PACKAGE} at ${dir} has no readable package.json`, { cause: err });
  }
  if (!existsSync(join(dir, 'bin', 'chromium.br')))
    throw new NpmChromiumUnavailable(`${NPM_CHROMIUM_PACKAGE} ${version} at ${dir} has no bin/chromium.br`);
  return { dir, version };
}

/** The folder a version unpacks into (per user: a shared temp folder must not hand one user's binary to another). */
export function npmChromiumDir(version: string, cacheRoot = tmpdir()): string {
  return join(cacheRoot, `kuzet-chromium-${version}-${userInfo().uid}`);
}

const COMPLETE = '.complete';
const unpacking = new Map<string, Promise<NpmChromium>>();

/** Unpacks the package's Chromium once (≈1–2 s) and returns it; later calls return at once. */
export function npmChromium(opts: NpmChromiumOptions = {}): Promise<NpmChromium> {
  const pkg = findNpmChromiumPackage(opts.packageDir);
  const dir = npmChromiumDir(pkg.version, opts.cacheRoot);
  let p = unpacking.get(dir);
  if (!p) {
    p = unpack(pkg.dir, pkg.version, dir);
    unpacking.set(dir, p);
    p.catch(() => unpacking.delete(dir));
  }
  return p.then((b) => {
    const env = browserEnv(dir, missingSystemLibs(opts.systemLibDirs));
    if (opts.fonts !== 'package') return { ...b, env };
    return { ...b, fontConfigFile: join(dir, PACKAGE_FONTS_CONF), env: { ...env, FONTCONFIG_FILE: join(dir, PACKAGE_FONTS_CONF) } };
  });
}

const PACKAGE_FONTS_CONF = 'fonts-package-only.conf';

async function unpack(packageDir: string, version: string, dir: string): Promise<NpmChromium> {
  const describe = (unpackMs: number | undefined): NpmChromium => ({
    executablePath: join(dir, 'chromium'),
    version,
    fontConfigFile: join(dir, 'fonts.conf'),
    libDir: join(dir, 'lib'),
    env: {},
    unpackMs,
  });
  if (existsSync(join(dir, COMPLETE))) {
    refuseForeignDir(dir);
    return describe(undefined);
  }
  const started = performance.now();
  const work = `${dir}.partial-${randomUUID()}`;
  mkdirSync(work, { recursive: true, mode: 0o700 });
  try {
    const bin = join(packageDir, 'bin');
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress({ chunkSize: 2 ** 21 }),
      createWriteStream(join(work, 'chromium'), { mode: 0o755 }),
    );
    extractTar(brotliDecompressSync(readFileSync(join(bin, 'fonts.tar.br'))), work, (name) => name.startsWith('fonts/'));
    if (existsSync(join(bin, 'al2023.tar.br')))
      extractTar(brotliDecompressSync(readFileSync(join(bin, 'al2023.tar.br'))), work, (name) => name.startsWith('lib/'));
    writeFileSync(join(work, 'fonts.conf'), fontConfig(dir, true));
    writeFileSync(join(work, PACKAGE_FONTS_CONF), fontConfig(dir, false));
    writeFileSync(join(work, COMPLETE), `${version}\n`);
    try {
      renameSync(work, dir);
    } catch (err) {
      // Another process finished first: use its copy.
      if (!existsSync(join(dir, COMPLETE))) throw err;
      rmSync(work, { recursive: true, force: true });
      refuseForeignDir(dir);
      return describe(undefined);
    }
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw new NpmChromiumUnavailable(`could not unpack ${NPM_CHROMIUM_PACKAGE} ${version} into ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return describe(Math.round(performance.now() - started));
}

/**
 * An unpacked copy found in place is run only when it is a real folder of this user that no one else
 * may write: the temp folder is shared, and any local user could otherwise create
 * `kuzet-chromium-<version>-<uid>` first (or a link by that name) holding a binary of their own for
 * kuzet to launch.
 */
function refuseForeignDir(dir: string): void {
  const problem = foreignUnpackDir(dir);
  if (problem) throw new NpmChromiumUnavailable(problem);
}

/** Why the unpacked copy at `dir` is not run (see above), or undefined when it is this user's own; `kuzet doctor` says it too. */
export function foreignUnpackDir(dir: string): string | undefined {
  const s = lstatSync(dir);
  const uid = userInfo().uid;
  const problem = !s.isDirectory()
    ? 'is not a folder (a link or a file)'
    : s.uid !== uid
      ? `belongs to uid ${s.uid}, not ${uid}`
      : (s.mode & 0o022) !== 0
        ? 'may be written by other users'
        : undefined;
  return problem && `${dir} ${problem}: refusing to run a browser from it; remove it and kuzet unpacks its own`;
}

/** Shared libraries the binary links against beyond glibc; the package carries them (its al2023 archive). */
export const BUNDLED_LIBS = ['libnss3.so', 'libnssutil3.so', 'libnspr4.so', 'libplc4.so', 'libplds4.so', 'libexpat.so.1'] as const;
const SYSTEM_LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib'];

/** Which of {@link BUNDLED_LIBS} the system lacks (a slim container without Chromium lacks NSS). */
export function missingSystemLibs(dirs: readonly string[] = SYSTEM_LIB_DIRS): string[] {
  return BUNDLED_LIBS.filter((lib) => !dirs.some((d) => existsSync(join(d, lib))));
}

/**
 * The browser's environment: its font configuration, and the package's libraries only when the
 * system lacks one (else the system's, kept up to date by its package manager, are used).
 */
export function browserEnv(
  dir: string,
  missingLibs: readonly string[],
  ldLibraryPath = process.env.LD_LIBRARY_PATH,
): Record<string, string> {
  const env: Record<string, string> = { FONTCONFIG_FILE: join(dir, 'fonts.conf') };
  if (missingLibs.length > 0) env.LD_LIBRARY_PATH = [join(dir, 'lib'), ...(ldLibraryPath ? [ldLibraryPath] : [])].join(':');
  return env;
}

/**
 * The system's fontconfig setup (when there is one) plus the package's fonts: the system's fonts
 * keep their aliases, and Kazakh text has glyphs even where the system has no Cyrillic font.
 */
function fontConfig(dir: string, system: boolean): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
${system ? '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' : ''}  <dir>${dir}/fonts</dir>
  <cachedir>${dir}/fontconfig-cache</cachedir>
</fontconfig>
`;
}

/** A minimal ustar reader for the package's two small archives: regular files and folders only. */
export function extractTar(tar: Buffer, into: string, keep: (name: string) => boolean): string[] {
  const written: string[] = [];
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) =>
      header
        .subarray(start, start + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const body = off + 512;
    off = body + Math.ceil(size / 512) * 512;
    if (!keep(name) || name.split('/').includes('..') || name.startsWith('/')) continue;
    const target = join(into, name);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, tar.subarray(body, body + size), { mode: parseInt(field(100, 8).trim() || '644', 8) & 0o755 });
      written.push(name);
    }
  }
  return written;
}
