import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { readFileSync } from 'node:fs';

/**
 * The capability folders: each is entered only through its `index.ts`. They are the source folders tsc
 * checks (tsconfig.json), less core/ (the shared kit: its files are imported directly) and the harnesses.
 */
const NOT_FACED = ['core', 'test', 'bench', 'docs'];
const FACED = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8')).include.filter((f) => !NOT_FACED.includes(f));
/** Tests, test support, the bench and the drills may reach inside a folder: they test its parts. */
const HARNESS = ['**/*.test.ts', '**/*test-support.ts', 'test/**', 'bench/**'];
/**
 * Pure code: the rules engine and the journal's model and words take no I/O, so they stay table-testable.
 * A folder's `pure.ts` is a second face for its pure functions, for callers that must not load its adapters.
 */
const PURE = {
  1: ['journal/model.ts', 'journal/labels.ts', 'journal/rows.ts', '*/pure.ts'],
  2: ['incidents/rules/*.ts'],
  3: ['incidents/rules/*/*.ts'],
};
const IO_MESSAGE = 'The rules engine and the journal model take no I/O: pass data (and `now`) in.';
const IO_MODULES = [
  'pg',
  'ioredis',
  'bullmq',
  '@electric-sql/pglite',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'http',
  'node:http',
  'https',
  'node:https',
  'net',
  'node:net',
  'dgram',
  'node:dgram',
  'child_process',
  'node:child_process',
  'koa',
  '@koa/router',
  'nodemailer',
  '@slack/web-api',
  'playwright-core',
];
const IO_FILES = ['core/db.ts', 'core/redis.ts', 'core/audit.ts', 'core/log.ts'];

/** The import patterns that leave a file `depth` folders deep for another top folder's insides. */
function facePatterns(depth) {
  const up = '../'.repeat(depth);
  return [
    {
      group: [`${up}*/**`, `!${up}*/index.ts`, `!${up}*/pure.ts`, `!${up}core/**`],
      message:
        "Import another folder through its face (`<folder>/index.ts`, or `<folder>/pure.ts` for its pure functions); add what you need to that face's exports.",
    },
  ];
}
const depthGlob = (depth) => FACED.map((f) => `${f}/${'*/'.repeat(depth - 1)}*.ts`);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'dashboards/build/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  // Faces: one block per depth, since an import's way out of its folder is `../` once per level.
  ...[1, 2, 3, 4].map((depth) => ({
    files: depthGlob(depth),
    ignores: HARNESS,
    rules: { 'no-restricted-imports': ['error', { patterns: facePatterns(depth) }] },
  })),
  ...Object.entries(PURE).map(([depth, files]) => ({
    files,
    ignores: HARNESS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({ name, message: IO_MESSAGE })),
          patterns: [
            ...facePatterns(Number(depth)),
            { group: IO_FILES.map((f) => `${'../'.repeat(Number(depth))}${f}`), message: IO_MESSAGE },
          ],
        },
      ],
    },
  })),
);
