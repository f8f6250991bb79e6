/**
 * portal-692 — the state procurement web portal (goszakup): Order No. 692 of the Minister of Finance,
 * the Rules of using the portal and the Rules of its operation during technical failures, edition in
 * force ("Предлагаемая редакция" of 001; Kazakh wording in 002). docs/rules.md §3–§6.
 *
 * Source points: "001 §N" is a point of the new edition of the failure rules (regulation text 001,
 * column «Предлагаемая редакция»); "002 §N" a point of the Kazakh text 002; "(new)" marks points
 * that the new edition adds.
 */
import {
  atLeastOneDay,
  daysOfExtension,
  inWindow,
  isDayTouchedBy,
  onDateTouchedBy,
  nextWorkingDayAfterResolution,
  plusCalendarDays,
  plusDuration,
  plusWorkingDaysFromResolution,
} from '../window.ts';
import type {
  AnalysisRule,
  ClassificationRule,
  ClockRule,
  ExtensionRule,
  LeadTimeRule,
  NoExtensionRule,
  Policy,
  SlaTimer,
  TariffRule,
  UntimedDutyRule,
} from './types.ts';

export const CLASSIFICATION: readonly ClassificationRule[] = [
  {
    id: 'CL-P-LOW',
    level: 'low',
    source: '001 §12.1',
    definition:
      'does not prevent procurement procedures or taking part in them, contract approval/signing, discussion, complaints, notices, objections, conclusions',
  },
  {
    id: 'CL-P-MED',
    level: 'medium',
    source: '001 §12.2',
    definition:
      'one or several participants cannot take part in a procurement, approve/sign a contract, discuss, complain, send notices/objections/conclusions; prior work of users is or may be lost',
  },
  {
    id: 'CL-P-HIGH',
    level: 'high',
    source: '001 §12.3',
    definition: 'one or more modules of the System stopped or unavailable so that ALL users cannot take part',
  },
];

export const SLA_TIMERS: readonly SlaTimer[] = [
  {
    id: 'SLA-P-REPORT',
    duty: 'user reports the failure',
    startsAt: 'detection by the user',
    spec: { kind: 'clock-minutes', minutes: 60 },
    informational: true,
    interpretation: 'within 1 hour of detecting it; informational: flag late reports, never reject them',
    source: '001 §5.1',
  },
  {
    id: 'SLA-P-REGISTER',
    duty: 'register the appeal in the journal',
    startsAt: 'receipt of the appeal',
    spec: { kind: 'working-minutes', desk: 'portal-contact-centre', minutes: 30 },
    interpretation: '30 working minutes from receipt; outside working time from the next opening, in lunch from the end of lunch',
    source: '001 §6',
  },
  {
    id: 'SLA-P-ID',
    duty: 'e-mail the unique incident id to the user',
    startsAt: 'registration',
    spec: { kind: 'clock-minutes', minutes: 60 },
    interpretation: '60 minutes of clock time from registration',
    source: '001 §7',
  },
  {
    id: 'SLA-P-ANALYSE',
    duty: 'confirm or refute the failure',
    startsAt: 'receipt of the appeal',
    spec: { kind: 'working-minutes', desk: 'portal-contact-centre', minutes: 120 },
    interpretation: '120 working minutes from receipt',
    source: '001 §8',
  },
  {
    id: 'SLA-P-REFUTE',
    duty: 'tell the user it was refuted, with evidence',
    startsAt: 'refutation',
    spec: { kind: 'clock-minutes', minutes: 30 },
    interpretation: '30 minutes from refutation',
    source: '001 §10',
  },
  {
    id: 'SLA-P-LOW-NOTIFY',
    duty: 'low: tell the reporting user the level and planned fix time',
    startsAt: 'confirmation',
    spec: { kind: 'clock-minutes', minutes: 30 },
    interpretation: '30 minutes from confirmation',
    source: '001 §13.1',
  },
  {
    id: 'SLA-P-MED-HOME',
    duty: 'medium: homepage notice (announcement and lot numbers, level, planned fix, extension) if several participants are affected',
    startsAt: 'confirmation',
    spec: { kind: 'clock-minutes', minutes: 60 },
    interpretation: '60 minutes from confirmation',
    source: '001 §14.1',
  },
  {
    id: 'SLA-P-MED-NOTIFY',
    duty: 'medium: notify the reporting user and all suppliers of the affected procurements',
    startsAt: 'confirmation',
    spec: { kind: 'clock-minutes', minutes: 60 },
    interpretation: '60 minutes from confirmation',
    source: '001 §14.2',
  },
  {
    id: 'SLA-P-HIGH-OWNER',
    duty: 'high: tell the owner (ministry) in writing, by e-mail and phone',
    startsAt: 'confirmation',
    spec: { kind: 'clock-minutes', minutes: 5 },
    interpretation: 'immediately (target: 5 minutes)',
    source: '001 §15.1',
  },
  {
    id: 'SLA-P-HIGH-HOME',
    duty: "high: homepage notice; if the homepage is down, the operator's own site and the contact centre",
    startsAt: 'confirmation',
    spec: { kind: 'clock-minutes', minutes: 30 },
    interpretation: '30 minutes from confirmation',
    source: '001 §15.3',
  },
  {
    id: 'SLA-P-HIGH-REPORT',
    duty: 'high: written report to the owner (cause, measures, result, extensions, prevention)',
    startsAt: 'resolution',
    spec: { kind: 'next-working-day-at', time: '18:30' },
    interpretation: '"within 1 working day": 18:30 of the first working day after the Astana date of resolution',
    source: '001 §15.13',
  },
  {
    // «При поступлении информации о возникновении технического сбоя оператор в целях подтверждения …»
    id: 'SLA-P-OWNER-MEDHIGH',
    duty: "medium/high: inform the owner's IT and security unit (in writing, by e-mail and phone) in order to confirm",
    startsAt: 'receipt of the failure information',
    spec: { kind: 'clock-minutes', minutes: 5 },
    interpretation:
      'from receipt once the proposed level is medium or high, and also when medium/high comes only at confirmation (still from receipt): receipt + 5 minutes of clock time; met only by the message to that unit, never by the public notice',
    source: '001 §19',
  },
];

