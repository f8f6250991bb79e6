import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/errors.ts';
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

const competition = (deadlines: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  id: 'P',
  method: 'competition',
  affected: true,
  deadlines,
  ...extra,
});

const CASES: Case[] = [
  // ---- EX-LOW ----
  {
    name: 'EX-LOW: a low failure extends nothing',
    incident: { level: 'low' },
    procurement: competition({ acceptanceEnd: T('12:00') }),
    expect: null,
  },
  // ---- EX-M-ACCEPT ----
  {
    name: 'EX-M-ACCEPT: worked example',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceStart: T('09:00', '2026-04-13'), acceptanceEnd: T('10:00', '2026-04-16') }),
    expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-16'), rule: 'EX-M-ACCEPT' },
  },
  {
    name: 'EX-M-ACCEPT: R = acceptance end',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: R }),
    expect: { deadline: 'acceptanceEnd', extended: T('21:00'), rule: 'EX-M-ACCEPT' },
  },
  {
    name: 'EX-M-ACCEPT: price quotations too',
    incident: { level: 'medium' },
    procurement: { ...competition({ acceptanceEnd: T('10:00', '2026-04-16') }), method: 'price-quotations' },
    expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-16'), rule: 'EX-M-ACCEPT' },
  },
  {
    name: 'EX-M-ACCEPT: acceptance starting after R does not overlap W',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceStart: T('15:31'), acceptanceEnd: T('10:00', '2026-04-16') }),
    expect: null,
  },
  {
    name: 'EX-M-ACCEPT: acceptance starting at R overlaps W',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceStart: R, acceptanceEnd: T('10:00', '2026-04-16') }),
    expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-16'), rule: 'EX-M-ACCEPT' },
  },
  {
    name: 'EX-M-ACCEPT: not for auctions',
    incident: { level: 'medium' },
    procurement: { ...competition({ acceptanceEnd: T('10:00', '2026-04-16') }), method: 'auction' },
    expect: null,
  },
  {
    name: 'EX-M-ACCEPT: not for procurements not marked affected',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('10:00', '2026-04-16') }, { affected: false }),
    expect: null,
  },
  {
    name: 'EX-M-ACCEPT: affected missing means not affected',
    incident: { level: 'medium' },
    procurement: { id: 'P', method: 'competition', deadlines: { acceptanceEnd: T('10:00', '2026-04-16') } },
    expect: null,
  },
  // ---- EX-M-ACCEPT-OVER ----
  {
    name: 'EX-M-ACCEPT-OVER: worked example',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('12:00') }),
    expect: { deadline: 'acceptanceEnd', extended: T('12:00', '2026-04-15'), rule: 'EX-M-ACCEPT-OVER' },
  },
  {
    name: 'EX-M-ACCEPT-OVER: acceptance end = S',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: S }),
    expect: { deadline: 'acceptanceEnd', extended: T('10:00', '2026-04-15'), rule: 'EX-M-ACCEPT-OVER' },
  },
  {
    name: 'EX-M-ACCEPT-OVER: acceptance ended before S',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('09:59') }),
    expect: null,
  },
  {
    name: 'EX-M-ACCEPT-OVER: over Nauryz',
    incident: {
      level: 'medium',
      startedAt: T('10:00', '2026-03-20'),
      confirmedAt: T('11:00', '2026-03-20'),
      resolvedAt: T('15:30', '2026-03-20'),
    },
    procurement: competition({ acceptanceEnd: T('12:00', '2026-03-20') }),
    expect: { deadline: 'acceptanceEnd', extended: T('12:00', '2026-03-26'), rule: 'EX-M-ACCEPT-OVER' },
  },
  ...(['auction', 'housing', 'one-source', 'price-quotations'] as const).map((method): Case => ({
    name: `EX-M-ACCEPT-OVER: any method with an acceptance end (${method}), digest example`,
    incident: {
      level: 'medium',
      startedAt: T('10:00', '2026-06-10'),
      confirmedAt: T('10:30', '2026-06-10'),
      resolvedAt: T('20:00', '2026-06-10'),
    },
    procurement: { id: 'P', method, affected: true, deadlines: { acceptanceEnd: T('18:00', '2026-06-10') } },
    expect: { deadline: 'acceptanceEnd', extended: T('18:00', '2026-06-11'), rule: 'EX-M-ACCEPT-OVER' },
  })),
  {
    name: 'EX-M-ACCEPT-OVER: an auction whose new acceptance end falls after its bidding is flagged biddingRescheduleRequired',
    incident: {
      level: 'medium',
      startedAt: T('10:00', '2026-06-10'),
      confirmedAt: T('10:30', '2026-06-10'),
      resolvedAt: T('20:00', '2026-06-10'),
    },
    procurement: {
      id: 'P',
      method: 'auction',
      affected: true,
      deadlines: { acceptanceEnd: T('18:00', '2026-06-10'), auctionBidding: T('10:00', '2026-06-11') },
    },
    expect: {
      deadline: 'acceptanceEnd',
      extended: T('18:00', '2026-06-11'),
      rule: 'EX-M-ACCEPT-OVER',
      flags: ['biddingRescheduleRequired'],
    },
  },
  {
    name: 'EX-M-ACCEPT-OVER: an auction bidding after the new acceptance end is not flagged',
    incident: {
      level: 'medium',
      startedAt: T('10:00', '2026-06-10'),
      confirmedAt: T('10:30', '2026-06-10'),
      resolvedAt: T('20:00', '2026-06-10'),
    },
    procurement: {
      id: 'P',
      method: 'auction',
      affected: true,
      deadlines: { acceptanceEnd: T('18:00', '2026-06-10'), auctionBidding: T('10:00', '2026-06-12') },
    },
    expect: { deadline: 'acceptanceEnd', extended: T('18:00', '2026-06-11'), rule: 'EX-M-ACCEPT-OVER' },
  },
  {
    name: 'EX-M-ACCEPT-OVER: over midnight, NWD after the date of R',
    incident: {
      level: 'medium',
      startedAt: T('17:00', '2026-06-10'),
      confirmedAt: T('17:30', '2026-06-10'),
      resolvedAt: T('01:00', '2026-06-11'),
    },
    procurement: { id: 'P', method: 'auction', affected: true, deadlines: { acceptanceEnd: T('18:00', '2026-06-10') } },
    expect: { deadline: 'acceptanceEnd', extended: T('18:00', '2026-06-12'), rule: 'EX-M-ACCEPT-OVER' },
  },
  {
    name: 'EX-M-ACCEPT-OVER: Friday before the May 9 holiday moved to Monday 11 → Tuesday',
    incident: {
      level: 'medium',
      startedAt: T('16:00', '2026-05-08'),
      confirmedAt: T('16:30', '2026-05-08'),
      resolvedAt: T('20:00', '2026-05-08'),
    },
    procurement: { id: 'P', method: 'housing', affected: true, deadlines: { acceptanceEnd: T('18:00', '2026-05-08') } },
    expect: { deadline: 'acceptanceEnd', extended: T('18:00', '2026-05-12'), rule: 'EX-M-ACCEPT-OVER' },
  },
  {
    name: 'EX-M-ACCEPT wins over EX-M-ACCEPT-OVER when + D is later (4-day failure ending after the acceptance end)',
    incident: {
      level: 'medium',
      startedAt: T('10:00', '2026-04-13'),
      confirmedAt: T('11:00', '2026-04-13'),
      resolvedAt: T('10:01', '2026-04-17'),
    },
    procurement: competition({ acceptanceEnd: T('10:00', '2026-04-17') }),
    expect: { deadline: 'acceptanceEnd', extended: T('10:01', '2026-04-21'), rule: 'EX-M-ACCEPT' },
  },
  // ---- EX-M-AUCTION ----
  {
    name: 'EX-M-AUCTION: bidding at R',
    incident: { level: 'medium' },
    procurement: { id: 'P', method: 'auction', affected: true, deadlines: { auctionBidding: R } },
    expect: { deadline: 'auctionBidding', extended: T('15:30', '2026-04-15'), rule: 'EX-M-AUCTION', flags: ['protocolAnnulled'] },
  },
  {
    name: 'EX-M-AUCTION: bidding after R',
    incident: { level: 'medium' },
    procurement: { id: 'P', method: 'auction', affected: true, deadlines: { auctionBidding: T('15:31') } },
    expect: null,
  },
  // ---- EX-M-CONTRACT ----
  {
    name: 'EX-M-CONTRACT: worked example',
    incident: { level: 'medium' },
    procurement: competition({ contractSigning: T('14:00') }),
    expect: { deadline: 'contractSigning', extended: T('14:00', '2026-04-15'), rule: 'EX-M-CONTRACT' },
  },
  {
    name: 'EX-M-CONTRACT: before S',
    incident: { level: 'medium' },
    procurement: competition({ contractSigning: T('09:59') }),
    expect: null,
  },
  {
    name: 'EX-M-CONTRACT: ceilDays of a 49-hour failure is 3',
    incident: { level: 'medium', resolvedAt: T('11:00', '2026-04-16') },
    procurement: competition({ contractSigning: T('09:00', '2026-04-15') }),
    expect: { deadline: 'contractSigning', extended: T('09:00', '2026-04-18'), rule: 'EX-M-CONTRACT' },
  },
  {
    name: 'EX-M-CONTRACT: exactly 48 hours gives 2 days',
    incident: { level: 'medium', resolvedAt: T('10:00', '2026-04-16') },
    procurement: competition({ contractSigning: T('09:00', '2026-04-15') }),
    expect: { deadline: 'contractSigning', extended: T('09:00', '2026-04-17'), rule: 'EX-M-CONTRACT' },
  },
  // ---- EX-M-COMPLAINT ----
  {
    name: 'EX-M-COMPLAINT: at S',
    incident: { level: 'medium' },
    procurement: competition({ complaints: S }),
    expect: { deadline: 'complaints', extended: T('10:00', '2026-04-15'), rule: 'EX-M-COMPLAINT' },
  },
  {
    name: 'EX-M-COMPLAINT: a second after R',
    incident: { level: 'medium' },
    procurement: competition({ complaints: '2026-04-14T15:30:01+05:00' }),
    expect: null,
  },
  // ---- EX-H-ACCEPT ----
  {
    name: 'EX-H-ACCEPT: acceptance end in W',
    incident: { level: 'high' },
    procurement: competition({ acceptanceEnd: T('12:00') }, { affected: false }),
    expect: { deadline: 'acceptanceEnd', extended: T('17:30'), rule: 'EX-H-ACCEPT' },
  },
  {
    name: 'EX-H-ACCEPT: housing',
    incident: { level: 'high' },
    procurement: { id: 'P', method: 'housing', deadlines: { acceptanceEnd: R } },
    expect: { deadline: 'acceptanceEnd', extended: T('21:00'), rule: 'EX-H-ACCEPT' },
  },
  {
    name: 'EX-H-ACCEPT: acceptance period starting after R',
    incident: { level: 'high' },
    procurement: competition({ acceptanceStart: T('15:31'), acceptanceEnd: T('18:00', '2026-04-16') }),
    expect: null,
  },
  {
    name: 'EX-H-ACCEPT: acceptance period starting at R overlaps W',
    incident: { level: 'high' },
    procurement: competition({ acceptanceStart: R, acceptanceEnd: T('18:00', '2026-04-16') }),
    expect: { deadline: 'acceptanceEnd', extended: T('23:30', '2026-04-16'), rule: 'EX-H-ACCEPT' },
  },
  {
    name: 'EX-H-ACCEPT: ending after R (no start given: the period overlaps W)',
    incident: { level: 'high' },
    procurement: competition({ acceptanceEnd: T('15:31') }),
    expect: { deadline: 'acceptanceEnd', extended: T('21:01'), rule: 'EX-H-ACCEPT' },
  },
  {
    name: 'EX-H-ACCEPT: ended before S',
    incident: { level: 'high' },
    procurement: competition({ acceptanceStart: T('09:00', '2026-04-13'), acceptanceEnd: T('09:59') }),
    expect: null,
  },
  {
    name: 'EX-H-ACCEPT: digest example, failure in the middle of the acceptance period',
    incident: {
      level: 'high',
      startedAt: T('10:00', '2026-06-10'),
      confirmedAt: T('10:30', '2026-06-10'),
      resolvedAt: T('14:00', '2026-06-10'),
    },
    procurement: competition({ acceptanceStart: T('09:00', '2026-06-08'), acceptanceEnd: T('18:00', '2026-06-12') }),
    expect: { deadline: 'acceptanceEnd', extended: T('22:00', '2026-06-12'), rule: 'EX-H-ACCEPT' },
  },
  {
    name: 'EX-H-ACCEPT: failure past the acceptance end still gives + D (§15.8), over midnight',
    incident: {
      level: 'high',
      startedAt: T('17:00', '2026-06-10'),
      confirmedAt: T('17:30', '2026-06-10'),
      resolvedAt: T('02:00', '2026-06-11'),
    },
    procurement: {
      id: 'P',
      method: 'housing',
      deadlines: { acceptanceStart: T('09:00', '2026-06-01'), acceptanceEnd: T('18:00', '2026-06-10') },
    },
    expect: { deadline: 'acceptanceEnd', extended: T('03:00', '2026-06-11'), rule: 'EX-H-ACCEPT' },
  },
  {
    name: 'EX-H-ACCEPT: not for one-source',
    incident: { level: 'high' },
    procurement: { id: 'P', method: 'one-source', deadlines: { acceptanceEnd: T('12:00') } },
    expect: null,
  },
  {
    name: 'high: another module is not extended',
    incident: { level: 'high', module: 'auctions' },
    procurement: competition({ acceptanceEnd: T('12:00') }, { module: 'tenders' }),
    expect: null,
  },
  {
    name: 'high: the same module is extended',
    incident: { level: 'high', module: 'auctions' },
    procurement: competition({ acceptanceEnd: T('12:00') }, { module: 'auctions' }),
    expect: { deadline: 'acceptanceEnd', extended: T('17:30'), rule: 'EX-H-ACCEPT' },
  },
  {
    name: 'high: a procurement without module when the incident names one',
    incident: { level: 'high', module: 'auctions' },
    procurement: competition({ acceptanceEnd: T('12:00') }),
    expect: null,
  },
  // ---- EX-H-CONTRACT / EX-H-COMPLAINT ----
  {
    name: 'EX-H-CONTRACT: in W',
    incident: { level: 'high' },
    procurement: competition({ contractSigning: R }),
    expect: { deadline: 'contractSigning', extended: T('15:30', '2026-04-15'), rule: 'EX-H-CONTRACT' },
  },
  { name: 'EX-H-CONTRACT: after W', incident: { level: 'high' }, procurement: competition({ contractSigning: T('15:31') }), expect: null },
  {
    name: 'EX-H-COMPLAINT: in W',
    incident: { level: 'high' },
    procurement: competition({ complaints: T('11:00') }),
    expect: { deadline: 'complaints', extended: T('11:00', '2026-04-15'), rule: 'EX-H-COMPLAINT' },
  },
  { name: 'EX-H-COMPLAINT: before W', incident: { level: 'high' }, procurement: competition({ complaints: T('09:00') }), expect: null },
  // ---- EX-H-AUCTION ----
  {
    name: 'EX-H-AUCTION: bidding at S',
    incident: { level: 'high' },
    procurement: { id: 'P', method: 'auction', deadlines: { auctionBidding: S } },
    expect: { deadline: 'auctionBidding', extended: T('10:00', '2026-04-15'), rule: 'EX-H-AUCTION', flags: ['protocolAnnulled'] },
  },
  {
    name: 'EX-H-AUCTION: bidding before S',
    incident: { level: 'high' },
    procurement: { id: 'P', method: 'auction', deadlines: { auctionBidding: T('09:59') } },
    expect: null,
  },
  // ---- EX-H-DECRYPT-OPEN / EXPIRED ----
  {
    name: 'EX-H-DECRYPT-OPEN: acceptance end after S',
    incident: { level: 'high', decryptionFailure: true },
    procurement: competition({ acceptanceEnd: T('10:00', '2026-04-20') }),
    expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-20'), rule: 'EX-H-DECRYPT-OPEN', flags: ['resubmissionRequired'] },
  },
  {
    name: 'EX-H-DECRYPT-OPEN: a second after S (ties with EX-H-ACCEPT and is cited, the more specific)',
    incident: { level: 'high', decryptionFailure: true },
    procurement: { id: 'P', method: 'auction', deadlines: { acceptanceEnd: '2026-04-14T10:00:01+05:00' } },
    expect: {
      deadline: 'acceptanceEnd',
      extended: '2026-04-14T15:30:01+05:00',
      rule: 'EX-H-DECRYPT-OPEN',
      flags: ['resubmissionRequired'],
    },
  },
  {
    name: 'EX-H-DECRYPT-OPEN: only on decryption failure',
    incident: { level: 'high' },
    procurement: competition({ acceptanceStart: T('09:00', '2026-04-16'), acceptanceEnd: T('10:00', '2026-04-20') }),
    expect: null,
  },
  {
    name: 'EX-H-DECRYPT-EXPIRED: acceptance end = S → R + 5 working days, later than EX-H-ACCEPT',
    incident: { level: 'high', decryptionFailure: true },
    procurement: competition({ acceptanceEnd: S }),
    expect: {
      deadline: 'acceptanceEnd',
      extended: T('15:30', '2026-04-21'),
      rule: 'EX-H-DECRYPT-EXPIRED',
      flags: ['resubmissionRequired'],
    },
  },
  {
    name: 'EX-H-DECRYPT-EXPIRED: long expired acceptance',
    incident: { level: 'high', decryptionFailure: true },
    procurement: { id: 'P', method: 'price-quotations', deadlines: { acceptanceEnd: T('10:00', '2026-04-01') } },
    expect: {
      deadline: 'acceptanceEnd',
      extended: T('15:30', '2026-04-21'),
      rule: 'EX-H-DECRYPT-EXPIRED',
      flags: ['resubmissionRequired'],
    },
  },
  {
    name: 'EX-H-DECRYPT-EXPIRED: resolved on Saturday → 5 whole working days, until Friday 24:00',
    incident: {
      level: 'high',
      decryptionFailure: true,
      startedAt: T('20:00', '2026-04-17'),
      confirmedAt: T('20:00', '2026-04-17'),
      resolvedAt: T('14:00', '2026-04-18'),
    },
    procurement: competition({ acceptanceEnd: T('18:00', '2026-04-17') }),
    expect: {
      deadline: 'acceptanceEnd',
      extended: T('00:00', '2026-04-25'),
      rule: 'EX-H-DECRYPT-EXPIRED',
      flags: ['resubmissionRequired'],
    },
  },
  {
    name: 'EX-H-DECRYPT-EXPIRED: not for medium',
    incident: { level: 'medium', decryptionFailure: true },
    procurement: competition({ acceptanceEnd: T('10:00', '2026-04-01') }),
    expect: null,
  },
  // ---- EX-PROTOCOL ----
  {
    name: 'EX-PROTOCOL: protocol formed in W reopens acceptance until R + 1 day',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('09:00') }, { protocolFormedAt: T('11:00'), appealed: true }),
    expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-15'), rule: 'EX-PROTOCOL', flags: ['protocolCancelled'] },
  },
  {
    name: "EX-PROTOCOL: only on users' appeals (no appealed: true, nothing moves)",
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('09:00') }, { protocolFormedAt: T('11:00') }),
    expect: null,
  },
  {
    name: 'EX-PROTOCOL: appealed: false',
    incident: { level: 'high' },
    procurement: competition({}, { protocolFormedAt: T('12:00'), appealed: false }),
    expect: null,
  },
  {
    name: 'EX-PROTOCOL: an appealed procurement is in the medium scope without affected',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('09:00') }, { protocolFormedAt: T('11:00'), appealed: true, affected: undefined }),
    expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-15'), rule: 'EX-PROTOCOL', flags: ['protocolCancelled'] },
  },
  {
    name: 'EX-PROTOCOL: protocol formed before S',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('09:00') }, { protocolFormedAt: T('09:59'), appealed: true }),
    expect: null,
  },
  {
    name: 'EX-PROTOCOL: wins over EX-H-ACCEPT, later',
    incident: { level: 'high' },
    procurement: competition({ acceptanceEnd: T('12:00') }, { protocolFormedAt: T('12:00'), appealed: true }),
    expect: { deadline: 'acceptanceEnd', extended: T('15:30', '2026-04-15'), rule: 'EX-PROTOCOL', flags: ['protocolCancelled'] },
  },
  {
    name: 'EX-PROTOCOL: no acceptance end given',
    incident: { level: 'high' },
    procurement: competition({}, { protocolFormedAt: T('12:00'), appealed: true }),
    expect: {
      deadline: 'acceptanceEnd',
      original: null,
      extended: T('15:30', '2026-04-15'),
      rule: 'EX-PROTOCOL',
      flags: ['protocolCancelled'],
    },
  },
  {
    name: 'EX-PROTOCOL: over midnight, R + 1 calendar day over the Nauryz days off',
    incident: {
      level: 'high',
      startedAt: T('22:00', '2026-03-20'),
      confirmedAt: T('22:30', '2026-03-20'),
      resolvedAt: T('03:00', '2026-03-21'),
    },
    procurement: competition({}, { protocolFormedAt: T('00:00', '2026-03-21'), appealed: true }),
    expect: {
      deadline: 'acceptanceEnd',
      original: null,
      extended: T('03:00', '2026-03-22'),
      rule: 'EX-PROTOCOL',
      flags: ['protocolCancelled'],
    },
  },
  // ---- EX-DISCUSSION ----
  {
    name: 'EX-DISCUSSION: ends at R',
    incident: { level: 'high' },
    procurement: competition({ discussionEnd: R }, { appealed: true }),
    expect: { deadline: 'discussionEnd', extended: T('15:30', '2026-04-15'), rule: 'EX-DISCUSSION' },
  },
  {
    name: "EX-DISCUSSION: only on a user's appeal",
    incident: { level: 'high' },
    procurement: competition({ discussionEnd: R }),
    expect: null,
  },
  {
    name: 'EX-DISCUSSION: ends after R',
    incident: { level: 'medium' },
    procurement: competition({ discussionEnd: T('15:31') }, { appealed: true }),
    expect: null,
  },
  {
    name: 'EX-DISCUSSION: not for low',
    incident: { level: 'low' },
    procurement: competition({ discussionEnd: T('12:00') }, { appealed: true }),
    expect: null,
  },
  // ---- EX-UNSCRUPULOUS ----
  {
    name: 'EX-UNSCRUPULOUS: digest example, signing open 1 calendar day from the annulment',
    incident: {
      level: 'medium',
      startedAt: T('10:00', '2026-06-09'),
      confirmedAt: T('10:30', '2026-06-09'),
      resolvedAt: T('14:00', '2026-06-09'),
    },
    procurement: competition(
      { contractSigning: T('12:00', '2026-06-09') },
      { affected: undefined, unscrupulousAnnulledAt: T('15:00', '2026-06-10') },
    ),
    expect: { deadline: 'contractSigning', extended: T('15:00', '2026-06-11'), rule: 'EX-UNSCRUPULOUS', flags: ['listingAnnulled'] },
  },
  {
    name: 'EX-UNSCRUPULOUS: no signing deadline given',
    incident: { level: 'high' },
    procurement: competition({}, { unscrupulousAnnulledAt: T('18:00') }),
    expect: {
      deadline: 'contractSigning',
      original: null,
      extended: T('18:00', '2026-04-15'),
      rule: 'EX-UNSCRUPULOUS',
      flags: ['listingAnnulled'],
    },
  },
  {
    name: 'EX-UNSCRUPULOUS: annulled on the eve of Nauryz, one calendar day (a holiday) all the same',
    incident: {
      level: 'high',
      startedAt: T('10:00', '2026-03-20'),
      confirmedAt: T('10:30', '2026-03-20'),
      resolvedAt: T('12:00', '2026-03-20'),
    },
    procurement: competition({ contractSigning: T('11:00', '2026-03-20') }, { unscrupulousAnnulledAt: T('17:00', '2026-03-20') }),
    expect: { deadline: 'contractSigning', extended: T('17:00', '2026-03-21'), rule: 'EX-UNSCRUPULOUS', flags: ['listingAnnulled'] },
  },
  {
    name: 'EX-UNSCRUPULOUS: not for low',
    incident: { level: 'low' },
    procurement: competition({ contractSigning: T('12:00') }, { unscrupulousAnnulledAt: T('18:00') }),
    expect: null,
  },
  // ---- EX-MAINT ----
  ...(['acceptanceEnd', 'opening', 'admission', 'results', 'contractSigning'] as const).map((deadline): Case => ({
    name: `EX-MAINT: ${deadline} inside the window`,
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: { id: 'P', method: 'auction', deadlines: { [deadline]: T('00:00', '2026-04-19') } },
    expect: { deadline, extended: T('08:00', '2026-04-19'), rule: 'EX-MAINT' },
  })),
  {
    name: 'EX-MAINT: at the window end',
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ opening: T('06:00', '2026-04-19') }),
    expect: { deadline: 'opening', extended: T('14:00', '2026-04-19'), rule: 'EX-MAINT' },
  },
  {
    name: 'EX-MAINT: digest example, after the window on its last date (Sunday 07:00)',
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ acceptanceEnd: T('07:00', '2026-04-19') }),
    expect: { deadline: 'acceptanceEnd', extended: T('15:00', '2026-04-19'), rule: 'EX-MAINT' },
  },
  {
    name: 'EX-MAINT: digest example, results on the next date stay',
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ results: T('09:00', '2026-04-20') }),
    expect: null,
  },
  {
    name: 'EX-MAINT: before the window on its first date (Saturday 10:00)',
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ contractSigning: T('10:00', '2026-04-18') }),
    expect: { deadline: 'contractSigning', extended: T('18:00', '2026-04-18'), rule: 'EX-MAINT' },
  },
  {
    name: "EX-MAINT: the last second of the works' last date",
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ opening: '2026-04-19T23:59:59+05:00' }),
    expect: { deadline: 'opening', extended: '2026-04-20T07:59:59+05:00', rule: 'EX-MAINT' },
  },
  {
    name: 'EX-MAINT: the date before the works',
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ opening: '2026-04-17T23:59:59+05:00' }),
    expect: null,
  },
  {
    name: 'EX-MAINT: complaints are not among its deadlines',
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ complaints: T('00:00', '2026-04-19') }),
    expect: null,
  },
  {
    name: 'EX-MAINT: energy-366 has no maintenance rule',
    policy: 'energy-366',
    maintenance: { startsAt: T('22:00', '2026-04-18'), endsAt: T('06:00', '2026-04-19') },
    procurement: competition({ acceptanceEnd: T('00:00', '2026-04-19') }),
    expect: null,
  },
  // ---- EX-FORCE-MAJEURE ----
  {
    name: 'EX-FORCE-MAJEURE: nothing automatic',
    incident: { level: 'high', forceMajeure: true },
    procurement: competition({ acceptanceEnd: T('12:00') }),
    expect: null,
  },
  // ---- EX-N-ACCEPT (energy-366) ----
  {
    name: 'EX-N-ACCEPT: acceptance end on the failure date, in W',
    policy: 'energy-366',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('12:00') }),
    expect: { deadline: 'acceptanceEnd', extended: T('12:00', '2026-04-15'), rule: 'EX-N-ACCEPT' },
  },
  {
    name: 'EX-N-ACCEPT: later the same date',
    policy: 'energy-366',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('23:00') }),
    expect: { deadline: 'acceptanceEnd', extended: T('23:00', '2026-04-15'), rule: 'EX-N-ACCEPT' },
  },
  {
    name: 'EX-N-ACCEPT: the next date',
    policy: 'energy-366',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('00:00', '2026-04-15') }),
    expect: null,
  },
  {
    name: 'EX-N-ACCEPT: the same date before S',
    policy: 'energy-366',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('09:59') }),
    expect: null,
  },
  {
    name: 'EX-N-ACCEPT: high reaches every procurement (annulled protocols are listed apart, EX-N-PROTOCOL)',
    policy: 'energy-366',
    incident: { level: 'high' },
    procurement: competition({ acceptanceEnd: T('16:00') }, { protocolFormedAt: T('12:00'), affected: false }),
    expect: { deadline: 'acceptanceEnd', extended: T('16:00', '2026-04-15'), rule: 'EX-N-ACCEPT' },
  },
  {
    name: 'EX-N-ACCEPT: medium reaches affected only',
    policy: 'energy-366',
    incident: { level: 'medium' },
    procurement: competition({ acceptanceEnd: T('12:00') }, { affected: false }),
    expect: null,
  },
];

