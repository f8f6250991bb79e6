/**
 * Deadline extensions (docs/rules.md §5): applies a policy's EX-* rules to procurements hit by a
 * failure or a maintenance window. Pure: instants in, instants out.
 *
 * When several rules hit one deadline, the later result wins and is cited (on a tie, the first rule
 * in the policy's order); the flags of every rule
 * that hit are kept. A deadline never moves earlier: a result not later than the original is dropped.
 *
 * Besides the level's rules: EX-ANALYSIS-like rules apply whatever the outcome (refuted and low
 * included), to the procurements the report concerns; annulments (EX-N-PROTOCOL) and duties
 * (EX-N-RESULTS) are listed whether or not any deadline moves; tariffs follow the procurements'
 * extensions (EX-TARIFF).
 */
import { MS_PER_MINUTE } from '../../core/time.ts';
import { POLICIES, DEADLINE_KINDS, type AnalysisWindow, type DeadlineKind, type ExtensionFlag, type ExtensionRule, type FailureWindow, type Level, type Occasion, type ProcurementFacts, type Scope } from './policies/index.ts';
import { ceilDays, failureWindow } from './window.ts';

/** The policies that have deadline extension rules. */
export const EXTENSION_POLICY_IDS = ['portal-692', 'energy-366'] as const;
export type ExtensionPolicyId = (typeof EXTENSION_POLICY_IDS)[number];

export interface IncidentFacts {
  /** Absent only for a refuted report. */
  readonly level?: Level | undefined;
  readonly startedAt: number;
  /** Receipt of the failure information (default startedAt): the analysis starts. */
  readonly receivedAt?: number | undefined;
  /** Confirmation; a refuted report has refutedAt instead. */
  readonly confirmedAt?: number | undefined;
  readonly refutedAt?: number | undefined;
  /** R; absent for a refuted report. */
  readonly resolvedAt?: number | undefined;
  readonly module?: string | undefined;
  readonly decryptionFailure?: boolean | undefined;
  readonly forceMajeure?: boolean | undefined;
}

export interface MaintenanceFacts {
  readonly startsAt: number;
  readonly endsAt: number;
}

export interface TariffFacts {
  readonly id: string;
  /** The last valid Astana date, as an epoch day. */
  readonly validUntil: number;
  /** The procurements whose extensions the tariff follows; absent = every procurement of the computation. */
  readonly procurements?: readonly string[] | undefined;
}

/** Either `incident` or `maintenance`. Instants are epoch milliseconds. */
export interface DeadlinesRequest {
  readonly policy: ExtensionPolicyId;
  readonly incident?: IncidentFacts | undefined;
  readonly maintenance?: MaintenanceFacts | undefined;
  readonly procurements: readonly ProcurementFacts[];
  readonly tariffs: readonly TariffFacts[];
}

export interface Extension {
  subject: string;
  deadline: DeadlineKind;
  /** null when the procurement had no such deadline (EX-PROTOCOL reopening acceptance). */
  original: number | null;
  extended: number;
  rule: string;
  flags: ExtensionFlag[];
}

export interface TariffExtension {
  id: string;
  validUntil: number;
  extendedUntil: number;
  rule: string;
}

/** A document annulled by the failure (EX-N-PROTOCOL), whether or not a deadline moved. */
export interface Annulment {
  /** The procurement's id. */
  procurement: string;
  what: string;
  formedAt: number;
  rule: string;
}

/** An untimed duty the failure creates for a procurement (EX-N-RESULTS). */
export interface Duty {
  /** The procurement's id. */
  procurement: string;
  duty: string;
  rule: string;
}

/** What the computation is about: a failure level, a refuted report, or planned maintenance. */
export type Outcome = Occasion | 'refuted';

export interface DeadlinesResult {
  policy: ExtensionPolicyId;
  level: Outcome;
  failureMinutes: number;
  extensions: Extension[];
  tariffs: TariffExtension[];
  annulments: Annulment[];
  duties: Duty[];
  notes: string[];
  /** Force majeure: nothing is extended automatically; the owner agrees the days. */
  requiresOwnerAgreement?: { rule: string; durationDays: number };
}

/** Medium reaches the affected procurements; one users appealed about, or whose supplier's listing was annulled, is affected. */
function inScope(scope: Scope, p: ProcurementFacts, module: string | undefined): boolean {
  switch (scope) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'affected':
      return p.affected === true || p.appealed === true || p.unscrupulousAnnulledAt !== undefined;
    case 'module':
      return module === undefined || p.module === module;
  }
}

