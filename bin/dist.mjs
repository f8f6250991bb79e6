// Whether dist/ (the tsc output) may run: only when its stamp says it was built from exactly the
// sources in this checkout. Used by bin/kuzet.mjs (to choose) and bin/build.mjs (to stamp).
//
// The stamp (dist/BUILD.json) holds two fingerprints of the built sources, taken before tsc ran:
// `files` (path, size and modification time of each) and `content` (path and bytes of each). A start
// compares `files` first (a few milliseconds); when that differs it compares `content`, so a checkout
// that rewrote files with the same bytes still counts as fresh. Anything else — a file edited, added or
// removed, tsconfig changed, no stamp — and the sources run instead. A tree without sources (the
// Docker image ships package.json, bin/ and dist/ only) runs dist/ as it is.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The folders of tsconfig.json that are not built: harnesses and the docs generator. */
export const NOT_BUILT = ['test', 'bench', 'docs'];
/** Files in the built folders that stay out of dist/ (and out of its fingerprint). */
export const NOT_SHIPPED = /(\.test\.ts|test-support\.ts)$/;
/** Files every build also depends on. */
const BUILD_INPUTS = ['tsconfig.json', 'package.json'];
export const STAMP = 'BUILD.json';

/** The source folders that make dist/: tsconfig.json's, less {@link NOT_BUILT}. */
export function builtFolders(root) {
  return JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).include.filter((f) => !NOT_BUILT.includes(f));
}

/** Every file the build reads or copies, relative to root, sorted. */
export function builtFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (!NOT_SHIPPED.test(e.name)) out.push(r);
    }
  };
  for (const f of builtFolders(root)) if (existsSync(join(root, f))) walk(f);
  return [...out, ...BUILD_INPUTS].sort();
}

function fingerprint(root, files, part) {
  const h = createHash('sha256');
  for (const f of files)
    h.update(`${f}\0`)
      .update(part(join(root, f)))
      .update('\0');
  return h.digest('hex');
}

export const filesFingerprint = (root, files = builtFiles(root)) =>
  fingerprint(root, files, (p) => {
    const s = statSync(p);
    return `${s.size}:${s.mtimeMs}`;
  });
export const contentFingerprint = (root, files = builtFiles(root)) => fingerprint(root, files, (p) => readFileSync(p));

/** The stamp dist/ gets for `files` of root, taken before the build reads them. */
export function stampOf(root, files = builtFiles(root)) {
  return { files: filesFingerprint(root, files), content: contentFingerprint(root, files), builtAt: new Date().toISOString() };
}

/** Whether root's checkout has sources at all (the image has none). */
export const hasSources = (root) => existsSync(join(root, 'cli', 'main.ts'));

/**
 * `fresh` (dist/ was built from these sources), `stale` (it was not), `missing` (no dist/ or no stamp:
 * never built, or a build did not finish) or `compiled-only` (no sources: run dist/).
 */
export function distState(root, dist = join(root, 'dist')) {
  if (!hasSources(root)) return existsSync(join(dist, 'cli', 'main.js')) ? 'compiled-only' : 'missing';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dist, STAMP), 'utf8'));
  } catch {
    return 'missing';
  }
  const files = builtFiles(root);
  if (stamp.files === filesFingerprint(root, files)) return 'fresh';
  return stamp.content === contentFingerprint(root, files) ? 'fresh' : 'stale';
}