function run(c: Case) {
  const incident = c.incident ? { level: 'medium', startedAt: S, confirmedAt: T('11:00'), resolvedAt: R, ...c.incident } : undefined;
  return rulesDeadlines({
    policy: c.policy ?? 'portal-692',
    ...(incident ? { incident } : { maintenance: c.maintenance }),
    procurements: [c.procurement],
  });
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
      {
        id: 'ANN-2',
        method: 'competition',
        affected: true,
        deadlines: { acceptanceStart: T('09:00', '2026-04-13'), acceptanceEnd: T('10:00', '2026-04-16') },
      },
      { id: 'ANN-3', method: 'price-quotations', affected: true, deadlines: { contractSigning: T('14:00') } },
      { id: 'ANN-4', method: 'competition', deadlines: { acceptanceEnd: T('12:00') } },
    ],
  });
  it('lists only moved deadlines, citing the rules', () =>
    assert.deepEqual(out.extensions, [
      {
        subject: 'ANN-1',
        deadline: 'acceptanceEnd',
        original: '2026-04-14T12:00:00+05:00',
        extended: '2026-04-15T12:00:00+05:00',
        rule: 'EX-M-ACCEPT-OVER',
        flags: [],
      },
      {
        subject: 'ANN-2',
        deadline: 'acceptanceEnd',
        original: '2026-04-16T10:00:00+05:00',
        extended: '2026-04-16T15:30:00+05:00',
        rule: 'EX-M-ACCEPT',
        flags: [],
      },
      {
        subject: 'ANN-3',
        deadline: 'contractSigning',
        original: '2026-04-14T14:00:00+05:00',
        extended: '2026-04-15T14:00:00+05:00',
        rule: 'EX-M-CONTRACT',
        flags: [],
      },
    ]));
  it('reports the level, the duration and the scope', () => {
    assert.equal(out.level, 'medium');
    assert.equal(out.failureMinutes, 330);
    assert.deepEqual(out.notes, ['medium: only procurements marked affected: true (or appealed: true) are extended (3 of 4)']);
  });
});

