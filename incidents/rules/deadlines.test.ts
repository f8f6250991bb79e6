import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rulesDeadlines } from './index.ts';
import { EXTENSION_RULES } from './policies/portal-692.ts';
import { EXTENSION_RULES as ENERGY_RULES } from './policies/energy-366.ts';

// The standard failure: Tuesday 2026-04-14 10:00–15:30 (D = 5 h 30 min), confirmed 11:00.
const T = (hhmm: string, day = '2026-04-14') => `${day}T${hhmm}:00+05:00`;
const S = T('10:00');
const R = T('15:30');

interface Case {
  name: string;
  policy?: 'portal-692' | 'energy-366';
  incident?: Record<string, unknown>;
  maintenance?: { startsAt: string; endsAt: string };
  procurement: Record<string, unknown>;
  /** The one expected extension, or null for none. */
  expect: { deadline: string; extended: string; rule: string; flags?: string[]; original?: string | null } | null;
}

const competition = (deadlines: Record<string, string>, extra: Record<string, unknown> = {}) => ({ id: 'P', method: 'competition', affected: true, deadlines, ...extra });

const CASES: Case[] = [
  // ---- EX-LOW ----
  { name: 'EX-LOW: a low failure extends nothing', incident: { level: 'low' }, procurement: competition({ acceptanceEnd: T('12:00') }), expect: null },
  // ---- EX-M-ACCEPT ----
  { name: 'EX-M-ACCEPT: worked example', incident: { level: 'medium' }, procurement: competition({ acceptanceStart: T('09:00', '2026-04-13'), acceptanceEnd: T('10:00', '2026-04-16') }), expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-16'), rule: 'EX-M-ACCEPT' } },
  { name: 'EX-M-ACCEPT: R = acceptance end', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: R }), expect: { deadline: 'acceptanceEnd', extended: T('21:00'), rule: 'EX-M-ACCEPT' } },
  { name: 'EX-M-ACCEPT: price quotations too', incident: { level: 'medium' }, procurement: { ...competition({ acceptanceEnd: T('10:00', '2026-04-16') }), method: 'price-quotations' }, expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-16'), rule: 'EX-M-ACCEPT' } },
  { name: 'EX-M-ACCEPT: acceptance starting after R does not overlap W', incident: { level: 'medium' }, procurement: competition({ acceptanceStart: T('15:31'), acceptanceEnd: T('10:00', '2026-04-16') }), expect: null },
  { name: 'EX-M-ACCEPT: acceptance starting at R overlaps W', incident: { level: 'medium' }, procurement: competition({ acceptanceStart: R, acceptanceEnd: T('10:00', '2026-04-16') }), expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-16'), rule: 'EX-M-ACCEPT' } },
  { name: 'EX-M-ACCEPT: not for auctions', incident: { level: 'medium' }, procurement: { ...competition({ acceptanceEnd: T('10:00', '2026-04-16') }), method: 'auction' }, expect: null },
  { name: 'EX-M-ACCEPT: not for procurements not marked affected', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('10:00', '2026-04-16') }, { affected: false }), expect: null },
  { name: 'EX-M-ACCEPT: affected missing means not affected', incident: { level: 'medium' }, procurement: { id: 'P', method: 'competition', deadlines: { acceptanceEnd: T('10:00', '2026-04-16') } }, expect: null },
  // ---- EX-M-ACCEPT-OVER ----
  { name: 'EX-M-ACCEPT-OVER: worked example', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('12:00') }), expect: { deadline: 'acceptanceEnd', extended: T('12:00', '2026-04-15'), rule: 'EX-M-ACCEPT-OVER' } },
  { name: 'EX-M-ACCEPT-OVER: acceptance end = S', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: S }), expect: { deadline: 'acceptanceEnd', extended: T('10:00', '2026-04-15'), rule: 'EX-M-ACCEPT-OVER' } },
  { name: 'EX-M-ACCEPT-OVER: acceptance ended before S', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('09:59') }), expect: null },
  { name: 'EX-M-ACCEPT-OVER: over Nauryz', incident: { level: 'medium', startedAt: T('10:00', '2026-03-20'), confirmedAt: T('11:00', '2026-03-20'), resolvedAt: T('15:30', '2026-03-20') }, procurement: competition({ acceptanceEnd: T('12:00', '2026-03-20') }), expect: { deadline: 'acceptanceEnd', extended: T('12:00', '2026-03-26'), rule: 'EX-M-ACCEPT-OVER' } },
  {
    name: 'EX-M-ACCEPT wins over EX-M-ACCEPT-OVER when + D is later (4-day failure ending after the acceptance end)',
    incident: { level: 'medium', startedAt: T('10:00', '2026-04-13'), confirmedAt: T('11:00', '2026-04-13'), resolvedAt: T('10:01', '2026-04-17') },
    procurement: competition({ acceptanceEnd: T('10:00', '2026-04-17') }),
    expect: { deadline: 'acceptanceEnd', extended: T('10:01', '2026-04-21'), rule: 'EX-M-ACCEPT' },
  },
  // ---- EX-M-AUCTION ----
  { name: 'EX-M-AUCTION: bidding at R', incident: { level: 'medium' }, procurement: { id: 'P', method: 'auction', affected: true, deadlines: { auctionBidding: R } }, expect: { deadline: 'auctionBidding', extended: T('15:30', '2026-04-15'), rule: 'EX-M-AUCTION', flags: ['protocolAnnulled'] } },
  { name: 'EX-M-AUCTION: bidding after R', incident: { level: 'medium' }, procurement: { id: 'P', method: 'auction', affected: true, deadlines: { auctionBidding: T('15:31') } }, expect: null },
  // ---- EX-M-CONTRACT ----
  { name: 'EX-M-CONTRACT: worked example', incident: { level: 'medium' }, procurement: competition({ contractSigning: T('14:00') }), expect: { deadline: 'contractSigning', extended: T('14:00', '2026-04-15'), rule: 'EX-M-CONTRACT' } },
  { name: 'EX-M-CONTRACT: before S', incident: { level: 'medium' }, procurement: competition({ contractSigning: T('09:59') }), expect: null },
  { name: 'EX-M-CONTRACT: ceilDays of a 49-hour failure is 3', incident: { level: 'medium', resolvedAt: T('11:00', '2026-04-16') }, procurement: competition({ contractSigning: T('09:00', '2026-04-15') }), expect: { deadline: 'contractSigning', extended: T('09:00', '2026-04-18'), rule: 'EX-M-CONTRACT' } },
  { name: 'EX-M-CONTRACT: exactly 48 hours gives 2 days', incident: { level: 'medium', resolvedAt: T('10:00', '2026-04-16') }, procurement: competition({ contractSigning: T('09:00', '2026-04-15') }), expect: { deadline: 'contractSigning', extended: T('09:00', '2026-04-17'), rule: 'EX-M-CONTRACT' } },
  // ---- EX-M-COMPLAINT ----
  { name: 'EX-M-COMPLAINT: at S', incident: { level: 'medium' }, procurement: competition({ complaints: S }), expect: { deadline: 'complaints', extended: T('10:00', '2026-04-15'), rule: 'EX-M-COMPLAINT' } },
  { name: 'EX-M-COMPLAINT: a second after R', incident: { level: 'medium' }, procurement: competition({ complaints: '2026-04-14T15:30:01+05:00' }), expect: null },
  // ---- EX-H-ACCEPT ----
  { name: 'EX-H-ACCEPT: acceptance end in W', incident: { level: 'high' }, procurement: competition({ acceptanceEnd: T('12:00') }, { affected: false }), expect: { deadline: 'acceptanceEnd', extended: T('17:30'), rule: 'EX-H-ACCEPT' } },
  { name: 'EX-H-ACCEPT: housing', incident: { level: 'high' }, procurement: { id: 'P', method: 'housing', deadlines: { acceptanceEnd: R } }, expect: { deadline: 'acceptanceEnd', extended: T('21:00'), rule: 'EX-H-ACCEPT' } },
  { name: 'EX-H-ACCEPT: acceptance end after R', incident: { level: 'high' }, procurement: competition({ acceptanceEnd: T('15:31') }), expect: null },
  { name: 'EX-H-ACCEPT: not for one-source', incident: { level: 'high' }, procurement: { id: 'P', method: 'one-source', deadlines: { acceptanceEnd: T('12:00') } }, expect: null },
  { name: 'high: another module is not extended', incident: { level: 'high', module: 'auctions' }, procurement: competition({ acceptanceEnd: T('12:00') }, { module: 'tenders' }), expect: null },
  { name: 'high: the same module is extended', incident: { level: 'high', module: 'auctions' }, procurement: competition({ acceptanceEnd: T('12:00') }, { module: 'auctions' }), expect: { deadline: 'acceptanceEnd', extended: T('17:30'), rule: 'EX-H-ACCEPT' } },
  { name: 'high: a procurement without module when the incident names one', incident: { level: 'high', module: 'auctions' }, procurement: competition({ acceptanceEnd: T('12:00') }), expect: null },
  // ---- EX-H-CONTRACT / EX-H-COMPLAINT ----
  { name: 'EX-H-CONTRACT: in W', incident: { level: 'high' }, procurement: competition({ contractSigning: R }), expect: { deadline: 'contractSigning', extended: T('15:30', '2026-04-15'), rule: 'EX-H-CONTRACT' } },
  { name: 'EX-H-CONTRACT: after W', incident: { level: 'high' }, procurement: competition({ contractSigning: T('15:31') }), expect: null },
  { name: 'EX-H-COMPLAINT: in W', incident: { level: 'high' }, procurement: competition({ complaints: T('11:00') }), expect: { deadline: 'complaints', extended: T('11:00', '2026-04-15'), rule: 'EX-H-COMPLAINT' } },
  { name: 'EX-H-COMPLAINT: before W', incident: { level: 'high' }, procurement: competition({ complaints: T('09:00') }), expect: null },
  // ---- EX-H-AUCTION ----
  { name: 'EX-H-AUCTION: bidding at S', incident: { level: 'high' }, procurement: { id: 'P', method: 'auction', deadlines: { auctionBidding: S } }, expect: { deadline: 'auctionBidding', extended: T('10:00', '2026-04-15'), rule: 'EX-H-AUCTION', flags: ['protocolAnnulled'] } },
  { name: 'EX-H-AUCTION: bidding before S', incident: { level: 'high' }, procurement: { id: 'P', method: 'auction', deadlines: { auctionBidding: T('09:59') } }, expect: null },
  // ---- EX-H-DECRYPT-OPEN / EXPIRED ----
  { name: 'EX-H-DECRYPT-OPEN: acceptance end after S', incident: { level: 'high', decryptionFailure: true }, procurement: competition({ acceptanceEnd: T('10:00', '2026-04-20') }), expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-20'), rule: 'EX-H-DECRYPT-OPEN', flags: ['resubmissionRequired'] } },
  { name: 'EX-H-DECRYPT-OPEN: a second after S', incident: { level: 'high', decryptionFailure: true }, procurement: { id: 'P', method: 'auction', deadlines: { acceptanceEnd: '2026-04-14T10:00:01+05:00' } }, expect: { deadline: 'acceptanceEnd', extended: '2026-04-14T15:30:01+05:00', rule: 'EX-H-ACCEPT', flags: ['resubmissionRequired'] } },
  { name: 'EX-H-DECRYPT-OPEN: only on decryption failure', incident: { level: 'high' }, procurement: competition({ acceptanceEnd: T('10:00', '2026-04-20') }), expect: null },
  { name: 'EX-H-DECRYPT-EXPIRED: acceptance end = S → R + 5 working days, later than EX-H-ACCEPT', incident: { level: 'high', decryptionFailure: true }, procurement: competition({ acceptanceEnd: S }), expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-21'), rule: 'EX-H-DECRYPT-EXPIRED', flags: ['resubmissionRequired'] } },
  { name: 'EX-H-DECRYPT-EXPIRED: long expired acceptance', incident: { level: 'high', decryptionFailure: true }, procurement: { id: 'P', method: 'price-quotations', deadlines: { acceptanceEnd: T('10:00', '2026-04-01') } }, expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-21'), rule: 'EX-H-DECRYPT-EXPIRED', flags: ['resubmissionRequired'] } },
  {
    name: 'EX-H-DECRYPT-EXPIRED: resolved on Saturday → 5 whole working days, until Friday 24:00',
    incident: { level: 'high', decryptionFailure: true, startedAt: T('20:00', '2026-04-17'), confirmedAt: T('20:00', '2026-04-17'), resolvedAt: T('14:00', '2026-04-18') },
    procurement: competition({ acceptanceEnd: T('18:00', '2026-04-17') }),
    expect: { deadline: 'acceptanceEnd', extended: T('00:00', '2026-04-25'), rule: 'EX-H-DECRYPT-EXPIRED', flags: ['resubmissionRequired'] },
  },
  { name: 'EX-H-DECRYPT-EXPIRED: not for medium', incident: { level: 'medium', decryptionFailure: true }, procurement: competition({ acceptanceEnd: T('10:00', '2026-04-01') }), expect: null },
  // ---- EX-PROTOCOL ----
  { name: 'EX-PROTOCOL: protocol formed in W reopens acceptance until R + 1 day', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('09:00') }, { protocolFormedAt: T('11:00') }), expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-15'), rule: 'EX-PROTOCOL', flags: ['protocolCancelled'] } },
  { name: 'EX-PROTOCOL: protocol formed before S', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('09:00') }, { protocolFormedAt: T('09:59') }), expect: null },
  { name: 'EX-PROTOCOL: wins over EX-H-ACCEPT, later', incident: { level: 'high' }, procurement: competition({ acceptanceEnd: T('12:00') }, { protocolFormedAt: T('12:00') }), expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-15'), rule: 'EX-PROTOCOL', flags: ['protocolCancelled'] } },
  { name: 'EX-PROTOCOL: no acceptance end given', incident: { level: 'high' }, procurement: competition({}, { protocolFormedAt: T('12:00') }), expect: { deadline: 'acceptanceEnd', original: null, extended: T('15:30', '2026-04-15'), rule: 'EX-PROTOCOL', flags: ['protocolCancelled'] } },
  // ---- EX-DISCUSSION ----
  { name: 'EX-DISCUSSION: ends at R', incident: { level: 'high' }, procurement: competition({ discussionEnd: R }), expect: { deadline: 'discussionEnd', extended: T('15:30', '2026-04-15'), rule: 'EX-DISCUSSION' } },
  { name: 'EX-DISCUSSION: ends after R', incident: { level: 'medium' }, procurement: competition({ discussionEnd: T('15:31') }), expect: null },
  { name: 'EX-DISCUSSION: not for low', incident: { level: 'low' }, procurement: competition({ discussionEnd: T('12:00') }), expect: null },
  // ---- EX-MAINT ----
  ...(['acceptanceEnd', 'opening', 'admission', 'results', 'contractSigning'] as const).map((deadline): Case => ({
    name: `EX-MAINT: ${deadline} inside the window`,
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: { id: 'P', method: 'auction', deadlines: { [deadline]: T('00:00', '2026-04-19') } },
    expect: { deadline, extended: T('08:00', '2026-04-19'), rule: 'EX-MAINT' },
  })),
  { name: 'EX-MAINT: at the window end', maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') }, procurement: competition({ opening: T('06:00', '2026-04-19') }), expect: { deadline: 'opening', extended: T('14:00', '2026-04-19'), rule: 'EX-MAINT' } },
  { name: 'EX-MAINT: after the window', maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') }, procurement: competition({ opening: T('06:01', '2026-04-19') }), expect: null },
  { name: 'EX-MAINT: complaints are not among its deadlines', maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') }, procurement: competition({ complaints: T('00:00', '2026-04-19') }), expect: null },
  { name: 'EX-MAINT: energy-366 has no maintenance rule', policy: 'energy-366', maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') }, procurement: competition({ acceptanceEnd: T('00:00', '2026-04-19') }), expect: null },
  // ---- EX-FORCE-MAJEURE ----
  { name: 'EX-FORCE-MAJEURE: nothing automatic', incident: { level: 'high', forceMajeure: true }, procurement: competition({ acceptanceEnd: T('12:00') }), expect: null },
  // ---- EX-N-ACCEPT (energy-366) ----
  { name: 'EX-N-ACCEPT: acceptance end on the failure date, in W', policy: 'energy-366', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('12:00') }), expect: { deadline: 'acceptanceEnd', extended: T('12:00', '2026-04-15'), rule: 'EX-N-ACCEPT' } },
  { name: 'EX-N-ACCEPT: later the same date', policy: 'energy-366', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('23:00') }), expect: { deadline: 'acceptanceEnd', extended: T('23:00', '2026-04-15'), rule: 'EX-N-ACCEPT' } },
  { name: 'EX-N-ACCEPT: the next date', policy: 'energy-366', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('00:00', '2026-04-15') }), expect: null },
  { name: 'EX-N-ACCEPT: the same date before S', policy: 'energy-366', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('09:59') }), expect: null },
  { name: 'EX-N-ACCEPT: protocols formed in W annulled', policy: 'energy-366', incident: { level: 'high' }, procurement: competition({ acceptanceEnd: T('16:00') }, { protocolFormedAt: T('12:00'), affected: false }), expect: { deadline: 'acceptanceEnd', extended: T('16:00', '2026-04-15'), rule: 'EX-N-ACCEPT', flags: ['protocolAnnulled'] } },
  { name: 'EX-N-ACCEPT: medium reaches affected only', policy: 'energy-366', incident: { level: 'medium' }, procurement: competition({ acceptanceEnd: T('12:00') }, { affected: false }), expect: null },
];

