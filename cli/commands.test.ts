/**
 * The lazy command list (cli/commands.ts) against the registrations it stands for: `kuzet --help`
 * without loading any command prints exactly what it prints with every command loaded, `kuzet NAME`
 * loads NAME for real, and nothing a bare start loads pulls in another folder or a heavy package.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { buildProgram, commandNameOf } from './main.ts';
import { COMMANDS, commandName } from './commands.ts';

describe('kuzet commands, loaded when run', () => {
  it('lists every command in --help exactly as the loaded registrations describe them', async () => {
    const full = (await buildProgram()).helpInformation();
    const lazy = (await buildProgram([])).helpInformation();
    assert.equal(lazy, full);
    for (const e of COMMANDS) assert.match(full, new RegExp(`\\n  ${e.term.replace(/[[\]]/g, '\\$&')} +\\S`), e.term);
  });

  it('loads the named command with its options and nothing else', async () => {
    const p = await buildProgram(['deadlines', '--input', 'x.json']);
    const deadlines = p.commands.find((c) => c.name() === 'deadlines');
    assert.deepEqual(
      deadlines?.options.map((o) => o.long),
      ['--input', '--format', '--lang'],
    );
    const journal = p.commands.find((c) => c.name() === 'journal');
    assert.deepEqual(journal?.options, []);
    assert.equal((await buildProgram(['help', 'journal'])).commands.find((c) => c.name() === 'journal')?.options.length !== 0, true);
  });

  it('names the command of a command line', () => {
    assert.equal(commandNameOf(['start', '--config', 'k.yaml']), 'start');
    assert.equal(commandNameOf(['help', 'etp']), 'etp');
    assert.equal(commandNameOf(['--help']), undefined);
    assert.equal(commandNameOf([]), undefined);
  });

  it('has one entry per command name', () => {
    const names = COMMANDS.map(commandName);
    assert.deepEqual(names, [...new Set(names)]);
  });

  it('imports, at start, only commander, node built-ins and cli/ files (plus core/errors.ts)', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Static imports and re-exports only; `import type` is erased and `import(…)` runs with the action.
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s+'([^']+)'/gms)) {
        const spec = m[1] as string;
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else packages.add(spec);
      }
    };
    visit(resolve(here, 'main.ts'));
    // The command groups (`*.commands.ts`) load with their command: a rules command must not pay for the server.
    for (const m of readFileSync(resolve(here, 'commands.ts'), 'utf8').matchAll(/import\('\.\/([\w.-]+\.commands\.ts)'\)/g)) {
      visit(resolve(here, m[1] as string));
    }
    assert.ok([...seen].some((f) => f.endsWith('rules.commands.ts')));
    const outside = [...seen].map((f) => f.slice(dirname(here).length + 1)).filter((f) => !f.startsWith('cli/'));
    assert.deepEqual(outside, ['core/errors.ts']);
    assert.deepEqual([...packages].filter((p) => !p.startsWith('node:')).sort(), ['commander']);
  });
});
