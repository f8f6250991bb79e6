/**
 * The order a check's browser is found in: configured path → system Chromium → headless shell → the
 * npm package; each missing source named in the error with the commands that fix it. Fake binaries
 * are executable files in a temp folder; the npm source is a fake loader (no Chromium starts here).
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NoBrowserError, resolveBrowser, type ResolveOptions } from './executable.ts';
import {
  browserEnv,
  extractTar,
  missingSystemLibs,
  npmChromium,
  npmChromiumDir,
  NpmChromiumUnavailable,
  type NpmChromium,
} from './npm-chromium.ts';

const dir = mkdtempSync(join(tmpdir(), 'kuzet-exe-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const bin = (name: string) => {
  const p = join(dir, name);
  writeFileSync(p, '#!/bin/sh\n');
  chmodSync(p, 0o755);
  return p;
};
const chromium = bin('chromium');
const shell = bin('chromium-headless-shell');
const plain = join(dir, 'not-executable');
writeFileSync(plain, '');
const absent = join(dir, 'absent');

const npmBrowser: NpmChromium = {
  executablePath: '/cache/chromium',
  version: '147.0.0',
  fontConfigFile: '/cache/fonts.conf',
  libDir: '/cache/lib',
  env: { FONTCONFIG_FILE: '/cache/fonts.conf' },
  unpackMs: 1200,
};
const withNpm: ResolveOptions['loadNpm'] = async () => npmBrowser;
const withoutNpm: ResolveOptions['loadNpm'] = async () => {
  throw new NpmChromiumUnavailable('@sparticuz/chromium is not installed');
};

describe('resolveBrowser', () => {
  const cases: Array<[string, string | undefined, ResolveOptions, { executablePath: string; source: string } | RegExp]> = [
    [
      'the configured path first',
      shell,
      { systemCandidates: [chromium], loadNpm: withNpm },
      { executablePath: shell, source: 'configured' },
    ],
    [
      'the system Chromium when none is configured',
      undefined,
      { systemCandidates: [chromium, shell], loadNpm: withNpm },
      { executablePath: chromium, source: 'system' },
    ],
    [
      'the headless shell when the full one is missing',
      undefined,
      { systemCandidates: [absent, plain, shell], loadNpm: withNpm },
      { executablePath: shell, source: 'system' },
    ],
    [
      'the npm Chromium on a machine without a system one',
      undefined,
      { systemCandidates: [absent], loadNpm: withNpm },
      { executablePath: '/cache/chromium', source: 'npm' },
    ],
    [
      'the npm Chromium when asked for it, even beside a system one',
      'npm',
      { systemCandidates: [chromium], loadNpm: withNpm },
      { executablePath: '/cache/chromium', source: 'npm' },
    ],
    [
      'only system ones for "system"',
      'system',
      { systemCandidates: [absent], loadNpm: withNpm },
      /^no Chromium found \(looked at .*absent\): install one: "npm install"/,
    ],
    [
      'an error naming every place looked at',
      undefined,
      { systemCandidates: [absent], loadNpm: withoutNpm },
      /^no Chromium found \(looked at .*absent, @sparticuz\/chromium; @sparticuz\/chromium is not installed\): install one: "npm install" \(the optional @sparticuz\/chromium, Linux x64\) or "apt-get install -y chromium"/,
    ],
    [
      'a configured path that is not there, without falling back',
      absent,
      { systemCandidates: [chromium], loadNpm: withNpm },
      /^Chromium not found at .*absent: install it with "apt-get install -y chromium"/,
    ],
    [
      'no npm source when left out',
      undefined,
      { systemCandidates: [], npm: false, loadNpm: withNpm },
      /^no Chromium found \(looked at \): /,
    ],
  ];
  for (const [name, configured, opts, expected] of cases) {
    it(`finds ${name}`, async () => {
      if (expected instanceof RegExp) {
        await assert.rejects(resolveBrowser(configured, opts), (e: unknown) => e instanceof NoBrowserError && expected.test(e.message));
      } else {
        const r = await resolveBrowser(configured, opts);
        assert.deepEqual({ executablePath: r.executablePath, source: r.source }, expected);
      }
    });
  }

  it('gives the npm browser its font configuration', async () => {
    const r = await resolveBrowser(undefined, { systemCandidates: [], loadNpm: withNpm });
    assert.deepEqual([r.env, r.unpackMs], [{ FONTCONFIG_FILE: '/cache/fonts.conf' }, 1200]);
  });
});

describe('extractTar', () => {
  function entry(name: string, body: string, type: '0' | '5' = '0'): Buffer {
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write('0000644\0', 100);
    h.write(`${Buffer.byteLength(body).toString(8).padStart(11, '0')}\0`, 124);
    h.write(type, 156);
    const data = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
    data.write(body);
    return Buffer.concat([h, data]);
  }
  it('writes the kept files and refuses paths that climb out', () => {
    const into = mkdtempSync(join(dir, 'tar-'));
    const tar = Buffer.concat([
      entry('fonts/', '', '5'),
      entry('fonts/a.ttf', 'A'),
      entry('fonts.conf', 'skip'),
      entry('fonts/../../evil', 'x'),
      Buffer.alloc(1024),
    ]);
    assert.deepEqual(
      extractTar(tar, into, (n) => n.startsWith('fonts/')),
      ['fonts/a.ttf'],
    );
  });
});

describe('the npm Chromium environment', () => {
  it('uses the package NSS libraries only where the system lacks one', () => {
    const libs = mkdtempSync(join(dir, 'libs-'));
    assert.deepEqual(missingSystemLibs([libs]), [
      'libnss3.so',
      'libnssutil3.so',
      'libnspr4.so',
      'libplc4.so',
      'libplds4.so',
      'libexpat.so.1',
    ]);
    for (const lib of ['libnss3.so', 'libnssutil3.so', 'libnspr4.so', 'libplc4.so', 'libplds4.so', 'libexpat.so.1'])
      writeFileSync(join(libs, lib), '');
    assert.deepEqual(missingSystemLibs([libs]), []);
    assert.deepEqual(browserEnv('/cache/c', []), { FONTCONFIG_FILE: '/cache/c/fonts.conf' });
    assert.deepEqual(browserEnv('/cache/c', ['libnss3.so'], '/opt/lib'), {
      FONTCONFIG_FILE: '/cache/c/fonts.conf',
      LD_LIBRARY_PATH: '/cache/c/lib:/opt/lib',
    });
  });
});

describe('the npm Chromium unpacked in a shared temp folder', () => {
  // A fake package: only its version and the presence of bin/chromium.br matter before unpacking.
  const pkg = mkdtempSync(join(dir, 'pkg-'));
  mkdirSync(join(pkg, 'bin'));
  writeFileSync(join(pkg, 'package.json'), '{"version":"0.0.1-test"}');
  writeFileSync(join(pkg, 'bin', 'chromium.br'), '');
  /** A cache root where someone already put a complete-looking copy, arranged by `plant`. */
  const planted = (plant: (copy: string, cacheRoot: string) => void) => {
    const cacheRoot = mkdtempSync(join(dir, 'cache-'));
    const copy = npmChromiumDir('0.0.1-test', cacheRoot);
    plant(copy, cacheRoot);
    return npmChromium({ packageDir: pkg, cacheRoot, systemLibDirs: [] });
  };
  const complete = (at: string, mode: number) => {
    mkdirSync(at, { mode });
    chmodSync(at, mode);
    writeFileSync(join(at, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(at, '.complete'), '0.0.1-test\n');
  };
  const refused = (why: RegExp) => (e: unknown) => e instanceof NpmChromiumUnavailable && why.test(e.message);

  it("runs this user's own copy", async () => {
    const b = await planted((copy) => complete(copy, 0o700));
    assert.match(b.executablePath, /kuzet-chromium-0\.0\.1-test-\d+\/chromium$/);
    assert.equal(b.unpackMs, undefined);
  });

  it('refuses a copy others may write', async () => {
    await assert.rejects(
      planted((copy) => complete(copy, 0o777)),
      refused(/may be written by other users/),
    );
  });

  it('refuses a link by that name to a copy elsewhere', async () => {
    await assert.rejects(
      planted((copy, root) => {
        complete(join(root, 'elsewhere'), 0o700);
        symlinkSync(join(root, 'elsewhere'), copy);
      }),
      refused(/is not a folder \(a link or a file\)/),
    );
  });

  it('refuses a copy another user made', { skip: userInfo().uid !== 0 && 'needs root to give the folder to another user' }, async () => {
    await assert.rejects(
      planted((copy) => {
        complete(copy, 0o755);
        chownSync(copy, 65534, 65534);
      }),
      refused(/belongs to uid 65534/),
    );
  });
});