/** Untimed duties: tracked done / not done. */
export const DUTIES: readonly UntimedDutyRule[] = [
  {
    // 002 §15.3 «техникалық іркіліс жойылғаннан кейін … жұмыс жүргізудің аяқталғаны және техникалық іркілістің жойылғаны туралы қайта хабарлайды»
    id: 'SLA-P-LOW-FIXED',
    duty: 'low: after the fix, tell the reporting users (registered e-mail or phone) that the works are finished and the failure is fixed',
    startsAt: 'resolution',
    interpretation:
      'untimed: sent when the incident is resolved, by e-mail to every reporting user of the incident (its appeals and those linked to it); tracked done / not done',
    source: '002 §15.3 (survives as new §13.3)',
  },
];

/** "At least 2 calendar days before" planned maintenance (001 §18; usage rules §28). */
/** Which timers run for an incident, from which event, and what meets each. */
export const CLOCKS: readonly ClockRule[] = [
  { timer: 'SLA-P-REPORT', start: 'userDetected', met: 'received', sources: ['appeal'], informational: true },
  { timer: 'SLA-P-REGISTER', start: 'received', met: 'registered', sources: ['appeal'] },
  { timer: 'SLA-P-ID', start: 'registered', met: 'manual', sources: ['appeal'] },
  { timer: 'SLA-P-ANALYSE', start: 'received', met: 'decided' },
  { timer: 'SLA-P-REFUTE', start: 'refuted', met: 'manual', sources: ['appeal'] },
  { timer: 'SLA-P-LOW-NOTIFY', start: 'confirmed', met: 'manual', levels: ['low'], sources: ['appeal'] },
  { timer: 'SLA-P-MED-HOME', start: 'confirmed', met: 'manual', levels: ['medium'] },
  { timer: 'SLA-P-MED-NOTIFY', start: 'confirmed', met: 'manual', levels: ['medium'] },
  { timer: 'SLA-P-HIGH-OWNER', start: 'confirmed', met: 'manual', levels: ['high'] },
  { timer: 'SLA-P-HIGH-HOME', start: 'confirmed', met: 'manual', levels: ['high'] },
  { timer: 'SLA-P-HIGH-REPORT', start: 'resolved', met: 'manual', levels: ['high'] },
  // 001 §19 «При поступлении информации … в целях подтверждения»: from receipt, whether medium/high is
  // proposed at once or only confirmed later; met only by the message to the owner's IT and security
  // unit (notices/incident-notices.ts), never by the public notice.
  { timer: 'SLA-P-OWNER-MEDHIGH', start: 'received', met: 'manual', levels: ['medium', 'high'], proposedLevels: true },
  // 002 §15.3 (new §13.3): after the fix of a low failure the reporting users are told the works are
  // finished; met by that e-mail (notices/incident-notices.ts).
  { timer: 'SLA-P-LOW-FIXED', start: 'resolved', met: 'manual', levels: ['low'], sources: ['appeal'], untimed: true },
];