describe('tariffs (EX-TARIFF)', () => {
  const tariffs = (level: string, resolvedAt: string, validUntil: string) =>
    rulesDeadlines({
      policy: 'portal-692',
      incident: { level, startedAt: S, confirmedAt: S, resolvedAt },
      tariffs: [{ id: 'TAR-1', validUntil }],
    }).tariffs;
  it('validUntil on the failure date: + 1 day', () =>
    assert.deepEqual(tariffs('medium', R, '2026-04-14'), [
      { id: 'TAR-1', validUntil: '2026-04-14', extendedUntil: '2026-04-15', rule: 'EX-TARIFF' },
    ]));
  it('validUntil the day before: untouched', () => assert.deepEqual(tariffs('high', R, '2026-04-13'), []));
  it('validUntil the day after: untouched', () => assert.deepEqual(tariffs('high', R, '2026-04-15'), []));
  it('a 2-day-1-hour failure touching validUntil: + 3 days', () =>
    assert.deepEqual(tariffs('high', T('11:00', '2026-04-16'), '2026-04-16'), [
      { id: 'TAR-1', validUntil: '2026-04-16', extendedUntil: '2026-04-19', rule: 'EX-TARIFF' },
    ]));
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
    const out = rulesDeadlines({
      policy: 'portal-692',
      incident: { level: 'low', startedAt: S, confirmedAt: S, resolvedAt: R },
      procurements: [],
    });
    assert.deepEqual(out.notes, [
      'EX-LOW (002 §15): low level: no suspension, no extension after confirmation (EX-ANALYSIS still covers the time before it)',
    ]);
    assert.equal(out.requiresOwnerAgreement, undefined);
  });
  it('a deadline already later than the rule gives is not moved, and the cancelled protocol is noted', () => {
    const out = rulesDeadlines({
      policy: 'portal-692',
      incident: { level: 'medium', startedAt: S, confirmedAt: S, resolvedAt: R },
      procurements: [
        {
          id: 'P',
          method: 'one-source',
          affected: true,
          appealed: true,
          protocolFormedAt: T('12:00'),
          deadlines: { acceptanceEnd: T('10:00', '2026-04-30') },
        },
      ],
    });
    assert.deepEqual(out.extensions, []);
    assert.ok(
      out.notes.includes('P: acceptanceEnd not moved (already later than EX-PROTOCOL gives); still protocolCancelled'),
      out.notes.join('\n'),
    );
  });
});

