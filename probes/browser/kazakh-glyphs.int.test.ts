/**
 * Kazakh letters in screenshots are real glyphs in every browser choice: Debian's chromium, its
 * chromium-headless-shell, and the npm package's Chromium (with the system's fonts plus its own, and
 * with its own fonts alone, as on a host without any). Each letter is drawn in a box of its own and
 * the box's screenshot is compared with the box of a Private Use Area code point, which no font here
 * has: a letter drawn as the same tofu (or as nothing) gives the same pixels, hence the same PNG. And
 * the letters must differ from one another (a run of identical boxes in another font would not).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findNpmChromiumPackage, NpmChromiumUnavailable } from './npm-chromium.ts';
import { BrowserPool } from './pool.ts';

export const KAZAKH_LETTERS = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і', 'Ә', 'Ғ', 'Қ', 'Ң', 'Ө', 'Ұ', 'Ү', 'Һ', 'І'] as const;
/** U+E000, Private Use Area: no font here has it, so Chromium draws its missing-glyph box. */
const MISSING = '\uE000';

const BOX =
  'display:inline-block;width:56px;height:56px;line-height:56px;text-align:center;font-size:40px;font-family:sans-serif;vertical-align:top';
const PAGE = `<!doctype html><html lang="kk"><meta charset="utf-8"><body style="margin:8px;background:#fff;color:#000">
<p style="font:20px sans-serif">Сайт жұмыс істемейді: іздеу қызметі қолжетімсіз. Өтінімдерді қабылдау мерзімі ұзартылады.</p>
${[...KAZAKH_LETTERS, MISSING, ' '].map((c, i) => `<span id="g${i}" style="${BOX}">${c}</span>`).join('')}
</body></html>`;

function npmReason(): string | false {
  try {
    findNpmChromiumPackage();
    return false;
  } catch (err) {
    if (err instanceof NpmChromiumUnavailable) return err.message;
    throw err;
  }
}

const cacheRoot = mkdtempSync(join(tmpdir(), 'kuzet-glyphs-'));
const shots = process.env.KUZET_GLYPH_SHOTS; // where to keep the page screenshots for a person to look at (optional)
after(() => rmSync(cacheRoot, { recursive: true, force: true }));

const choices: Array<{
  name: string;
  executablePath: string;
  pool: ConstructorParameters<typeof BrowserPool>[0];
  skip: string | false;
  bundledNss?: true;
}> = [
  {
    name: "Debian's chromium",
    executablePath: '/usr/bin/chromium',
    pool: {},
    skip: existsSync('/usr/bin/chromium') ? false : '/usr/bin/chromium is not installed',
  },
  {
    name: "Debian's chromium-headless-shell",
    executablePath: '/usr/bin/chromium-headless-shell',
    pool: {},
    skip: existsSync('/usr/bin/chromium-headless-shell') ? false : '/usr/bin/chromium-headless-shell is not installed',
  },
  // No system candidates: what a machine without a system Chromium resolves to.
  {
    name: 'the npm Chromium (system and package fonts)',
    executablePath: '',
    pool: { browsers: { systemCandidates: [], npm: { cacheRoot } } },
    skip: npmReason(),
  },
  // As on a slim host: no system fonts and no NSS libraries, only what the package carries.
  {
    name: 'the npm Chromium (its own fonts and libraries only)',
    executablePath: '',
    pool: { browsers: { systemCandidates: [], npm: { cacheRoot, fonts: 'package', systemLibDirs: [] } } },
    skip: npmReason(),
    bundledNss: true,
  },
];

describe('Kazakh letters in screenshots', () => {
  for (const choice of choices) {
    it(`are glyphs, not tofu, in ${choice.name}`, { skip: choice.skip }, async () => {
      const pool = new BrowserPool({ concurrency: 1, ...choice.pool });
      try {
        const lease = await pool.lease(choice.executablePath || undefined, { locale: 'kk-KZ' }, AbortSignal.timeout(60_000));
        try {
          if (choice.bundledNss) {
            const maps = readFileSync(`/proc/${lease.browserPid}/maps`, 'utf8');
            assert.ok(maps.includes(`${cacheRoot}/`) && /\/lib\/libnss3\.so/.test(maps), 'the browser runs on the package NSS');
          }
          const page = await lease.context.newPage();
          await page.setContent(PAGE);
          await page.evaluate(() => document.fonts.ready);
          const shot = async (i: number) => page.locator(`#g${i}`).screenshot();
          const missing = await shot(KAZAKH_LETTERS.length);
          const blank = await shot(KAZAKH_LETTERS.length + 1);
          // A font's missing glyph may be a box (DejaVu) or nothing (Open Sans): a letter must look like neither.
          const tofu: string[] = [];
          const glyphs: Buffer[] = [];
          for (const [i, letter] of KAZAKH_LETTERS.entries()) {
            const g = await shot(i);
            if (g.equals(missing) || g.equals(blank)) tofu.push(letter);
            glyphs.push(g);
          }
          assert.deepEqual(tofu, [], `drawn as the missing-glyph box or nothing: ${tofu.join(' ')}`);
          assert.equal(new Set(glyphs.map((g) => g.toString('base64'))).size, KAZAKH_LETTERS.length, 'every letter has its own glyph');
          if (shots) writeFileSync(join(shots, `${choice.name.replace(/[^a-z]+/gi, '-')}.png`), await page.screenshot());
        } finally {
          await lease.release();
        }
      } finally {
        await pool.close();
      }
    });
  }
});