export const LEAD_TIMES: readonly LeadTimeRule[] = [
  {
    audience: 'portal-users',
    days: 2,
    unit: 'calendar',
    notice: 'planned technical and preventive works, preferably on weekends and holidays: announced on the homepage and to the users',
    source: '001 §18, usage rules §28',
  },
];

const TENDER_METHODS = ['competition', 'price-quotations', 'auction', 'housing'] as const;

export const EXTENSION_RULES: readonly ExtensionRule[] = [
  // ---- medium (001 §14) ----
  {
    id: 'EX-M-ACCEPT',
    source: '001 §14.3',
    occasions: ['medium'],
    summary: 'acceptance of applications/price offers (competition, price quotations; not auction) overlapping W: acceptanceEnd + D',
    methods: ['competition', 'price-quotations'],
    deadlines: ['acceptanceEnd'],
    // The digest adds "and R ≤ acceptance end", leaving R > acceptance end to EX-M-ACCEPT-OVER alone.
    // 001 §14.3 has no such condition, and with it a failure lasting a minute longer could give an
    // earlier deadline (a 4-day failure ending just after the acceptance end would get NWD(R) instead
    // of acceptanceEnd + 4 days). So both rules are weighed when R > acceptance end and the later
    // wins; whenever R ≤ acceptance end this is exactly the digest's reading.
    hits: (end, w, p) => end !== undefined && (p.deadlines.acceptanceStart ?? -Infinity) <= w.end && w.start <= end,
    extend: (end, w) => plusDuration(end as number, w),
  },
  {
    // «по государственным закупкам с техническим сбоем, превышающим срок приема заявок …» names no
    // method (unlike §14.3): every method with an acceptance end, auctions and housing included. An
    // auction whose new acceptance end falls after its (moved) bidding is flagged
    // biddingRescheduleRequired by the engine, for whichever rule moved it.
    id: 'EX-M-ACCEPT-OVER',
    source: '001 §14.7',
    occasions: ['medium'],
    summary:
      'failure lasting past the acceptance end (S ≤ acceptanceEnd < R), any method (§14.7 names none, unlike §14.3): NWD(R), same time; for competition and price quotations the later of this and EX-M-ACCEPT',
    deadlines: ['acceptanceEnd'],
    hits: (end, w) => end !== undefined && w.start <= end && end < w.end,
    extend: (end, w) => nextWorkingDayAfterResolution(w, end as number),
  },
  {
    id: 'EX-M-AUCTION',
    source: '001 §14.4',
    occasions: ['medium'],
    summary: 'auction 2nd round in W: NWD(R), same time; the auto-formed auction protocol and bids are annulled',
    methods: ['auction'],
    deadlines: ['auctionBidding'],
    flags: ['protocolAnnulled'],
    hits: (t, w) => inWindow(t, w),
    extend: (t, w) => nextWorkingDayAfterResolution(w, t as number),
  },
  {
    id: 'EX-M-CONTRACT',
    source: '001 §14.5',
    occasions: ['medium'],
    summary: 'contract approval/signing deadline in W: + max(1, ceilDays(D)) calendar days',
    deadlines: ['contractSigning'],
    hits: (t, w) => inWindow(t, w),
    extend: (t, w) => plusCalendarDays(t as number, atLeastOneDay(w)),
  },
  {
    id: 'EX-M-COMPLAINT',
    source: '001 §14.6',
    occasions: ['medium'],
    summary: 'deadline for complaints, notices, objections, conclusions in W: + max(1, ceilDays(D)) calendar days',
    deadlines: ['complaints'],
    hits: (t, w) => inWindow(t, w),
    extend: (t, w) => plusCalendarDays(t as number, atLeastOneDay(w)),
  },
  // ---- high (001 §15) ----
  {
    id: 'EX-H-CONTRACT',
    source: '001 §15.5',
    occasions: ['high'],
    summary: 'contract approval/signing deadline in W: + max(1, ceilDays(D)) calendar days',
    deadlines: ['contractSigning'],
    hits: (t, w) => inWindow(t, w),
    extend: (t, w) => plusCalendarDays(t as number, atLeastOneDay(w)),
  },
  {
    id: 'EX-H-COMPLAINT',
    source: '001 §15.6',
    occasions: ['high'],
    summary: 'complaints/notices/objections/conclusions deadline in W: + max(1, ceilDays(D)) calendar days',
    deadlines: ['complaints'],
    hits: (t, w) => inWindow(t, w),
    extend: (t, w) => plusCalendarDays(t as number, atLeastOneDay(w)),
  },
  {
    id: 'EX-H-AUCTION',
    source: '001 §15.7',
    occasions: ['high'],
    summary: 'auction bidding stage in W: NWD(R), same time; the auto-formed auction protocol and bids are annulled',
    methods: ['auction'],
    deadlines: ['auctionBidding'],
    flags: ['protocolAnnulled'],
    hits: (t, w) => inWindow(t, w),
    extend: (t, w) => nextWorkingDayAfterResolution(w, t as number),
  },
  {
    id: 'EX-H-DECRYPT-OPEN',
    source: '001 §15.9',
    occasions: ['high'],
    onlyOnDecryptionFailure: true,
    summary:
      'price offers cannot be decrypted and acceptance had not ended at S (acceptance end > S): acceptanceEnd + D; suppliers resubmit',
    methods: TENDER_METHODS,
    deadlines: ['acceptanceEnd'],
    flags: ['resubmissionRequired'],
    hits: (end, w) => end !== undefined && end > w.start,
    extend: (end, w) => plusDuration(end as number, w),
  },
  {
    id: 'EX-H-DECRYPT-EXPIRED',
    source: '001 §15.10',
    occasions: ['high'],
    onlyOnDecryptionFailure: true,
    summary:
      'price offers cannot be decrypted and acceptance had ended (acceptance end ≤ S): R + 5 working days (a resolution on a non-working day counts from the end of the last working day before it); suppliers resubmit',
    methods: TENDER_METHODS,
    deadlines: ['acceptanceEnd'],
    flags: ['resubmissionRequired'],
    hits: (end, w) => end !== undefined && end <= w.start,
    extend: (_end, w) => plusWorkingDaysFromResolution(w, 5),
  },
  // After the decryption rules, which win a tie with it: the same + D, cited by the more specific rule.
  {
    // «при совпадении срока приема заявок» (§15.4): the acceptance period overlapping W, not only its
    // end; «на срок устранения проблемы» (§15.8): + D also when R is after the acceptance end.
    id: 'EX-H-ACCEPT',
    source: '001 §15.2, §15.4, §15.8',
    occasions: ['high'],
    summary:
      'acceptance period overlapping W ((acceptanceStart or −∞) ≤ R and S ≤ acceptanceEnd; competition, auction, housing, price quotations): acceptanceEnd + D, also when R is after the acceptance end',
    methods: TENDER_METHODS,
    deadlines: ['acceptanceEnd'],
    hits: (end, w, p) => end !== undefined && (p.deadlines.acceptanceStart ?? -Infinity) <= w.end && w.start <= end,
    extend: (t, w) => plusDuration(t as number, w),
  },
  // ---- medium and high, points added by the new edition ----
  {
    // «по обращениям пользователей … о невозможности участия»: only on users' appeals.
    id: 'EX-PROTOCOL',
    source: '001 §26 (new)',
    occasions: ['medium', 'high'],
    summary:
      "on users' appeals (appealed: true): an opening/results protocol formed in W is cancelled; acceptanceEnd' = R + 1 calendar day",
    deadlines: ['acceptanceEnd'],
    flags: ['protocolCancelled'],
    hits: (_end, w, p) => p.appealed === true && inWindow(p.protocolFormedAt, w),
    extend: (_end, w) => plusCalendarDays(w.end, 1),
  },
  {
    // «В случае обращения пользователя …»: only on a user's appeal.
    id: 'EX-DISCUSSION',
    source: '001 §28 (new)',
    occasions: ['medium', 'high'],
    summary: "on a user's appeal (appealed: true): discussion of the tender documentation ending in W: + 1 calendar day",
    deadlines: ['discussionEnd'],
    hits: (t, w, p) => p.appealed === true && inWindow(t, w),
    extend: (t) => plusCalendarDays(t as number, 1),
  },
  {
    // «аннулирует решение … о признании его недобросовестным участником … предоставляет … функционал
    // для подписания договора в течение 1 (одного) календарного дня»: from the annulment, recorded by
    // the operator (console action) as unscrupulousAnnulledAt.
    id: 'EX-UNSCRUPULOUS',
    source: '001 §27 (new)',
    occasions: ['medium', 'high'],
    summary:
      "on the supplier's appeal, its listing as unscrupulous caused by a confirmed failure during contract conclusion is annulled: contractSigning' = annulment + 1 calendar day; a draft sent to the second-placed supplier is withdrawn; the authorised body is notified",
    deadlines: ['contractSigning'],
    flags: ['listingAnnulled'],
    hits: (_t, w, p) => p.unscrupulousAnnulledAt !== undefined && p.unscrupulousAnnulledAt >= w.start,
    extend: (_t, _w, p) => plusCalendarDays(p.unscrupulousAnnulledAt as number, 1),
  },
  // ---- planned maintenance ----
  {
    // «даты которых выпадают на даты проведения профилактических работ» (the old «на данный период»
    // is superseded): the deadline's Astana date is one of the works' dates.
    id: 'EX-MAINT',
    source: '001 §18 (new)',
    occasions: ['maintenance'],
    summary:
      "acceptance end, opening, admission, results, contract approval/signing deadlines whose Astana date is one of the works' dates [date(mS), date(mE)]: + (mE − mS)",
    deadlines: ['acceptanceEnd', 'opening', 'admission', 'results', 'contractSigning'],
    hits: (t, w) => onDateTouchedBy(t, w),
    extend: (t, w) => plusDuration(t as number, w),
  },
];

