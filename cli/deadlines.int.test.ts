/**
 * `kuzet deadlines --format text --lang ru|kk` as a user runs it (issue #21 item 7): the README's
 * worked example prints exactly the table the README shows; a missing policy lists the allowed values.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runCli } from '../test/support.ts';

const EXAMPLE = new URL('../docs/examples/deadlines-medium.json', import.meta.url).pathname;

/** The README's ```text block that follows its `kuzet deadlines … --format text --lang ru` command. */
function readmeTable(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const m =
    /npx kuzet deadlines --input docs\/examples\/deadlines-medium\.json --format text --lang ru\n```\n\n```text\n([\s\S]*?)```/.exec(
      readme,
    );
  assert.ok(m, 'the README shows the command and its output');
  return m[1] as string;
}

describe('kuzet deadlines --format text', () => {
  it('prints the README worked example table in Russian', async () => {
    const r = await runCli(['deadlines', '--input', EXAMPLE, '--format', 'text', '--lang', 'ru']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, readmeTable());
  });

  it('in Kazakh', async () => {
    const r = await runCli(['deadlines', '--input', EXAMPLE, '--format', 'text', '--lang', 'kk']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Сатып алу +Мерзім +Бұрынғы +Жаңа +Қағида +Тармақ$/m);
    assert.match(
      r.stdout,
      /^ANN-1001 +өтінімдерді қабылдауды аяқтау +2026-06-10 18:00:00 +2026-06-11 18:00:00 +EX-M-ACCEPT-OVER +001 §14\.7$/m,
    );
  });

  it('JSON stays the default', async () => {
    const r = await runCli(['deadlines', '--input', EXAMPLE]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { extensions: unknown[] }).extensions.length, 5);
  });

  it('a missing policy exits 2 listing the allowed values; a wrong language names the choices', async () => {
    const input = JSON.stringify({ ...(JSON.parse(readFileSync(EXAMPLE, 'utf8')) as object), policy: undefined });
    const r = await runCli(['deadlines', '--input', '-', '--format', 'text'], { input });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: policy: required: one of portal-692, energy-366\n');
    assert.equal(r.stdout, '');
    const lang = await runCli(['deadlines', '--input', EXAMPLE, '--format', 'text', '--lang', 'en']);
    assert.equal(lang.code, 2);
    assert.match(lang.stderr, /'--lang <lang>' argument 'en' is invalid\. Allowed choices are ru, kk\./);
  });
});