function run(c: Case) {
  const incident = c.incident ? { level: 'medium', startedAt: S, confirmedAt: T('11:00'), resolvedAt: R, ...c.incident } : undefined;
  return rulesDeadlines({ policy: c.policy ?? 'portal-692', ...(incident ? { incident } : { maintenance: c.maintenance }), procurements: [c.procurement] });
}

describe('deadline extensions, each rule on both sides of its boundary', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const out = run(c);
      if (c.expect === null) return assert.deepEqual(out.extensions, []);
      assert.equal(out.extensions.length, 1, JSON.stringify(out.extensions));
      const e = out.extensions[0];
      assert.ok(e);
      assert.equal(e.rule, c.expect.rule);
      assert.equal(e.deadline, c.expect.deadline);
      assert.equal(e.extended, c.expect.extended);
      assert.deepEqual(e.flags, c.expect.flags ?? []);
      if (c.expect.original !== undefined) assert.equal(e.original, c.expect.original);
    });
  }
  it('every EX rule of the policies has a case', () => {
    const named = new Set(CASES.flatMap((c) => [c.name.split(':')[0] as string, c.expect?.rule ?? '']));
    for (const r of [...EXTENSION_RULES, ...ENERGY_RULES]) assert.ok(named.has(r.id), r.id);
  });
});

