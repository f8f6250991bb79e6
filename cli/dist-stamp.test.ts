/**
 * bin/dist.mjs decides whether bin/kuzet.mjs runs dist/: only when its stamp matches the sources.
 * A tree of a few files stands for the checkout; every change a developer makes turns dist/ stale.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { STAMP, builtFiles, distState, stampOf } from '../bin/dist.mjs';
import { tempDir } from '../test/support.ts';

describe('the dist/ stamp', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const root = dir.path;
  const put = (f: string, text: string) => {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), text);
  };
  put('tsconfig.json', JSON.stringify({ include: ['cli', 'notices', 'test', 'bench', 'docs'] }));
  put('package.json', '{}');
  put('cli/main.ts', 'export const a = 1;\n');
  put('cli/main.test.ts', 'test\n');
  put('notices/templates/x.hbs', '{{x}}\n');
  put('test/support.ts', 'export {};\n');
  put('dist/cli/main.js', 'export const a = 1;\n');
  const stamp = () => writeFileSync(join(root, 'dist', STAMP), JSON.stringify(stampOf(root)));

  it('fingerprints the built sources and their assets, not tests, harnesses or docs', () => {
    assert.deepEqual(builtFiles(root), ['cli/main.ts', 'notices/templates/x.hbs', 'package.json', 'tsconfig.json']);
  });

  it('runs dist/ only while it matches the sources', () => {
    assert.equal(distState(root), 'missing', 'no stamp: never built, or the build did not finish');
    stamp();
    assert.equal(distState(root), 'fresh');
    utimesSync(join(root, 'cli/main.ts'), new Date(), new Date(Date.now() + 5000));
    assert.equal(distState(root), 'fresh', 'touched, same bytes (a checkout): still fresh');
    put('cli/main.ts', 'export const a = 2;\n');
    assert.equal(distState(root), 'stale', 'a source edited');
    stamp();
    put('notices/templates/x.hbs', '{{y}}\n');
    assert.equal(distState(root), 'stale', 'a template edited');
    stamp();
    put('cli/extra.ts', 'export {};\n');
    assert.equal(distState(root), 'stale', 'a file added');
    rmSync(join(root, 'cli/extra.ts'));
    assert.equal(distState(root), 'fresh');
    put('tsconfig.json', JSON.stringify({ include: ['cli', 'notices', 'test', 'bench', 'docs'], x: 1 }));
    assert.equal(distState(root), 'stale', 'the compiler options changed');
    stamp();
    put('cli/main.test.ts', 'another test\n');
    put('test/support.ts', 'export const b = 1;\n');
    assert.equal(distState(root), 'fresh', 'tests are not built');
  });

  it('runs dist/ as it is in a tree without sources (the image), and nothing without either', () => {
    rmSync(join(root, 'cli'), { recursive: true });
    assert.equal(distState(root), 'compiled-only');
    rmSync(join(root, 'dist'), { recursive: true });
    assert.equal(distState(root), 'missing');
  });
});
