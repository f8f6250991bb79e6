/**
 * The house rules the lint enforces (eslint.config.js), checked on snippets as they would sit in the
 * tree: another folder is entered through its face only; the rules engine and the journal model take no I/O.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('architecture lint', () => {
  const cases: [string, string, string, boolean][] = [
    ['a route reaching inside incidents/', 'api/x.ts', "import { a } from '../incidents/store/incident.repo.ts';", true],
    ['a route using the incidents face', 'api/x.ts', "import { a } from '../incidents/index.ts';", false],
    ['a console page reaching inside etp/ (two levels deep)', 'console/views/x.ts', "import { a } from '../../etp/ledger.ts';", true],
    ['a file using its own folder', 'console/x.ts', "import { a } from './pages.ts';", false],
    ['a file using core directly', 'etp/x.ts', "import { a } from '../core/db.ts';", false],
    ['a re-export from inside another folder', 'notices/x.ts', "export { a } from '../journal/labels.ts';", true],
    ['the rules engine opening a database', 'incidents/rules/x.ts', "import { a } from '../../core/db.ts';", true],
    ['the rules engine reading a file', 'incidents/rules/policies/x.ts', "import { readFileSync } from 'node:fs';", true],
    ['the rules engine using time', 'incidents/rules/x.ts', "import { a } from '../../core/time.ts';", false],
    ['the journal model speaking to Redis', 'journal/model.ts', "import { Redis } from 'ioredis';", true],
    ['a test reaching inside a folder', 'api/x.test.ts', "import { a } from '../incidents/store/incident.repo.ts';", false],
  ];
  for (const [what, file, code, refused] of cases) {
    it(`${refused ? 'refuses' : 'allows'} ${what}`, async () => {
      const messages = await restricted(file, `${code}\n`);
      assert.equal(messages.length > 0, refused, messages.join('; ') || 'no restriction reported');
    });
  }
});

describe('SQL lives in repositories', () => {
  const root = new URL('..', import.meta.url).pathname;
  /** The database layer itself (opening, migrating) and the migrations are where schema SQL belongs. */
  const exempt = /(^|\/)[^/]+\.repo\.ts$|^core\/db\.ts$|^core\/migrations(\.ts|\/)|\.test\.ts$|test-support\.ts$|^test\/|^bench\//;
  const statement = /\b(SELECT\s[\s\S]{0,400}?\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|ON\s+CONFLICT)\b/;
  it('no production file outside a *.repo.ts holds an SQL statement', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && !exempt.test(f));
    const offenders = files.filter((f) => {
      try {
        return statement.test(readFileSync(new URL(f, `file://${root}`), 'utf8'));
      } catch {
        return false; // listed by git, deleted in the working tree
      }
    });
    assert.deepEqual(offenders, [], `move these statements into a *.repo.ts of the capability: ${offenders.join(', ')}`);
  });
});
