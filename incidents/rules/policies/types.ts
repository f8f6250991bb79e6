/**
 * The shapes policies are written in. A policy is data a compliance officer can read: every rule id
 * sits next to its source point, with the reading used as a short text and, for computed rules, a
 * small pure function. These objects are the single source of the rule tables of docs/rules.md,
 * which `npm run docs` renders from them (incidents/rules/rules-doc.ts): a rule's meaning is written
 * here, once.
 */
import type { AppealChannel } from '../../appeals/appeal-channel.ts';
import type { DeskId } from '../desks.ts';

export const LEVELS = ['low', 'medium', 'high'] as const;
export type Level = (typeof LEVELS)[number];

export const PROCUREMENT_METHODS = ['competition', 'price-quotations', 'auction', 'housing', 'one-source'] as const;
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

/** Deadlines of a procurement, in the order the output lists them. */
export const DEADLINE_KINDS = [
  'acceptanceStart', // начало приема заявок
  'acceptanceEnd', // окончание приема заявок / ценовых предложений
  'auctionBidding', // этап аукционных торгов (второй раунд)
  'contractSigning', // срок согласования / подписания договора
  'complaints', // срок направления жалоб, уведомлений, возражений, заключений
  'discussionEnd', // окончание обсуждения проекта конкурсной документации
  'opening', // вскрытие
  'admission', // допуск
  'results', // подведение итогов
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export const EXTENSION_FLAGS = [
  'protocolAnnulled',
  'resubmissionRequired',
  'protocolCancelled',
  'biddingRescheduleRequired',
  'listingAnnulled',
] as const;
export type ExtensionFlag = (typeof EXTENSION_FLAGS)[number];

/** What an extension rule reacts to: a failure of a level, or planned maintenance. */
export type Occasion = Level | 'maintenance';

/** The failure window W = [S, R] (or the maintenance window), epoch milliseconds. */
export interface FailureWindow {
  /** S, failure start (or maintenance start). */
  readonly start: number;
  /** R, resolution (or maintenance end). */
  readonly end: number;
  /** D = R − S. */
  readonly duration: number;
}

/** A procurement as the rules see it: deadlines as epoch milliseconds. */
export interface ProcurementFacts {
  readonly id: string;
  readonly method: ProcurementMethod;
  readonly module?: string | undefined;
  readonly affected?: boolean | undefined;
  readonly protocolFormedAt?: number | undefined;
  /** Users appealed about this procurement (001 §26, §28 apply «по обращениям пользователей» only). */
  readonly appealed?: boolean | undefined;
  /**
   * When the operator annulled the supplier's listing as unscrupulous on its appeal (001 §27):
   * signing reopens for 1 calendar day from then.
   */
  readonly unscrupulousAnnulledAt?: number | undefined;
  /** energy-366 §29.5: the failure affected the results of this procurement's procedures. */
  readonly resultsAffected?: boolean | undefined;
  /** energy-366 §29.6: a supplier was listed as unreliable because of the failure. */
  readonly listedUnreliable?: boolean | undefined;
  readonly deadlines: Readonly<Partial<Record<DeadlineKind, number>>>;
}

/** CL-*: a failure level definition (docs/rules.md §3). */
export interface ClassificationRule {
  readonly id: string;
  readonly level: Level;
  readonly definition: string;
  readonly source: string;
}

/** How an SLA timer turns its start into a due time (docs/rules.md §4). */
export type SlaSpec =
  /** N minutes of the desk's working time; a start outside it counts from the next opening. */
  | { readonly kind: 'working-minutes'; readonly desk: DeskId; readonly minutes: number }
  /** N minutes of clock time. */
  | { readonly kind: 'clock-minutes'; readonly minutes: number }
  /** A wall-clock time (`HH:MM`) on the first working day after the Astana date of the start. */
  | { readonly kind: 'next-working-day-at'; readonly time: string }
  /** The start moved to the desk's next opening if outside working time, then N working days, same wall-clock time. */
  | { readonly kind: 'working-days-from-opening'; readonly desk: DeskId; readonly days: number }
  /** The end (23:59:59) of the N-th working day after the Astana date of the start. */
  | { readonly kind: 'end-of-nth-working-day'; readonly days: number }
  /**
   * The desk's closing time on the working day of its next opening at or after the start: the same
   * day when the desk is open, else the next working day that opens (after closing, on a weekend or
   * holiday, and also before opening on a working day, which is that same day).
   */
  | { readonly kind: 'closing-of-open-day'; readonly desk: DeskId };

export interface SlaTimer {
  readonly id: string;
  /** What must be done by the due time. */
  readonly duty: string;
  /** The event that starts the timer. */
  readonly startsAt: string;
  readonly spec: SlaSpec;
  /** Informational timers flag lateness and never reject anything. */
  readonly informational?: boolean;
  readonly interpretation: string;
  readonly source: string;
  /** Whether and how far the operator may extend the due time (SLA-E-ETP-RESOLVE). */
  readonly extension?: ClockExtensionRule;
}

/** An operator's extension of a clock's due time, with its limits (docs/rules.md §4). */
export interface ClockExtensionRule {
  /** How many times the due time may be extended. */
  readonly times: number;
  /** The new due time may be at most the original due time + N calendar days (same wall-clock time). */
  readonly maxCalendarDays: number;
  /** Who must be told of the extension. */
  readonly notify: readonly ('user' | 'operator')[];
  readonly interpretation: string;
  readonly source: string;
}

/** An untimed duty (docs/rules.md §4): tracked done / not done, with no due time. */
export interface UntimedDutyRule {
  readonly id: string;
  /** What must be done. */
  readonly duty: string;
  /** The event that gives rise to it. */
  readonly startsAt: string;
  readonly interpretation: string;
  readonly source: string;
}

/** A notice lead time (docs/rules.md §6): at least N whole days between notice date and start date. */
export interface LeadTimeRule {
  readonly audience: string;
  readonly days: number;
  readonly unit: 'calendar' | 'working';
  readonly notice: string;
  readonly source: string;
}

/** EX-*: a deadline extension computed from the failure window. */
export interface ExtensionRule {
  readonly id: string;
  readonly source: string;
  /** The reading used, in words (docs/rules.md §5 "interpretation used"). */
  readonly summary: string;
  readonly occasions: readonly Occasion[];
  /** Only when the incident says the failure prevented decrypting price offers. */
  readonly onlyOnDecryptionFailure?: boolean;
  /** Procurement methods it applies to; absent = every method. */
  readonly methods?: readonly ProcurementMethod[];
  /** The deadlines it can move. */
  readonly deadlines: readonly DeadlineKind[];
  /** Whether it hits this deadline (`original` is undefined when the procurement has none). */
  readonly hits: (original: number | undefined, w: FailureWindow, p: ProcurementFacts) => boolean;
  /** The extended deadline. */
  readonly extend: (original: number | undefined, w: FailureWindow, p: ProcurementFacts) => number;
  /** Flags reported with the extension. */
  readonly flags?: readonly ExtensionFlag[] | ((w: FailureWindow, p: ProcurementFacts) => readonly ExtensionFlag[]);
}

/** EX-TARIFF-like rules: a supplier tariff's validity date extended by whole days. */
export interface TariffRule {
  readonly id: string;
  readonly source: string;
  readonly summary: string;
  readonly occasions: readonly Occasion[];
  /** Whether the tariff's last valid Astana date (epoch day) is hit. */
  readonly hits: (validUntilDay: number, w: FailureWindow) => boolean;
  /**
   * How many calendar days it is extended by, given the longest extension (ms) the same computation
   * gave to an acceptance end or contract signing of the tariff's procurements (undefined: none).
   */
  readonly extendDays: (w: FailureWindow, longestProcurementExtensionMs: number | undefined) => number;
}

/**
 * EX-ANALYSIS-like rules: a deadline that passes while a reported failure is being confirmed or
 * refuted, moved to the moment of the decision. Applies whatever the outcome.
 */
export interface AnalysisRule {
  readonly id: string;
  readonly source: string;
  readonly summary: string;
  readonly deadlines: readonly DeadlineKind[];
  /** receivedAt ≤ original ≤ decidedAt. */
  readonly hits: (original: number | undefined, a: AnalysisWindow) => boolean;
  readonly extend: (original: number, a: AnalysisWindow) => number;
}

/** From the receipt of the failure information to its confirmation or refutation, epoch ms. */
export interface AnalysisWindow {
  readonly receivedAt: number;
  readonly decidedAt: number;
}

/** EX-N-PROTOCOL-like rules: documents annulled whether or not any deadline moves. */
export interface AnnulmentRule {
  readonly id: string;
  readonly source: string;
  readonly summary: string;
  readonly occasions: readonly Occasion[];
  /** What is annulled, in words (`protocol`). */
  readonly what: string;
  readonly hits: (w: FailureWindow, p: ProcurementFacts) => boolean;
}

/** EX-N-RESULTS-like rules: untimed duties a failure creates for a procurement. */
export interface ProcurementDutyRule {
  readonly id: string;
  readonly source: string;
  readonly summary: string;
  readonly occasions: readonly Occasion[];
  /** Short keys of the duties this procurement gets (`rerun-procedures`); none = not hit. */
  readonly duties: (w: FailureWindow, p: ProcurementFacts) => readonly string[];
}

/** A rule that decides that nothing is extended automatically (EX-LOW, EX-FORCE-MAJEURE). */
export interface NoExtensionRule {
  readonly id: string;
  readonly source: string;
  readonly summary: string;
}

/**
 * Facts about a procurement that an operator records on an incident because a rule reads them
 * (the supplier's listing annulled, results affected, a supplier listed as unreliable).
 */
export const CONSEQUENCE_KINDS = ['unscrupulous-annulled', 'results-affected', 'listed-unreliable'] as const;
export type ConsequenceKind = (typeof CONSEQUENCE_KINDS)[number];

export interface ConsequenceSpec {
  readonly kind: ConsequenceKind;
  /** The rule that reads it. */
  readonly rule: string;
  readonly source: string;
  /** The operator's action, in the console's languages. */
  readonly label: { readonly kk: string; readonly ru: string };
  /** Levels of a confirmed failure it may be recorded for. */
  readonly levels: readonly Level[];
}

/** Which procurements an occasion reaches. */
export type Scope =
  | 'none'
  /** Only procurements listed with `affected: true`. */
  | 'affected'
  /** Every procurement whose module equals the incident's module; all when the incident names none. */
  | 'module'
  | 'all';

export interface ExtensionPolicy {
  readonly scope: Readonly<Record<Occasion, Scope>>;
  readonly rules: readonly ExtensionRule[];
  readonly tariffRules: readonly TariffRule[];
  /** A deadline passing while the failure is being confirmed or refuted (any outcome). */
  readonly analysisRule?: AnalysisRule;
  readonly annulmentRules?: readonly AnnulmentRule[];
  readonly dutyRules?: readonly ProcurementDutyRule[];
  /** What an operator may record on a confirmed incident for its rules to read. */
  readonly consequences?: readonly ConsequenceSpec[];
  /** Levels with no extension at all, with the rule that says so. */
  readonly noExtension: Readonly<Partial<Record<Occasion, NoExtensionRule>>>;
  /** Force majeure: no automatic extension; the owner agrees the number of days. */
  readonly forceMajeure: NoExtensionRule;
}

/** A failure's evidence from monitoring, for the proposed level (incidents/classification). */
export interface LevelEvidence {
  /** Checks configured for the failing module, and how many of them fail. */
  moduleChecks: number;
  failingChecks: number;
  /** Regions the module's checks run in, and how many of them saw failures. */
  regions: number;
  failingRegions: number;
  /** Modules of the system, and how many have an open incident (energy-366: the whole platform). */
  systemModules: number;
  failingModules: number;
  errorKinds: Readonly<Record<string, number>>;
  /** S, epoch milliseconds. */
  startedAt: number;
  /** The moment the proposal is made for (default S); the failure is still going then. */
  at?: number;
  /** Only a user report, no monitoring evidence. */
  appealOnly?: boolean;
}

export interface LevelProposal {
  level: Level;
  rule: string | null;
  reasons: string[];
  /** From when the proposed level holds (energy-366: the failure's first moment in working hours). */
  since?: number;
  /** Propose again at this moment if the failure still lasts (energy-366, outside working hours: the next opening). */
  reviewAt?: number;
}

/** An incident's event a clock starts from. */
export type ClockStart = 'received' | 'registered' | 'confirmed' | 'refuted' | 'resolved' | 'userDetected';
/** What meets a clock; `manual`: an operator marks it met (a notice sent). */
export type ClockMet = 'registered' | 'decided' | 'received' | 'manual';

/** Which timer of the policy runs for an incident, from which event, and what meets it (incidents/sla-clocks). */
export interface ClockRule {
  /** An id of the policy's `slaTimers` or, when `untimed`, of its `duties`. */
  readonly timer: string;
  /** An untimed duty: no due time, tracked done / not done. */
  readonly untimed?: boolean;
  readonly start: ClockStart;
  readonly met: ClockMet;
  readonly sources?: readonly ('monitoring' | 'appeal')[];
  readonly levels?: readonly Level[];
  /** `levels` match the proposed level too (the duty arises before confirmation), not only the confirmed one. */
  readonly proposedLevels?: boolean;
  readonly informational?: boolean;
  /** Runs only for an appeal that arrived by one of these channels (its own clock, appeal-clocks.ts). */
  readonly channels?: readonly AppealChannel[];
}

/** What the notices ask of a policy (notices/). */
export interface NoticeRules {
  /** The audiences whose lead time applies to maintenance on a system of this policy; absent: the portal's (portal users, and ETP owners when the e-shop is touched). */
  readonly maintenanceAudiences?: readonly string[];
  /** Homepage-notice timers of a confirmed incident, by level (evaluated at the notice's publication). */
  readonly homepageClocks?: Readonly<Partial<Record<Level, readonly string[]>>>;
}

/**
 * A policy: its id, rules and the differences the engine, lifecycle, detector, console and notices
 * ask about — none of them tests a policy's id. Registered once in `policies/index.ts`.
 */
export interface Policy<Id extends string = string> {
  readonly id: Id;
  readonly system: string;
  readonly source: string;
  /** CL-*: at most one rule per level; the proposed level cites the rule of its level. */
  readonly classification: readonly ClassificationRule[];
  /**
   * The policy's own level proposal from monitoring evidence (energy-366 judges working hours);
   * absent: the default mapping of incidents/classification. The rule id is added from `classification`.
   */
  readonly proposeLevel?: (e: LevelEvidence) => Omit<LevelProposal, 'rule'>;
  /** What confirming an incident of this policy additionally requires. */
  readonly lifecycle?: {
    /** The level is agreed with someone, named in `levelAgreedWith` (energy-366: the authorised body). */
    readonly levelAgreement?: { readonly with: string; readonly source: string };
  };
  /** The informational timer whose breach flags a user's report as late at intake (still accepted); absent: never flagged there. */
  readonly lateReportTimer?: string;
  readonly slaTimers: readonly SlaTimer[];
  /** The clocks an incident of this policy runs (docs/rules.md §4). */
  readonly clocks: readonly ClockRule[];
  /** Untimed duties, tracked done / not done. */
  readonly duties?: readonly UntimedDutyRule[];
  readonly leadTimes: readonly LeadTimeRule[];
  readonly extension?: ExtensionPolicy;
  readonly notices?: NoticeRules;
  /** Other figures of the regulation the platform measures (docs/rules.md §7, §10). */
  readonly figures?: readonly {
    readonly id: string;
    readonly what: string;
    readonly value: number;
    readonly unit: string;
    readonly source: string;
  }[];
}
