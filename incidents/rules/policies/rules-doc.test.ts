/**
 * docs/rules.md is the users' reference of every rule id kuzet cites: each id written in the
 * policies (and the ETP time requirement) has its row there, so a new rule cannot ship undocumented.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/rules.md', root), 'utf8');
const sources = [
  ...readdirSync(new URL('incidents/rules/policies/', root))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => `incidents/rules/policies/${f}`),
  'incidents/etp/time-sync.ts',
];
const ids = [...new Set(sources.flatMap((f) => [...readFileSync(new URL(f, root), 'utf8').matchAll(/'((?:CL|SLA|EX|ETP|MK)-[A-Z0-9]+(?:-[A-Z0-9]+)*)'/g)].map((m) => m[1]!)))].sort();

describe('docs/rules.md', () => {
  it('finds the rule ids of the policies', () => {
    for (const id of ['CL-P-HIGH', 'SLA-P-REGISTER', 'EX-M-ACCEPT', 'ETP-DISCONNECT-DAYS', 'ETP-TIME-NTP', 'MK-CODE-INFO']) assert.ok(ids.includes(id), id);
  });

  for (const id of ids) it(`has a row for ${id}`, () => assert.match(doc, new RegExp(`^\\| ${id} \\|`, 'm')));

  it('points at no file users do not have', () => {
    // The digest's name is spelt in two pieces so that a search-and-replace of it cannot rewrite this check.
    assert.doesNotMatch(doc, new RegExp(`${'REGULATIONS'}\\.md|\\.\\./shared`));
  });
});