/** The procurements a report concerns (EX-ANALYSIS): marked affected or appealed, or of the reported module (every one when none is named). */
function concernedByReport(p: ProcurementFacts, module: string | undefined): boolean {
  return p.affected === true || p.appealed === true || module === undefined || p.module === module;
}

function scopeNote(scope: Scope, occasion: Occasion, reached: number, total: number, module: string | undefined): string {
  switch (scope) {
    case 'affected':
      return `${occasion}: only procurements marked affected: true (or appealed: true) are extended (${reached} of ${total})`;
    case 'module':
      return module === undefined
        ? `${occasion}: the incident names no module, so every procurement is considered (${total})`
        : `${occasion}: procurements of module "${module}" are extended (${reached} of ${total})`;
    case 'all':
      return `${occasion}: every procurement is considered (${total})`;
    case 'none':
      return `${occasion}: no procurement is extended`;
  }
}

function flagsOf(rule: ExtensionRule, w: FailureWindow, p: ProcurementFacts): readonly ExtensionFlag[] {
  if (!rule.flags) return [];
  return typeof rule.flags === 'function' ? rule.flags(w, p) : rule.flags;
}

const addFlag = (flags: ExtensionFlag[], f: ExtensionFlag) => {
  if (!flags.includes(f)) flags.push(f);
};

/** The rules of one deadline kind that the occasion activates. */
function rulesByKind(rules: readonly ExtensionRule[], occasion: Occasion, decryption: boolean): Map<DeadlineKind, ExtensionRule[]> {
  const byKind = new Map<DeadlineKind, ExtensionRule[]>();
  for (const rule of rules) {
    if (!rule.occasions.includes(occasion)) continue;
    if (rule.onlyOnDecryptionFailure && !decryption) continue;
    for (const kind of rule.deadlines) {
      let list = byKind.get(kind);
      if (!list) byKind.set(kind, (list = []));
      list.push(rule);
    }
  }
  return byKind;
}

/**
 * An auction whose acceptance end now falls after its (moved) bidding: the bidding must be set again
 * (docs/rules.md §5, EX-M-ACCEPT-OVER), whichever rule moved the acceptance end.
 */
function flagBiddingReschedule(p: ProcurementFacts, mine: Extension[]): void {
  if (p.method !== 'auction') return;
  const accept = mine.find((e) => e.deadline === 'acceptanceEnd');
  const bidding = mine.find((e) => e.deadline === 'auctionBidding')?.extended ?? p.deadlines.auctionBidding;
  if (accept && bidding !== undefined && accept.extended > bidding) addFlag(accept.flags, 'biddingRescheduleRequired');
}

/** Days a tariff gains: from the longest acceptance/signing extension of its procurements (EX-TARIFF). */
function longestExtensionMs(extensions: readonly Extension[], of: readonly string[] | undefined): number | undefined {
  let longest: number | undefined;
  for (const e of extensions) {
    if (e.original === null || (e.deadline !== 'acceptanceEnd' && e.deadline !== 'contractSigning')) continue;
    if (of && !of.includes(e.subject)) continue;
    const d = e.extended - e.original;
    if (longest === undefined || d > longest) longest = d;
  }
  return longest;
}

