import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DESKS } from './desks.ts';
import { POLICIES } from './policies/index.ts';
import type { Policy } from './policies/types.ts';
import { RULES_DOC_BANNER, RulesDocError, allRuleIds, renderRulesDoc, type RulesDocInput } from './rules-doc.ts';

/** Every table the real policies need, in a template of placeholders only. */
const FULL = [
  '# Rules',
  '<!-- template: a note for editors -->',
  '<!-- rules-table: policies -->',
  '<!-- rules-table: desks -->',
  '<!-- rules-table: classification -->',
  '<!-- rules-table: sla -->',
  '<!-- rules-table: clock-extensions -->',
  '<!-- rules-table: extensions -->',
  '<!-- rules-table: lead-times -->',
  '<!-- rules-table: figures etp-em -->',
  '<!-- rules-table: figures marking-672 -->',
  '<!-- rules-table: requirements -->',
].join('\n');

const input: RulesDocInput = {
  policies: POLICIES,
  desks: DESKS,
  requirements: [
    { id: 'ETP-TIME-NTP', what: 'server time | synchronised', source: '000 App.3, technical requirement 5; docs/rules.md §8' },
  ],
};

describe('renderRulesDoc', () => {
  const out = renderRulesDoc(FULL, input);

  it('opens with the generated-file banner and drops the template notes', () => {
    assert.equal(out.split('\n')[0], RULES_DOC_BANNER);
    assert.doesNotMatch(out, /<!-- template:|<!-- rules-table:/);
  });

  it('gives every rule id one row', () => {
    for (const id of allRuleIds(input)) assert.match(out, new RegExp(`^\\| ${id} \\|`, 'm'), id);
    assert.equal(
      out.match(/^\| EX-FORCE-MAJEURE \| portal-692, energy-366 \|/gm)?.length,
      1,
      'a shared rule is one row naming its policies',
    );
  });

  it('writes each parameter from the rule object', () => {
    const cases: [string, RegExp][] = [
      ['SLA-P-REGISTER', /\| receipt of the appeal \| 30 working minutes of the portal contact centre \|/],
      ['SLA-P-ID', /\| registration \| 1 hour of clock time \|/],
      ['SLA-P-HIGH-REPORT', /\| 18:30 of the next working day \|/],
      ['SLA-N-REPORT', /\| end of the 3rd working day \(informational\) \|/],
      ['SLA-E-ETP-RESOLVE', /\| once \| original due time \+ 15 calendar days \| user, operator \|/],
      [
        'EX-H-DECRYPT-OPEN',
        /\| high; price offers cannot be decrypted \(`decryptionFailure`\) \| `acceptanceEnd` \(`competition`, `price-quotations`, `auction`, `housing`\) \|.*\| `resubmissionRequired` \| 001 §15\.9 \|$/,
      ],
      ['MK-CONCURRENT-USERS', /\| 1,000,000 users \| 004 criteria 17 \|$/],
    ];
    // A clock with an extension has a second row, in the clock-extensions table.
    for (const [id, row] of cases)
      assert.ok(
        out.split('\n').some((l) => l.startsWith(`| ${id} |`) && row.test(l)),
        id,
      );
  });

  it('escapes pipes in cells and drops a source citing the document itself', () => {
    assert.match(out, /^\| ETP-TIME-NTP \| server time \\\| synchronised \| 000 App\.3, technical requirement 5 \|$/m);
  });

  it('refuses an unknown table, a figures table without a policy, and a rule left without a table', () => {
    assert.throws(
      () => renderRulesDoc(`${FULL}\n<!-- rules-table: nonsense -->`, input),
      (e: unknown) => e instanceof RulesDocError && /no table named nonsense/.test(e.message),
    );
    assert.throws(() => renderRulesDoc(`${FULL}\n<!-- rules-table: figures -->`, input), /needs a policy id/);
    assert.throws(
      () => renderRulesDoc(FULL.replace('<!-- rules-table: figures marking-672 -->', ''), input),
      /documents MK-PRODUCT-INFO, MK-CODE-INFO, MK-CONCURRENT-USERS/,
    );
    assert.throws(() => renderRulesDoc(`${FULL}\n<!-- rules-table: sla -->`, input), /SLA-P-REPORT has a row in two tables/);
  });

  it('lists a new rule of a policy without touching the renderer', () => {
    const portal = POLICIES['portal-692'];
    const extra: Policy = {
      ...portal,
      classification: [...portal.classification, { id: 'CL-P-TEST', level: 'low', definition: 'a test level', source: '001 §99' }],
    };
    const withExtra = renderRulesDoc(FULL, { ...input, policies: { ...POLICIES, 'portal-692': extra } });
    assert.match(withExtra, /^\| CL-P-TEST \| portal-692 \| low \| a test level \| 001 §99 \|$/m);
  });

  it('is reproducible', () => assert.equal(renderRulesDoc(FULL, input), out));
});
