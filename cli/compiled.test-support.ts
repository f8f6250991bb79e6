/**
 * A tree laid out like the Docker image's runtime stage — package.json, bin/ and dist/, no sources —
 * for the test of the compiled start and the start-up bench. dist/ is this checkout's when it is fresh
 * (`npm run build`), else built once into the tree (a full tsc build: tens of seconds on 2 CPUs).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { distState } from '../bin/dist.mjs';
import { tempDir } from '../test/support.ts';

export const REPO = realpathSync(new URL('..', import.meta.url).pathname);

export interface CompiledTree {
  root: string;
  bin: string;
  /** `reused` this checkout's fresh dist/, or `built` one for the tree. */
  dist: 'reused' | 'built';
  remove(): void;
}

export function compiledTree(): CompiledTree {
  const dir = tempDir('kuzet-compiled-');
  const root = dir.path;
  mkdirSync(join(root, 'bin'));
  for (const f of ['bin/kuzet.mjs', 'bin/dist.mjs', 'package.json']) copyFileSync(join(REPO, f), join(root, f));
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(root, 'node_modules'));
  let dist: CompiledTree['dist'] = 'reused';
  if (distState(REPO) === 'fresh') symlinkSync(join(REPO, 'dist'), join(root, 'dist'));
  else {
    const r = spawnSync(process.execPath, [join(REPO, 'bin/build.mjs'), '--out', join(root, 'dist')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed (${r.status}): ${r.stdout}${r.stderr}`);
    dist = 'built';
  }
  return { root, bin: join(root, 'bin/kuzet.mjs'), dist, remove: dir.remove };
}
