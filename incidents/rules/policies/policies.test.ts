import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { POLICIES, type PolicyId } from './index.ts';

// Every rule id of docs/rules.md §3, §4, §5 and the policy it belongs to.
const DIGEST: Record<string, PolicyId> = {
  'CL-P-LOW': 'portal-692',
  'CL-P-MED': 'portal-692',
  'CL-P-HIGH': 'portal-692',
  'CL-E-HIGH': 'energy-366',
  'CL-E-MED': 'energy-366',
  'CL-E-LOW': 'energy-366',
  'SLA-P-REPORT': 'portal-692',
  'SLA-P-REGISTER': 'portal-692',
  'SLA-P-ID': 'portal-692',
  'SLA-P-ANALYSE': 'portal-692',
  'SLA-P-REFUTE': 'portal-692',
  'SLA-P-LOW-NOTIFY': 'portal-692',
  'SLA-P-MED-HOME': 'portal-692',
  'SLA-P-MED-NOTIFY': 'portal-692',
  'SLA-P-HIGH-OWNER': 'portal-692',
  'SLA-P-HIGH-HOME': 'portal-692',
  'SLA-P-HIGH-REPORT': 'portal-692',
  'SLA-P-OWNER-MEDHIGH': 'portal-692',
  'SLA-P-LOW-FIXED': 'portal-692',
  'SLA-E-ETP-REGISTER': 'etp-em',
  'SLA-E-ETP-ID': 'etp-em',
  'SLA-E-ETP-RESOLVE': 'etp-em',
  'SLA-N-REPORT': 'energy-366',
  'SLA-N-DESK-VOICE': 'energy-366',
  'SLA-N-DESK-MAIL': 'energy-366',
  'EX-LOW': 'portal-692',
  'EX-M-ACCEPT': 'portal-692',
  'EX-M-ACCEPT-OVER': 'portal-692',
  'EX-M-AUCTION': 'portal-692',
  'EX-M-CONTRACT': 'portal-692',
  'EX-M-COMPLAINT': 'portal-692',
  'EX-H-ACCEPT': 'portal-692',
  'EX-H-CONTRACT': 'portal-692',
  'EX-H-COMPLAINT': 'portal-692',
  'EX-H-AUCTION': 'portal-692',
  'EX-H-DECRYPT-OPEN': 'portal-692',
  'EX-H-DECRYPT-EXPIRED': 'portal-692',
  'EX-FORCE-MAJEURE': 'portal-692',
  'EX-TARIFF': 'portal-692',
  'EX-PROTOCOL': 'portal-692',
  'EX-DISCUSSION': 'portal-692',
  'EX-MAINT': 'portal-692',
  'EX-N-ACCEPT': 'energy-366',
  'EX-UNSCRUPULOUS': 'portal-692',
  'EX-ANALYSIS': 'portal-692',
  'EX-N-PROTOCOL': 'energy-366',
  'EX-N-RESULTS': 'energy-366',
};

/** The rule ids a policy defines itself (EX-FORCE-MAJEURE is shared by reference, defined in portal-692). */
function ownIds(id: PolicyId): { id: string; source: string }[] {
  const p = POLICIES[id];
  const ext = p.extension;
  const own = [
    ...p.classification,
    ...p.slaTimers,
    ...(p.duties ?? []),
    ...(ext?.rules ?? []),
    ...(ext?.tariffRules ?? []),
    ...Object.values(ext?.noExtension ?? {}),
    ...(ext?.analysisRule ? [ext.analysisRule] : []),
    ...(ext?.annulmentRules ?? []),
    ...(ext?.dutyRules ?? []),
  ];
  if (ext && id === 'portal-692') own.push(ext.forceMajeure);
  return own.map((r) => ({ id: r.id, source: r.source }));
}

describe('policies as data', () => {
  it('every rule id of the digest is in the policy it belongs to, once, with a source point', () => {
    const found = new Map<string, PolicyId>();
    for (const id of Object.keys(POLICIES) as PolicyId[]) {
      for (const r of ownIds(id)) {
        assert.equal(found.has(r.id), false, `${r.id} defined twice`);
        assert.match(r.source, /^00\d (App\.\d+ )?§/, `${r.id} has a source point`);
        found.set(r.id, id);
      }
    }
    assert.deepEqual(Object.fromEntries([...found].sort()), Object.fromEntries(Object.entries(DIGEST).sort()));
  });
  it('force majeure applies to every policy with extensions', () => {
    for (const p of Object.values(POLICIES)) if (p.extension) assert.equal(p.extension.forceMajeure.id, 'EX-FORCE-MAJEURE');
  });
});