describe('the medium worked example as one input', () => {
  const out = rulesDeadlines({
    policy: 'portal-692',
    incident: { level: 'medium', startedAt: S, confirmedAt: T('11:00'), resolvedAt: R },
    procurements: [
      { id: 'ANN-1', method: 'competition', affected: true, deadlines: { acceptanceEnd: T('12:00') } },
      { id: 'ANN-2', method: 'competition', affected: true, deadlines: { acceptanceStart: T('09:00', '2026-04-13'), acceptanceEnd: T('10:00', '2026-04-16') } },
      { id: 'ANN-3', method: 'price-quotations', affected: true, deadlines: { contractSigning: T('14:00') } },
      { id: 'ANN-4', method: 'competition', deadlines: { acceptanceEnd: T('12:00') } },
    ],
  });
  it('lists only moved deadlines, citing the rules', () =>
    assert.deepEqual(out.extensions, [
      { subject: 'ANN-1', deadline: 'acceptanceEnd', original: '2026-04-14T12:00:00+05:00', extended: '2026-04-15T12:00:00+05:00', rule: 'EX-M-ACCEPT-OVER', flags: [] },
      { subject: 'ANN-2', deadline: 'acceptanceEnd', original: '2026-04-16T10:00:00+05:00', extended: '2026-04-16T15:30:00+05:00', rule: 'EX-M-ACCEPT', flags: [] },
      { subject: 'ANN-3', deadline: 'contractSigning', original: '2026-04-14T14:00:00+05:00', extended: '2026-04-15T14:00:00+05:00', rule: 'EX-M-CONTRACT', flags: [] },
    ]));
  it('reports the level, the duration and the scope', () => {
    assert.equal(out.level, 'medium');
    assert.equal(out.failureMinutes, 330);
    assert.deepEqual(out.notes, ['medium: only procurements marked affected: true are extended (3 of 4)']);
  });
});

