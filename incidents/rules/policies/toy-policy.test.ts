/**
 * Adding a policy (issue #18 item 4): a toy third policy, written as a policy module is and handed to
 * the registry's one registration point, `policyRegistry([...])`, is used by the rules engine, the
 * lifecycle, the level proposal, the SLA clocks and the notice rules with no other edit.
 *
 * The 2 places a real policy touches: (1) its file `incidents/rules/policies/<id>.ts` and (2) its
 * entry in the `policyRegistry([...])` line of `incidents/rules/policies/index.ts` (here the test's
 * own `policyRegistry` call stands in for that line, so the shipped registry stays as it is). From
 * that line POLICY_IDS, PolicyId, EXTENSION_POLICY_IDS, core/config's policy enum and the SLA timer
 * map follow. Honestly, beyond the 2 places a policy with more than the toy's needs may still touch:
 * the SLA_TIMER_IDS list of incidents/rules/sla.ts when it adds timers the API and CLI should accept
 * by id (the last test below keeps that list equal to the registry's), docs/rules.template.md (a table
 * marker for its rules: rendering refuses a rule id no table shows) and, when it sends notices, its
 * folder of notice templates.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeExtensions, type ExtensionPolicyId } from '../deadlines.ts';
import { SLA_TIMER_IDS } from '../sla.ts';
import { proposeLevel } from '../../classification/propose-level.ts';
import { TransitionError, transition } from '../../lifecycle/lifecycle.ts';
import { clocksFor } from '../../sla-clocks/sla-clocks.ts';
import { noticeClocks } from '../../../notices/content.ts';
import { defaultAudiences } from '../../../notices/maintenance.ts';
import type { NoticeSubject } from '../../../notices/model.ts';
import { reportedLate } from '../sla.ts';
import { EX_FORCE_MAJEURE } from './portal-692.ts';
import { POLICY_IDS, POLICY_REGISTRY, policyRegistry, type Policy, type PolicyId } from './index.ts';

const HOUR = 3_600_000;

/** A toy regulation: what a policy file holds, every rule id next to its (made-up) source point. */
const TOY = {
  id: 'toy-1' as const,
  system: 'a toy platform',
  source: 'T',
  classification: [
    { id: 'CL-T-LOW', level: 'low', source: 'T §1.1', definition: 'anything else' },
    { id: 'CL-T-HIGH', level: 'high', source: 'T §1.3', definition: 'down for everyone' },
  ],
  lifecycle: { levelAgreement: { with: 'the toy board', source: 'T §2' } },
  slaTimers: [
    {
      id: 'SLA-T-REPORT',
      duty: 'user reports',
      startsAt: 'detection by the user',
      spec: { kind: 'clock-minutes', minutes: 30 },
      informational: true,
      interpretation: '30 minutes',
      source: 'T §3.1',
    },
    {
      id: 'SLA-T-HOME',
      duty: 'homepage notice',
      startsAt: 'confirmation',
      spec: { kind: 'clock-minutes', minutes: 45 },
      interpretation: '45 minutes',
      source: 'T §3.2',
    },
  ],
  clocks: [
    { timer: 'SLA-T-REPORT', start: 'userDetected', met: 'received', sources: ['appeal'], informational: true },
    { timer: 'SLA-T-HOME', start: 'confirmed', met: 'manual', levels: ['high'] },
  ],
  lateReportTimer: 'SLA-T-REPORT',
  leadTimes: [],
  notices: { maintenanceAudiences: ['etp-requisites'], homepageClocks: { high: ['SLA-T-HOME'] } },
  extension: {
    scope: { low: 'none', medium: 'none', high: 'all', maintenance: 'none' },
    rules: [
      {
        id: 'EX-T-ACCEPT',
        source: 'T §4',
        occasions: ['high'],
        summary: 'acceptance end in W: + D',
        deadlines: ['acceptanceEnd'],
        hits: (end, w) => end !== undefined && end >= w.start && end <= w.end,
        extend: (end, w) => (end as number) + w.duration,
      },
    ],
    tariffRules: [],
    noExtension: {},
    forceMajeure: EX_FORCE_MAJEURE,
  },
} satisfies Policy;

// The registration point, as policies/index.ts uses it: the shipped policies and the toy.
const [first, ...rest] = POLICY_IDS.map((id): Policy => POLICY_REGISTRY.get(id));
const registry = policyRegistry([first as Policy, ...rest, TOY]);
// PolicyId is the shipped registry's union: a registry built here holds an id that type does not know.
const toy = TOY.id as string as PolicyId;