/** Applies the policy's extension rules; see the module comment for the precedence. */
export function computeExtensions(req: DeadlinesRequest): DeadlinesResult {
  const policy = POLICIES[req.policy];
  const ext = policy.extension;
  if (!ext) throw new Error(`policy ${req.policy} has no extension rules`);
  const { incident, maintenance } = req;
  const refuted = incident?.refutedAt !== undefined;
  const occasion: Occasion = incident ? (incident.level ?? 'low') : 'maintenance';
  const outcome: Outcome = refuted ? 'refuted' : occasion;
  const w = incident
    ? failureWindow(incident.startedAt, refuted ? incident.startedAt : (incident.resolvedAt ?? incident.startedAt))
    : failureWindow(maintenance?.startsAt ?? 0, maintenance?.endsAt ?? 0);
  const result: DeadlinesResult = {
    policy: req.policy,
    level: outcome,
    failureMinutes: w.duration / MS_PER_MINUTE,
    extensions: [],
    tariffs: [],
    annulments: [],
    duties: [],
    notes: [],
  };

  if (incident?.forceMajeure && !refuted) {
    const days = ceilDays(w);
    result.requiresOwnerAgreement = { rule: ext.forceMajeure.id, durationDays: days };
    result.notes.push(`${ext.forceMajeure.id} (${ext.forceMajeure.source}): ${ext.forceMajeure.summary}; the circumstances lasted ${days} day(s)`);
    return result;
  }

  // The level's rules: none for a refuted report, for a level without extension (EX-LOW) or out of scope.
  let scope: Scope = refuted ? 'none' : ext.scope[occasion];
  const none = refuted ? undefined : ext.noExtension[occasion];
  if (refuted) result.notes.push(`refuted: no failure, so no level rule applies${incident?.level || incident?.resolvedAt !== undefined ? ' (the level and resolvedAt given are not used)' : ''}`);
  else if (none) {
    result.notes.push(`${none.id} (${none.source}): ${none.summary}`);
    scope = 'none';
  } else if (scope === 'none') result.notes.push(`${req.policy} has no extension rule for ${occasion}; nothing is extended`);
  if (incident?.decryptionFailure && occasion !== 'high' && !refuted) {
    result.notes.push('decryptionFailure is considered only for high failures (EX-H-DECRYPT-OPEN, EX-H-DECRYPT-EXPIRED)');
  }
  const byKind = scope === 'none' ? new Map<DeadlineKind, ExtensionRule[]>() : rulesByKind(ext.rules, occasion, incident?.decryptionFailure === true);

  const decidedAt = incident?.refutedAt ?? incident?.confirmedAt;
  const analysis = incident && decidedAt !== undefined ? ext.analysisRule : undefined;
  const a: AnalysisWindow | undefined = incident && decidedAt !== undefined ? { receivedAt: incident.receivedAt ?? incident.startedAt, decidedAt } : undefined;
  const kinds = DEADLINE_KINDS.filter((k) => byKind.has(k) || analysis?.deadlines.includes(k));
  const module = incident?.module;

  let reached = 0;
  for (const p of req.procurements) {
    const levelRules = inScope(scope, p, module);
    const analysed = analysis !== undefined && concernedByReport(p, module);
    if (levelRules) reached++;
    if (!levelRules && !analysed) continue;
    const mine: Extension[] = [];
    for (const kind of kinds) {
      const original = p.deadlines[kind];
      let best: number | undefined;
      let bestRule: { id: string } | undefined;
      let flags: ExtensionFlag[] | undefined;
      if (levelRules) {
        for (const rule of byKind.get(kind) ?? []) {
          if (rule.methods && !rule.methods.includes(p.method)) continue;
          if (!rule.hits(original, w, p)) continue;
          const candidate = rule.extend(original, w, p);
          for (const f of flagsOf(rule, w, p)) addFlag((flags ??= []), f);
          if (best === undefined || candidate > best) {
            best = candidate;
            bestRule = rule;
          }
        }
      }
      if (analysed && a && analysis.deadlines.includes(kind) && analysis.hits(original, a)) {
        const candidate = analysis.extend(original as number, a);
        if (best === undefined || candidate > best) {
          best = candidate;
          bestRule = analysis;
        }
      }
      if (best === undefined || !bestRule) continue;
      if (original === undefined || best > original) {
        mine.push({ subject: p.id, deadline: kind, original: original ?? null, extended: best, rule: bestRule.id, flags: flags ?? [] });
      } else if (flags) {
        result.notes.push(`${p.id}: ${kind} not moved (already later than ${bestRule.id} gives); still ${flags.join(', ')}`);
      }
    }
    flagBiddingReschedule(p, mine);
    result.extensions.push(...mine);
  }
  if (scope !== 'none') result.notes.push(scopeNote(scope, occasion, reached, req.procurements.length, module));

  if (!refuted) {
    for (const rule of ext.annulmentRules ?? []) {
      if (!rule.occasions.includes(occasion)) continue;
      for (const p of req.procurements) {
        if (rule.hits(w, p)) result.annulments.push({ procurement: p.id, what: rule.what, formedAt: p.protocolFormedAt as number, rule: rule.id });
      }
    }
    for (const rule of ext.dutyRules ?? []) {
      if (!rule.occasions.includes(occasion)) continue;
      for (const p of req.procurements) for (const duty of rule.duties(w, p)) result.duties.push({ procurement: p.id, duty, rule: rule.id });
    }
  }

  for (const t of req.tariffs) {
    let best: number | undefined;
    let bestId = '';
    for (const rule of ext.tariffRules) {
      if (refuted || !rule.occasions.includes(occasion) || !rule.hits(t.validUntil, w)) continue;
      const candidate = t.validUntil + rule.extendDays(w, longestExtensionMs(result.extensions, t.procurements));
      if (best === undefined || candidate > best) {
        best = candidate;
        bestId = rule.id;
      }
    }
    if (best !== undefined && best > t.validUntil) result.tariffs.push({ id: t.id, validUntil: t.validUntil, extendedUntil: best, rule: bestId });
  }
  return result;
}