export const TARIFF_RULES: readonly TariffRule[] = [
  {
    // «продлевается на срок продления процедур приема заявок … или … подписания договора»
    id: 'EX-TARIFF',
    source: '001 §25 (new)',
    occasions: ['medium', 'high'],
    summary:
      'a supplier tariff whose validUntil is an Astana date touched by W: extended by the longest extension of an acceptance end or contract signing of its procurements (all of the computation unless the tariff names them), max(1, ceil(days)); where none is extended, max(1, ceilDays(D))',
    hits: (validUntilDay, w) => isDayTouchedBy(validUntilDay, w),
    extendDays: (w, longest) => (longest === undefined ? atLeastOneDay(w) : daysOfExtension(longest)),
  },
];

/**
 * 002 §10 (Kazakh; unchanged as new §9): «… өтінімдерді немесе баға ұсыныстарын қабылдау мерзімі
 * техникалық іркілісті растау немесе теріске шығару уақытында өтетін сатып алуды оператор … растау
 * немесе теріске шығару кезіне дейін ұзартады» — whatever the outcome (refuted, low, medium, high).
 */
export const EX_ANALYSIS: AnalysisRule = {
  id: 'EX-ANALYSIS',
  source: '002 §10 (kept unchanged as new §9)',
  summary:
    "an acceptance end that passes while the reported failure is being confirmed or refuted (receivedAt ≤ acceptanceEnd ≤ decidedAt): acceptanceEnd' = decidedAt (confirmation or refutation)",
  deadlines: ['acceptanceEnd'],
  hits: (end, a) => end !== undefined && a.receivedAt <= end && end <= a.decidedAt,
  extend: (_end, a) => a.decidedAt,
};