const at = (hhmm: string, day = '2026-06-10') => T(hhmm, day);

describe('EX-ANALYSIS: an acceptance end passing while the report is analysed (002 §10)', () => {
  const p = (acceptanceEnd: string, extra: Record<string, unknown> = {}) => ({
    id: 'P',
    method: 'competition',
    deadlines: { acceptanceEnd },
    ...extra,
  });
  const cases: {
    name: string;
    policy?: string;
    incident: Record<string, unknown>;
    procurement: Record<string, unknown>;
    expect: { extended: string; rule: string } | null;
  }[] = [
    {
      name: 'digest example: confirmed low 11:30, acceptance end 11:00 → 11:30',
      incident: { level: 'low', startedAt: at('10:00'), confirmedAt: at('11:30'), resolvedAt: at('14:00') },
      procurement: p(at('11:00')),
      expect: { extended: at('11:30'), rule: 'EX-ANALYSIS' },
    },
    {
      name: 'refuted: moves to the refutation',
      incident: { startedAt: at('10:00'), refutedAt: at('11:30') },
      procurement: p(at('11:00')),
      expect: { extended: at('11:30'), rule: 'EX-ANALYSIS' },
    },
    {
      name: 'refuted, receivedAt later than startedAt: an end before the receipt stays',
      incident: { startedAt: at('09:00'), receivedAt: at('10:00'), refutedAt: at('11:30') },
      procurement: p(at('09:30')),
      expect: null,
    },
    {
      name: 'refuted: an end at the receipt moves',
      incident: { startedAt: at('09:00'), receivedAt: at('10:00'), refutedAt: at('11:30') },
      procurement: p(at('10:00')),
      expect: { extended: at('11:30'), rule: 'EX-ANALYSIS' },
    },
    {
      name: 'refuted: an end at the refutation stays',
      incident: { startedAt: at('10:00'), refutedAt: at('11:30') },
      procurement: p(at('11:30')),
      expect: null,
    },
    {
      name: 'refuted: an end after the refutation stays',
      incident: { startedAt: at('10:00'), refutedAt: at('11:30') },
      procurement: p(at('11:31')),
      expect: null,
    },
    {
      name: 'lunch: received 12:50, refuted after lunch 14:40, end 13:30 → 14:40',
      incident: { startedAt: at('12:50'), refutedAt: at('14:40') },
      procurement: p(at('13:30')),
      expect: { extended: at('14:40'), rule: 'EX-ANALYSIS' },
    },
    {
      name: 'over midnight and into Nauryz: received Fri 2026-03-20 23:00, refuted Mar 21 01:00',
      incident: { startedAt: T('23:00', '2026-03-20'), refutedAt: T('01:00', '2026-03-21') },
      procurement: p(T('00:00', '2026-03-21')),
      expect: { extended: T('01:00', '2026-03-21'), rule: 'EX-ANALYSIS' },
    },
    {
      name: 'medium, a procurement not marked affected still gets the analysis time',
      incident: { level: 'medium', startedAt: at('10:00'), confirmedAt: at('11:30'), resolvedAt: at('14:00') },
      procurement: p(at('11:00')),
      expect: { extended: at('11:30'), rule: 'EX-ANALYSIS' },
    },
    {
      name: 'medium, affected: the later rule (EX-M-ACCEPT-OVER) wins',
      incident: { level: 'medium', startedAt: at('10:00'), confirmedAt: at('11:30'), resolvedAt: at('14:00') },
      procurement: p(at('11:00'), { affected: true }),
      expect: { extended: T('11:00', '2026-06-11'), rule: 'EX-M-ACCEPT-OVER' },
    },
    {
      name: 'high naming a module: another module’s procurement is not concerned',
      incident: { level: 'high', module: 'auctions', startedAt: at('10:00'), confirmedAt: at('11:30'), resolvedAt: at('14:00') },
      procurement: p(at('11:00'), { module: 'tenders' }),
      expect: null,
    },
    {
      name: 'refuted naming a module: a procurement appealed about is concerned',
      incident: { module: 'auctions', startedAt: at('10:00'), refutedAt: at('11:30') },
      procurement: p(at('11:00'), { module: 'tenders', appealed: true }),
      expect: { extended: at('11:30'), rule: 'EX-ANALYSIS' },
    },
    {
      name: 'not in energy-366',
      policy: 'energy-366',
      incident: { startedAt: at('10:00'), refutedAt: at('11:30') },
      procurement: p(at('11:00')),
      expect: null,
    },
    {
      name: 'force majeure: nothing automatic',
      incident: { level: 'high', forceMajeure: true, startedAt: at('10:00'), confirmedAt: at('11:30'), resolvedAt: at('14:00') },
      procurement: p(at('11:00')),
      expect: null,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = rulesDeadlines({ policy: c.policy ?? 'portal-692', incident: c.incident, procurements: [c.procurement] });
      if (c.expect === null) return assert.deepEqual(out.extensions, []);
      assert.equal(out.extensions.length, 1, JSON.stringify(out.extensions));
      assert.equal(out.extensions[0]?.extended, c.expect.extended);
      assert.equal(out.extensions[0]?.rule, c.expect.rule);
    });
  }
  it('a refuted report is reported as level "refuted" with no failure minutes and a note', () => {
    const out = rulesDeadlines({
      policy: 'portal-692',
      incident: { startedAt: at('10:00'), refutedAt: at('11:30') },
      procurements: [],
      tariffs: [{ id: 'T', validUntil: '2026-06-10' }],
    });
    assert.equal(out.level, 'refuted');
    assert.equal(out.failureMinutes, 0);
    assert.deepEqual(out.tariffs, []);
    assert.deepEqual(out.notes, ['refuted: no failure, so no level rule applies']);
  });
});