const S = Date.parse('2026-03-10T10:00:00+05:00');

describe('a toy third policy, registered once, is used without any other edit', () => {
  it('the registry lists it after the shipped policies; the shipped registry is untouched', () => {
    assert.deepEqual(registry.ids, [...POLICY_IDS, 'toy-1']);
    assert.equal(registry.get('toy-1'), TOY);
    assert.equal(POLICY_REGISTRY.find('toy-1'), undefined);
    assert.throws(() => POLICY_REGISTRY.get('toy-1'), /no policy toy-1; registered: portal-692, etp-em, energy-366, marking-672/);
    assert.throws(() => policyRegistry([TOY, TOY]), /duplicate policy id/);
  });

  it('the rules engine applies its extension rules', () => {
    const r = computeExtensions(
      {
        policy: toy as ExtensionPolicyId,
        incident: { level: 'high', startedAt: S, confirmedAt: S + HOUR, resolvedAt: S + 2 * HOUR },
        procurements: [{ id: 'P1', method: 'auction', deadlines: { acceptanceEnd: S + HOUR } }],
        tariffs: [],
      },
      registry,
    );
    assert.deepEqual(
      r.extensions.map((e) => [e.subject, e.deadline, e.rule, e.extended - (e.original as number)]),
      [['P1', 'acceptanceEnd', 'EX-T-ACCEPT', 2 * HOUR]],
    );
  });

  it('the lifecycle asks for its level agreement', () => {
    const inc = { state: 'analysing' as const, policy: 'toy-1', startedAt: S, proposedLevel: null };
    const fields = { level: 'high' as const, kind: 'operator-unlawful-action' as const, plannedFixAt: S + HOUR };
    assert.throws(
      () => transition(inc, 'confirmed', fields, S + HOUR, registry),
      (e: unknown) =>
        e instanceof TransitionError &&
        /levelAgreedWith: required for toy-1: the level is agreed with the toy board \(T §2\)/.test(e.message),
    );
    assert.equal(
      transition(inc, 'confirmed', { ...fields, levelAgreedWith: 'board minutes 7' }, S + HOUR, registry).levelAgreedWith,
      'board minutes 7',
    );
  });

  it('the level proposal cites its CL-* rule of the level, and none for a level it does not define', () => {
    const e = {
      moduleChecks: 2,
      failingChecks: 2,
      regions: 1,
      failingRegions: 1,
      systemModules: 3,
      failingModules: 1,
      errorKinds: { http: 2 },
      startedAt: S,
    };
    assert.equal(proposeLevel(toy, e, registry).rule, 'CL-T-HIGH');
    assert.deepEqual(proposeLevel(toy, { ...e, failingChecks: 1 }, registry).rule, null); // medium: no CL-T-MED
  });

  it('the SLA clocks run its timers, with due times from their specs', () => {
    const clocks = clocksFor(
      {
        policy: toy,
        source: 'appeal',
        level: 'high',
        receivedAt: S + HOUR,
        registeredAt: S + HOUR,
        userDetectedAt: S,
        confirmedAt: S + 2 * HOUR,
      },
      registry,
    );
    assert.deepEqual(
      clocks.map((c) => [c.timer, c.dueAt, c.metAt]),
      [
        ['SLA-T-REPORT', S + 30 * 60_000, S + HOUR],
        ['SLA-T-HOME', S + 2 * HOUR + 45 * 60_000, null],
      ],
    );
    assert.equal(reportedLate(registry.get('toy-1'), S, S + 31 * 60_000), true);
    assert.equal(reportedLate(registry.get('toy-1'), S, S + 30 * 60_000), false);
  });

  it('the notice rules: its homepage clock and its maintenance audiences', () => {
    const subject = { kind: 'incident', policy: toy, level: 'high', confirmedAt: '2026-03-10T12:00:00+05:00' } as NoticeSubject;
    assert.deepEqual(noticeClocks(subject, null, registry), [
      { timer: 'SLA-T-HOME', dueAt: '2026-03-10T12:45:00+05:00', metAt: null, met: null },
    ]);
    assert.deepEqual(defaultAudiences({ id: 'toy', policy: toy, modules: ['eshop'] }, [], registry), ['etp-requisites']);
  });

  it('what is still written twice: SLA_TIMER_IDS (the timer id type) equals the shipped registry’s timers', () => {
    assert.deepEqual(
      [...SLA_TIMER_IDS],
      POLICY_IDS.flatMap((id) => POLICY_REGISTRY.get(id).slaTimers.map((t) => t.id)),
    );
  });
});