export const EX_LOW: NoExtensionRule = {
  id: 'EX-LOW',
  source: '002 §15',
  summary: 'low level: no suspension, no extension after confirmation (EX-ANALYSIS still covers the time before it)',
};

/** Applies to every policy (docs/rules.md §5: "any, forceMajeure"). */
export const EX_FORCE_MAJEURE: NoExtensionRule = {
  id: 'EX-FORCE-MAJEURE',
  source: '001 §15.10',
  summary:
    'force majeure: no automatic extension; the operator extends by agreement with the owner for the number of days the circumstances lasted',
};

export const PORTAL_692 = {
  id: 'portal-692' as const,
  system: 'state procurement web portal (goszakup)',
  source: '001 ("Предлагаемая редакция"), 002 for Kazakh wording',
  classification: CLASSIFICATION,
  slaTimers: SLA_TIMERS,
  clocks: CLOCKS,
  lateReportTimer: 'SLA-P-REPORT',
  leadTimes: LEAD_TIMES,
  duties: DUTIES,
  notices: { homepageClocks: { medium: ['SLA-P-MED-HOME'], high: ['SLA-P-HIGH-HOME'] } },
  extension: {
    // Medium extends only the procurements listed as affected; high every procurement of the
    // failed module; maintenance every procurement.
    scope: { low: 'none', medium: 'affected', high: 'module', maintenance: 'all' },
    rules: EXTENSION_RULES,
    tariffRules: TARIFF_RULES,
    analysisRule: EX_ANALYSIS,
    consequences: [
      {
        kind: 'unscrupulous-annulled',
        rule: 'EX-UNSCRUPULOUS',
        source: '001 §27 (new)',
        levels: ['medium', 'high'],
        label: {
          ru: 'Аннулировать признание поставщика недобросовестным (подписание договора — 1 календарный день)',
          kk: 'Өнім берушіні жосықсыз деп тануды жою (шартқа қол қою — 1 күнтізбелік күн)',
        },
      },
    ],
    noExtension: { low: EX_LOW },
    forceMajeure: EX_FORCE_MAJEURE,
  },
} satisfies Policy;