describe('EX-TARIFF follows the length of the procurement extension (001 §25)', () => {
  const incident = {
    level: 'medium',
    startedAt: at('16:00', '2026-06-12'),
    confirmedAt: at('16:30', '2026-06-12'),
    resolvedAt: at('20:00', '2026-06-12'),
  };
  const procurements = [
    { id: 'FRI', method: 'competition', affected: true, deadlines: { acceptanceEnd: at('18:00', '2026-06-12') } },
    { id: 'SIGN', method: 'competition', affected: true, deadlines: { contractSigning: at('17:00', '2026-06-12') } },
  ];
  const tariffs = (
    ts: Record<string, unknown>[],
    procs: Record<string, unknown>[] = procurements,
    inc: Record<string, unknown> = incident,
  ) =>
    rulesDeadlines({ policy: 'portal-692', incident: inc, procurements: procs, tariffs: ts }).tariffs.map(
      (t) => `${t.id} ${t.validUntil} → ${t.extendedUntil} ${t.rule}`,
    );
  it('digest example: acceptance Fri → Mon (3 days), a tariff valid until Friday → Monday', () =>
    assert.deepEqual(tariffs([{ id: 'T', validUntil: '2026-06-12' }]), ['T 2026-06-12 → 2026-06-15 EX-TARIFF']));
  it('a tariff naming its procurements follows theirs only (signing + 1 day)', () =>
    assert.deepEqual(tariffs([{ id: 'T', validUntil: '2026-06-12', procurements: ['SIGN'] }]), ['T 2026-06-12 → 2026-06-13 EX-TARIFF']));
  it('no acceptance or signing extended: max(1, ceilDays(D))', () =>
    assert.deepEqual(tariffs([{ id: 'T', validUntil: '2026-06-12' }], []), ['T 2026-06-12 → 2026-06-13 EX-TARIFF']));
  it('a tariff expiring on another date is untouched', () => assert.deepEqual(tariffs([{ id: 'T', validUntil: '2026-06-11' }]), []));
  it('over Nauryz: acceptance Fri 2026-03-20 → Thu 03-26 (6 days), the tariff likewise', () =>
    assert.deepEqual(
      tariffs(
        [{ id: 'T', validUntil: '2026-03-20' }],
        [{ id: 'N', method: 'auction', affected: true, deadlines: { acceptanceEnd: at('18:00', '2026-03-20') } }],
        {
          level: 'medium',
          startedAt: at('16:00', '2026-03-20'),
          confirmedAt: at('16:30', '2026-03-20'),
          resolvedAt: at('20:00', '2026-03-20'),
        },
      ),
      ['T 2026-03-20 → 2026-03-26 EX-TARIFF'],
    ));
  it('a high failure of 4 hours over an end: + D under EX-H-ACCEPT, under one day → + 1 day', () =>
    assert.deepEqual(
      tariffs(
        [{ id: 'T', validUntil: '2026-06-12' }],
        [{ id: 'H', method: 'competition', deadlines: { acceptanceEnd: at('18:00', '2026-06-12') } }],
        { ...incident, level: 'high' },
      ),
      ['T 2026-06-12 → 2026-06-13 EX-TARIFF'],
    ));
});