describe('tariffs (EX-TARIFF)', () => {
  const tariffs = (level: string, resolvedAt: string, validUntil: string) =>
    rulesDeadlines({ policy: 'portal-692', incident: { level, startedAt: S, confirmedAt: S, resolvedAt }, tariffs: [{ id: 'TAR-1', validUntil }] }).tariffs;
  it('validUntil on the failure date: + 1 day', () => assert.deepEqual(tariffs('medium', R, '2026-04-14'), [{ id: 'TAR-1', validUntil: '2026-04-14', extendedUntil: '2026-04-15', rule: 'EX-TARIFF' }]));
  it('validUntil the day before: untouched', () => assert.deepEqual(tariffs('high', R, '2026-04-13'), []));
  it('validUntil the day after: untouched', () => assert.deepEqual(tariffs('high', R, '2026-04-15'), []));
  it('a 2-day-1-hour failure touching validUntil: + 3 days', () => assert.deepEqual(tariffs('high', T('11:00', '2026-04-16'), '2026-04-16'), [{ id: 'TAR-1', validUntil: '2026-04-16', extendedUntil: '2026-04-19', rule: 'EX-TARIFF' }]));
  it('not for low', () => assert.deepEqual(tariffs('low', R, '2026-04-14'), []));
});

describe('outcomes without extension', () => {
  it('force majeure asks for the owner agreement with the duration in days', () => {
    const out = rulesDeadlines({
      policy: 'portal-692',
      incident: { level: 'high', startedAt: S, confirmedAt: S, resolvedAt: T('11:00', '2026-04-16'), forceMajeure: true },
      procurements: [competition({ acceptanceEnd: T('12:00') })],
      tariffs: [{ id: 'TAR-1', validUntil: '2026-04-14' }],
    });
    assert.deepEqual(out.extensions, []);
    assert.deepEqual(out.tariffs, []);
    assert.deepEqual(out.requiresOwnerAgreement, { rule: 'EX-FORCE-MAJEURE', durationDays: 3 });
    assert.match(out.notes[0] ?? '', /^EX-FORCE-MAJEURE \(001 §15\.10\): .* lasted 3 day\(s\)$/);
  });
  it('low cites EX-LOW', () => {
    const out = rulesDeadlines({ policy: 'portal-692', incident: { level: 'low', startedAt: S, confirmedAt: S, resolvedAt: R }, procurements: [] });
    assert.deepEqual(out.notes, ['EX-LOW (002 §15): low level: no suspension, no extension']);
    assert.equal(out.requiresOwnerAgreement, undefined);
  });
  it('a deadline already later than the rule gives is not moved, and the cancelled protocol is noted', () => {
    const out = rulesDeadlines({
      policy: 'portal-692',
      incident: { level: 'medium', startedAt: S, confirmedAt: S, resolvedAt: R },
      procurements: [{ id: 'P', method: 'one-source', affected: true, protocolFormedAt: T('12:00'), deadlines: { acceptanceEnd: T('10:00', '2026-04-30') } }],
    });
    assert.deepEqual(out.extensions, []);
    assert.ok(out.notes.includes('P: acceptanceEnd not moved (already later than EX-PROTOCOL gives); still protocolCancelled'), out.notes.join('\n'));
  });
});
