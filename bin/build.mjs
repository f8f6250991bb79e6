#!/usr/bin/env node
// `npm run build`: compiles the sources into dist/ with tsc (tests, bench and docs left out), copies
// every other file of the built folders beside its module (templates, views, static files, fonts,
// examples: whatever a module reads next to itself), and stamps dist/ with the fingerprints of the
// sources it was built from (bin/dist.mjs). `--if-stale` builds only when dist/ is not fresh;
// `--out DIR` builds elsewhere (the test of the compiled start does).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STAMP, builtFiles, builtFolders, distState, stampOf } from './dist.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const { values } = parseArgs({ options: { out: { type: 'string' }, 'if-stale': { type: 'boolean' } }, strict: true });
const out = resolve(values.out ?? join(root, 'dist'));

if (values['if-stale'] && distState(root, out) === 'fresh') process.exit(0);

// Taken before tsc reads anything: a source edited during the build leaves the stamp stale.
const files = builtFiles(root);
const stamp = stampOf(root, files);

rmSync(out, { recursive: true, force: true });
const work = mkdtempSync(join(tmpdir(), 'kuzet-build-'));
const tsconfig = join(work, 'tsconfig.json');
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: join(root, 'tsconfig.json'),
    compilerOptions: { rootDir: root, outDir: out, noEmit: false, incremental: false, typeRoots: [join(root, 'node_modules/@types')] },
    include: builtFolders(root).map((f) => join(root, f)),
    exclude: [join(root, '**/*.test.ts'), join(root, '**/*test-support.ts')],
  }),
);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' });
rmSync(work, { recursive: true, force: true });
if (r.status !== 0) {
  console.error(`build: tsc failed (exit ${r.status ?? r.signal}); ${out} has no stamp, so kuzet keeps running the sources`);
  process.exit(1);
}
let assets = 0;
for (const f of files) {
  if (f.endsWith('.ts') || !f.includes('/')) continue;
  mkdirSync(dirname(join(out, f)), { recursive: true });
  copyFileSync(join(root, f), join(out, f));
  assets++;
}
writeFileSync(join(out, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
console.log(`build: ${out} (${files.filter((f) => f.endsWith('.ts')).length} modules, ${assets} other files)`);