describe('energy-366: annulments (EX-N-PROTOCOL, §29.4) and duties (EX-N-RESULTS, §29.5–29.6)', () => {
  const incident = (level: string) => ({
    level,
    startedAt: at('11:00', '2026-07-03'),
    confirmedAt: at('11:30', '2026-07-03'),
    resolvedAt: at('13:00', '2026-07-03'),
  });
  const run = (level: string, procs: Record<string, unknown>[]) =>
    rulesDeadlines({ policy: 'energy-366', incident: incident(level), procurements: procs });
  it('digest example: a protocol formed in W is annulled though nothing is extended', () => {
    const out = run('medium', [
      {
        id: 'E',
        method: 'competition',
        protocolFormedAt: at('12:00', '2026-07-03'),
        deadlines: { acceptanceEnd: at('18:00', '2026-07-02') },
      },
    ]);
    assert.deepEqual(out.extensions, []);
    assert.deepEqual(out.annulments, [
      { procurement: 'E', what: 'protocol', formedAt: '2026-07-03T12:00:00+05:00', rule: 'EX-N-PROTOCOL' },
    ]);
  });
  it('at any level, affected or not', () => {
    for (const level of ['low', 'medium', 'high'])
      assert.equal(
        run(level, [{ id: 'E', method: 'auction', affected: false, protocolFormedAt: at('13:00', '2026-07-03'), deadlines: {} }]).annulments
          .length,
        1,
        level,
      );
  });
  it('with an extension too (Friday → Tuesday: Monday 2026-07-06 is a holiday)', () => {
    const out = run('high', [
      {
        id: 'E',
        method: 'competition',
        protocolFormedAt: at('11:00', '2026-07-03'),
        deadlines: { acceptanceEnd: at('17:00', '2026-07-03') },
      },
    ]);
    assert.deepEqual(
      out.extensions.map((e) => `${e.extended} ${e.rule} ${e.flags.join()}`),
      ['2026-07-07T17:00:00+05:00 EX-N-ACCEPT '],
    );
    assert.equal(out.annulments[0]?.rule, 'EX-N-PROTOCOL');
  });
  it('a protocol formed outside W is not annulled', () => {
    assert.deepEqual(
      run('high', [{ id: 'E', method: 'competition', protocolFormedAt: at('13:01', '2026-07-03'), deadlines: {} }]).annulments,
      [],
    );
    assert.deepEqual(
      run('high', [{ id: 'E', method: 'competition', protocolFormedAt: at('10:59', '2026-07-03'), deadlines: {} }]).annulments,
      [],
    );
  });
  it('duties: results affected → re-run; unreliable listing → cancel', () =>
    assert.deepEqual(
      run('medium', [
        { id: 'A', method: 'competition', resultsAffected: true, deadlines: {} },
        { id: 'B', method: 'competition', listedUnreliable: true, resultsAffected: false, deadlines: {} },
      ]).duties,
      [
        { procurement: 'A', duty: 'rerun-procedures', rule: 'EX-N-RESULTS' },
        { procurement: 'B', duty: 'cancel-unreliable-listing', rule: 'EX-N-RESULTS' },
      ],
    ));
  it('portal-692 lists no annulments of this kind', () =>
    assert.deepEqual(
      rulesDeadlines({
        policy: 'portal-692',
        incident: incident('high'),
        procurements: [{ id: 'E', method: 'competition', protocolFormedAt: at('12:00', '2026-07-03'), deadlines: {} }],
      }).annulments,
      [],
    ));
});

