#!/usr/bin/env node
// The kuzet CLI. It runs the compiled code in dist/ when dist/ was built from exactly these sources
// (`npm run build` stamps it; bin/dist.mjs compares), else the TypeScript sources through tsx's loader,
// so `npx kuzet` works right after `npm ci` and a stale dist/ never runs.
import { distState } from './dist.mjs';

const root = new URL('..', import.meta.url).pathname;
const state = distState(root);
if (state === 'fresh' || state === 'compiled-only') {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
} else {
  if (state === 'stale' && ['start', 'worker'].includes(process.argv[2] ?? ''))
    process.stderr.write(
      'kuzet: dist/ was built from other sources; running the sources through tsx (npm run build to run compiled code)\n',
    );
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../cli/main.ts');
  await main(process.argv);
}
