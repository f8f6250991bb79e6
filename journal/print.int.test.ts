/**
 * The journal prints as the form (issue #17 item 15): the XLSX and DOCX opened in LibreOffice
 * (headless, converted to PDF, as a clerk would print them) and kuzet's own PDF, read back with
 * `pdftotext`. On every page: A4 landscape, the 16 headers with every word whole and the 1–16
 * number row (the header rows repeat); in the document: every cell's full text.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test/support.ts';
import { headerWords } from './form-layout.ts';
import { ENTRIES, manyEntries } from './fixtures.test-support.ts';
import { HEADERS, LANGS, type Lang } from './labels.ts';
import type { JournalEntry } from './model.ts';
import { renderJournal } from './render.ts';
import { rowTexts } from './rows.ts';

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const NO_SOFFICE = has('soffice')
  ? false
  : 'LibreOffice (soffice) is not installed: apt-get install -y libreoffice-core libreoffice-writer libreoffice-calc (.ci/run installs it)';
const period = { from: '2026-01-01', to: '2026-12-31' };

/** Long enough to wrap over many lines in every column and to push the journal over several pages. */
const LONG: JournalEntry = {
  ...ENTRIES[0]!,
  number: 'APP-2026-0099',
  appealedAt: new Date('2026-06-01T10:00:00+05:00'),
  description:
    'При подаче заявки на участие в конкурсе по лоту 12345678-ОК1 система возвращает ошибку подписи ЭЦП; повторные попытки в течение часа безуспешны. '.repeat(
      3,
    ),
  measures:
    'Перезапуск сервиса подписи, очистка очереди сообщений, проверка сертификатов НУЦ РК, контроль журнала ошибок после восстановления.',
  recommendations: 'Мониторинг очереди подписи, резервный узел, учения по восстановлению раз в квартал.',
};
const entries = [...ENTRIES, LONG, ...manyEntries(24)];

const pdfText = (file: string, page?: number) =>
  execFileSync('pdftotext', ['-raw', ...(page ? ['-f', String(page), '-l', String(page)] : []), file, '-'], { encoding: 'utf8' });

/** Tokens as a header is measured: words, a word with a slash counting as two. */
const tokens = (text: string) => headerWords(text.replace(/\s+/g, ' ').trim());

function indexOfRun(hay: readonly string[], needle: readonly string[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** Whitespace and hyphens dropped: lines wrap anywhere in a data cell, and a cut word may get a hyphen. */
const squeeze = (s: string) => s.replace(/[\s\-‐]+/g, '');

function checkPrinted(file: string, lang: Lang, label: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  assert.match(info, /Page size:\s+841\.89 x 595\.\d+ pts \(A4\)/, `${label}: A4 landscape\n${info}`);
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  for (let p = 1; p <= pages; p++) {
    const words = tokens(pdfText(file, p));
    // Every header on every page, each word whole: a word broken inside would not match its token.
    for (const h of HEADERS[lang])
      assert.ok(indexOfRun(words, tokens(h)) >= 0, `${label} page ${p}: header «${h}» whole\n${words.join(' ')}`);
    assert.ok(
      indexOfRun(
        words,
        Array.from({ length: 16 }, (_, i) => String(i + 1)),
      ) >= 0,
      `${label} page ${p}: the number row 1–16`,
    );
  }
  const all = squeeze(pdfText(file));
  entries.forEach((e, i) => {
    for (const [k, t] of rowTexts(e, i + 1, lang).entries())
      if (t) assert.ok(all.includes(squeeze(t)), `${label}: row ${i + 1} column ${k + 1} «${t.slice(0, 60)}» in full`);
  });
  return pages;
}

describe('the journal prints as the form (LibreOffice headless, pdftotext)', () => {
  const dir = tempDir('kuzet-journal-print-');
  const files: Record<string, string> = {};
  after(() => dir.remove());

  before(async () => {
    for (const lang of LANGS) {
      for (const format of ['xlsx', 'docx', 'pdf'] as const) {
        // Distinct base names: LibreOffice names each PDF after its input.
        const file = join(dir.path, `${format}-${lang}.${format}`);
        writeFileSync(file, (await renderJournal(entries, { format, lang, period })).body);
        files[`${format}-${lang}`] = file;
      }
    }
  });

  it("kuzet's own PDF: every header word whole on every page, every cell in full", () => {
    for (const lang of LANGS) assert.ok(checkPrinted(files[`pdf-${lang}`]!, lang, `pdf ${lang}`) > 1, 'the fixture spans pages');
  });

  it(
    'XLSX and DOCX converted by LibreOffice: landscape, the header rows on every page, every header word whole, every cell in full',
    { skip: NO_SOFFICE, timeout: 240_000 },
    () => {
      const inputs = LANGS.flatMap((l) => [files[`xlsx-${l}`]!, files[`docx-${l}`]!]);
      // One LibreOffice start for all four files (the machine is shared).
      execFileSync(
        'soffice',
        [`-env:UserInstallation=file://${dir.path}/lo`, '--headless', '--convert-to', 'pdf', '--outdir', join(dir.path, 'lo'), ...inputs],
        { stdio: 'pipe', timeout: 200_000 },
      );
      for (const lang of LANGS) {
        for (const format of ['xlsx', 'docx']) {
          const pages = checkPrinted(join(dir.path, 'lo', `${format}-${lang}.pdf`), lang, `${format} ${lang} (LibreOffice)`);
          assert.ok(pages > 1, `${format} ${lang}: the fixture spans pages, so the repeated header rows are checked`);
        }
      }
    },
  );
});