describe('new input fields are validated, naming the field', () => {
  const incident = { level: 'medium', startedAt: at('10:00'), confirmedAt: at('11:00'), resolvedAt: at('15:00') };
  function rejects(input: unknown, ...expected: string[]) {
    assert.throws(
      () => rulesDeadlines(input),
      (e: unknown) => {
        assert.ok(e instanceof InputError, String(e));
        assert.deepEqual(
          e.issues.map((i) => `${i.field}: ${i.message}`),
          expected,
        );
        return true;
      },
    );
  }
  it('receivedAt and refutedAt must be date-times', () =>
    rejects(
      { policy: 'portal-692', incident: { startedAt: at('10:00'), receivedAt: 'soon', refutedAt: '2026-06-10 11:00' } },
      'incident.receivedAt: not an ISO 8601 date-time with offset',
      'incident.refutedAt: not an ISO 8601 date-time with offset',
    ));
  it('receivedAt before startedAt', () =>
    rejects({ policy: 'portal-692', incident: { ...incident, receivedAt: at('09:00') } }, 'incident.receivedAt: is before startedAt'));
  it('confirmedAt before receivedAt', () =>
    rejects({ policy: 'portal-692', incident: { ...incident, receivedAt: at('11:30') } }, 'incident.confirmedAt: is before receivedAt'));
  it('refutedAt before receivedAt', () =>
    rejects(
      { policy: 'portal-692', incident: { startedAt: at('10:00'), receivedAt: at('10:30'), refutedAt: at('10:15') } },
      'incident.refutedAt: is before receivedAt',
    ));
  it('refutedAt with confirmedAt', () =>
    rejects(
      { policy: 'portal-692', incident: { ...incident, refutedAt: at('11:00') } },
      'incident.refutedAt: give either confirmedAt or refutedAt, not both',
    ));
  it('resolvedAt may be left out only where the level extends nothing (portal-692 low)', () => {
    const low = { level: 'low', startedAt: at('10:00'), confirmedAt: at('11:30') };
    assert.equal(
      rulesDeadlines({
        policy: 'portal-692',
        incident: low,
        procurements: [{ id: 'A', method: 'competition', deadlines: { acceptanceEnd: at('11:00') } }],
      }).extensions[0]?.extended,
      at('11:30'),
    );
    rejects(
      { policy: 'portal-692', incident: { ...low, level: 'medium' } },
      'incident.resolvedAt: required (or refutedAt for a refuted report)',
    );
    rejects({ policy: 'energy-366', incident: low }, 'incident.resolvedAt: required (or refutedAt for a refuted report)');
  });
  it('neither confirmed nor refuted', () =>
    rejects(
      { policy: 'portal-692', incident: { startedAt: at('10:00') } },
      'incident.level: required (or refutedAt for a refuted report)',
      'incident.confirmedAt: required (or refutedAt for a refuted report)',
      'incident.resolvedAt: required (or refutedAt for a refuted report)',
    ));
  it('appealed, resultsAffected, listedUnreliable must be booleans', () =>
    rejects(
      {
        policy: 'portal-692',
        incident,
        procurements: [{ id: 'A', method: 'competition', appealed: 'yes', resultsAffected: 1, listedUnreliable: null, deadlines: {} }],
      },
      'procurements[0].appealed: must be true or false',
      'procurements[0].resultsAffected: must be true or false',
      'procurements[0].listedUnreliable: must be true or false',
    ));
  it('unscrupulousAnnulledAt must be a date-time, not before the failure', () => {
    rejects(
      {
        policy: 'portal-692',
        incident,
        procurements: [{ id: 'A', method: 'competition', unscrupulousAnnulledAt: 'tomorrow', deadlines: {} }],
      },
      'procurements[0].unscrupulousAnnulledAt: not an ISO 8601 date-time with offset',
    );
    rejects(
      {
        policy: 'portal-692',
        incident,
        procurements: [{ id: 'A', method: 'competition', unscrupulousAnnulledAt: at('09:00'), deadlines: {} }],
      },
      'procurements[0].unscrupulousAnnulledAt: is before incident.startedAt',
    );
  });
  it("a tariff's procurements must be ids of the input", () => {
    rejects(
      {
        policy: 'portal-692',
        incident,
        procurements: [{ id: 'A', method: 'competition', deadlines: {} }],
        tariffs: [{ id: 'T', validUntil: '2026-06-10', procurements: ['A', 'B'] }],
      },
      'tariffs[0].procurements[1]: names no procurement of the input: "B"',
    );
    rejects(
      { policy: 'portal-692', incident, tariffs: [{ id: 'U', validUntil: '2026-06-10', procurements: 'A' }] },
      'tariffs[0].procurements: must be an array',
    );
  });
});
