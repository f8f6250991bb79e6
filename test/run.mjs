#!/usr/bin/env node
// Runs every *.test.ts under the project's source folders with node's own test runner.
// Node 20 has no glob support in `--test`, so the file list is built here.
// Files that check for leftover Chromium processes run last, one at a time, so that no other
// test file's browser is alive while they count processes.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
// The folders tsc checks are the folders whose tests run: a folder added to tsconfig.json is tested too.
const folders = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).include;
const filter = process.argv.slice(2);
const ISOLATED = /^probes\/browser\//;

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const files = folders
  .flatMap((f) => {
    try {
      return walk(join(root, f), []);
    } catch {
      return [];
    }
  })
  .filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

let passed = 0;
let failed = 0;
/** Every failing test with its error, printed again at the very end: CI keeps only the tail of the output. */
const failures = [];
/** Runs one group, streaming its TAP output and adding up its closing counts. */
function run(list, concurrency) {
  if (list.length === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    // --test-force-exit: a file whose tests are done ends even if a handle (a Redis connection a test
    // forgot) keeps its event loop alive; without it one forgotten handle hung the whole suite.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=tap', `--test-concurrency=${concurrency}`, ...list],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TZ: process.env.TZ ?? 'UTC' },
      },
    );
    let tail = '';
    let partial = '';
    let open = null; // the failing test whose YAML block is being read
    const lines = (text) => {
      for (const line of text.split('\n')) {
        const notOk = /^(\s*)not ok \d+ - (.*)$/.exec(line);
        if (notOk) {
          open = { depth: notOk[1].length / 4, name: notOk[2], detail: [] };
          failures.push(open);
        } else if (open && /^\s*\.\.\.$/.test(line)) open = null;
        else if (open && /^\s*(error|location|code|failureType):/.test(line)) {
          open.detail.push(line.trim().slice(0, 300));
          open.block = /: [|>]-?$/.test(line) ? 8 : 0; // a multi-line message follows: keep its first lines
        } else if (open?.block > 0 && /^\s+\S/.test(line) && !/^\s*[a-zA-Z]+:( |$)/.test(line)) {
          open.block--;
          open.detail.push(`  ${line.trim().slice(0, 300)}`);
        } else if (open?.block > 0 && /^\s*$/.test(line)) {
          // a blank line inside the message
        } else if (open) open.block = 0;
      }
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const text = partial + chunk.toString();
      const cut = text.lastIndexOf('\n');
      lines(text.slice(0, cut + 1));
      partial = text.slice(cut + 1);
      tail = (tail + chunk.toString()).slice(-4096);
    });
    child.on('close', (status) => {
      passed += Number(/^# pass (\d+)$/m.exec(tail)?.[1] ?? 0);
      failed += Number(/^# fail (\d+)$/m.exec(tail)?.[1] ?? 0);
      resolve(status ?? 1);
    });
  });
}

const shared = files.filter((f) => !ISOLATED.test(f));
const isolated = files.filter((f) => ISOLATED.test(f));
const a = await run(shared, 2);
const b = await run(isolated, 1);
const code = a || b;
if (failures.length > 0) {
  process.stdout.write('\nkuzet: failing tests (outermost last, as TAP reports them)\n');
  for (const f of failures) {
    process.stdout.write(`${'  '.repeat(f.depth)}not ok - ${f.name}\n`);
    for (const d of f.detail) process.stdout.write(`${'  '.repeat(f.depth + 1)}${d}\n`);
  }
}
process.stdout.write(`\nkuzet: ${passed} passed, ${failed} failed\n`);
process.exit(code === 0 && failed > 0 ? 1 : code);
