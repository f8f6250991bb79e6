import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { parseConfig } from '../core/config.ts';
import { InputError, KuzetError } from '../core/errors.ts';
import { ENTRIES } from './fixtures.test-support.ts';
import { headerWords } from './form-layout.ts';
import { HEADERS } from './labels.ts';
import { PROBES } from '../probes/index.ts';
import { tempDir } from '../test/support.ts';
import { registerJournalCommands } from './journal.cli.ts';
import { reportError } from '../cli/main.ts';

const dir = tempDir('kuzet-journal-');
const input = join(dir.path, 'entries.json');

async function run(...args: string[]): Promise<unknown> {
  const p = new Command('kuzet').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerJournalCommands(p, { loadConfig: () => parseConfig('{}', PROBES) });
  try {
    await p.parseAsync(['node', 'kuzet', ...args]);
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('kuzet journal / extract (CLI, LibreOffice, pdftotext)', () => {
  before(() => writeFileSync(input, JSON.stringify({ entries: ENTRIES })));
  after(() => dir.remove());

  it('bad options exit 2 naming the option', async () => {
    const cases: [string[], string][] = [
      [['--from', '2026-02-01', '--to', '2026-01-01', '--format', 'pdf'], '--from: must not be after --to'],
      [['--from', '2026-01-01', '--to', '2026-02-01', '--format', 'odt'], '--format: one of html, pdf, xlsx, docx, csv'],
      [['--from', '2026-01-01', '--to', '2026-02-01', '--format', 'pdf', '--lang', 'en'], '--lang: one of ru, kk'],
      [['--from', '2026-1-01', '--to', '2026-02-01', '--format', 'pdf'], '--from: not a date YYYY-MM-DD'],
    ];
    for (const [args, message] of cases) {
      const e = await run('journal', ...args, '--out', join(dir.path, 'x'), '-i', input);
      assert.ok(e instanceof InputError, message);
      assert.equal(e.message, message);
      const err = process.stderr.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        assert.equal(reportError(e), 2);
      } finally {
        process.stderr.write = err;
      }
    }
    // extract and availability refuse the same way, before reading any data.
    const others: [string[], string][] = [
      [['extract', '--year', '2026', '--lang', 'en', '--format', 'pdf'], '--lang: one of ru, kk'],
      [['extract', '--year', '2026', '--format', 'xlsx'], '--format: one of pdf, docx'],
      [['extract', '--year', '26', '--format', 'pdf'], '--year: a year YYYY'],
      [['availability', '--from', '2026-03-11', '--to', '2026-03-10'], '--from: must not be after --to'],
      [['availability', '--from', '2026-03-10', '--to', '2026-03-10', '--format', 'pdf'], '--format: one of json, csv, xlsx'],
    ];
    for (const [args, message] of others) {
      const e = await run(...args, '--out', join(dir.path, 'y'));
      assert.ok(e instanceof InputError, `${args.join(' ')}: ${String(e)}`);
      assert.equal(e.message, message);
    }
    const bad = await run(
      'journal',
      '--from',
      '2026-01-01',
      '--to',
      '2026-02-01',
      '--format',
      'pdf',
      '--out',
      join(dir.path, 'x'),
      '-i',
      join(dir.path, 'missing.json'),
    );
    assert.ok(bad instanceof InputError && bad.field === '--input');
  });

  it('a store without any incident writes nothing and says so (exit 1)', async () => {
    const out = join(dir.path, 'none.pdf');
    const p = new Command('kuzet').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    const config = parseConfig(JSON.stringify({ storage: { dataDir: 'memory://' } }), PROBES);
    registerJournalCommands(p, { loadConfig: () => config, env: {} });
    const e = await p
      .parseAsync(['node', 'kuzet', 'journal', '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'pdf', '--out', out])
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    assert.ok(e instanceof KuzetError, String(e));
    assert.match(
      e.message,
      /^no journal written: the store \(PGlite in memory\) holds no incidents\. The stopped demo's store is read with -c data\/kuzet-demo\.yaml/,
    );
    assert.equal(existsSync(out), false);
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(reportError(e), 1);
    } finally {
      process.stderr.write = err;
    }
  });

  it('PDF text keeps the Kazakh headers with their letters (pdftotext)', async () => {
    const out = join(dir.path, 'j.pdf');
    assert.equal(
      await run('journal', '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'pdf', '--lang', 'kk', '--out', out, '-i', input),
      undefined,
    );
    const text = execFileSync('pdftotext', ['-raw', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    // Headers wrap inside their cells (at a space or after a slash), so each of their words is looked for.
    const words = new Set(headerWords(text));
    for (const h of HEADERS.kk) for (const w of headerWords(h)) assert.ok(words.has(w), w);
    assert.ok(text.includes('әғқңөұүһі'));
    assert.ok(text.includes('Техникалық әкімшілендіру бөлімінің жауапты тұлғасы'));
  });

  it('DOCX and XLSX open and convert to PDF in LibreOffice headless; the text survives', { timeout: 240_000 }, async () => {
    const docx = join(dir.path, 'journal.docx');
    const xlsx = join(dir.path, 'sheet.xlsx');
    const extract = join(dir.path, 'extract.docx');
    await run('journal', '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'docx', '--lang', 'kk', '--out', docx, '-i', input);
    await run('journal', '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'xlsx', '--lang', 'kk', '--out', xlsx, '-i', input);
    writeFileSync(join(dir.path, 'extract.json'), JSON.stringify({ year: 2026, entries: ENTRIES }));
    assert.equal(
      await run('extract', '--year', '2026', '--lang', 'kk', '--format', 'docx', '--out', extract, '-i', join(dir.path, 'extract.json')),
      undefined,
    );
    // One LibreOffice start for all three files (the machine is shared).
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=file://${dir.path}/lo`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        join(dir.path, 'lo-out'),
        docx,
        xlsx,
        extract,
      ],
      { stdio: 'pipe', timeout: 200_000 },
    );
    for (const name of ['journal', 'sheet', 'extract']) assert.ok(existsSync(join(dir.path, 'lo-out', `${name}.pdf`)), name);
    const docText = execFileSync('pdftotext', ['-raw', join(dir.path, 'lo-out', 'journal.pdf'), '-'], { encoding: 'utf8' }).replace(
      /\s+/g,
      ' ',
    );
    assert.ok(docText.includes('әғқңөұүһі'));
    assert.ok(docText.includes(HEADERS.kk[1] as string));
    assert.ok(docText.includes('<script>alert'));
    assert.ok(readFileSync(join(dir.path, 'lo-out', 'extract.pdf')).length > 1000);
  });
});
