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
import {
  POLICY_REGISTRY,
  DEADLINE_KINDS,
  type AnalysisRule,
  type AnalysisWindow,
  type ExtensionPolicy,
  type ExtensionPolicyId,
  type PolicyRegistry,
  type DeadlineKind,
  type ExtensionFlag,
  type ExtensionRule,
  type FailureWindow,
  type Level,
  type Occasion,
  type ProcurementFacts,
  type Scope,
} from './policies/index.ts';
import { ceilDays, failureWindow } from './window.ts';

/** The policies that have deadline extension rules: those whose object carries `extension`. */
export { EXTENSION_POLICY_IDS, type ExtensionPolicyId } from './policies/index.ts';

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

/** What every piece of the computation reads: the policy's rules, the occasion and the failure window. */
interface Occasioned {
  readonly ext: ExtensionPolicy;
  readonly incident: IncidentFacts | undefined;
  readonly refuted: boolean;
  /** The level (low when none is given) or maintenance. */
  readonly occasion: Occasion;
  readonly w: FailureWindow;
}

/** The occasion and the failure window of the request; a refuted report's window is empty. */
function occasionOf(req: DeadlinesRequest, ext: ExtensionPolicy): Occasioned {
  const { incident, maintenance } = req;
  const refuted = incident?.refutedAt !== undefined;
  const occasion: Occasion = incident ? (incident.level ?? 'low') : 'maintenance';
  const w = incident
    ? failureWindow(incident.startedAt, refuted ? incident.startedAt : (incident.resolvedAt ?? incident.startedAt))
    : failureWindow(maintenance?.startsAt ?? 0, maintenance?.endsAt ?? 0);
  return { ext, incident, refuted, occasion, w };
}

/** Force majeure: nothing is extended automatically; the owner agrees the days. */
function forceMajeure(c: Occasioned, result: DeadlinesResult): DeadlinesResult {
  const days = ceilDays(c.w);
  const rule = c.ext.forceMajeure;
  result.requiresOwnerAgreement = { rule: rule.id, durationDays: days };
  result.notes.push(`${rule.id} (${rule.source}): ${rule.summary}; the circumstances lasted ${days} day(s)`);
  return result;
}

/** The level's rules by deadline kind and their scope: none for a refuted report, for a level without extension (EX-LOW) or out of scope. */
function levelRules(c: Occasioned, policyId: string, notes: string[]): { scope: Scope; byKind: Map<DeadlineKind, ExtensionRule[]> } {
  const { ext, incident, refuted, occasion } = c;
  let scope: Scope = refuted ? 'none' : ext.scope[occasion];
  const none = refuted ? undefined : ext.noExtension[occasion];
  if (refuted)
    notes.push(
      `refuted: no failure, so no level rule applies${incident?.level || incident?.resolvedAt !== undefined ? ' (the level and resolvedAt given are not used)' : ''}`,
    );
  else if (none) {
    notes.push(`${none.id} (${none.source}): ${none.summary}`);
    scope = 'none';
  } else if (scope === 'none') notes.push(`${policyId} has no extension rule for ${occasion}; nothing is extended`);
  if (incident?.decryptionFailure && occasion !== 'high' && !refuted) {
    notes.push('decryptionFailure is considered only for high failures (EX-H-DECRYPT-OPEN, EX-H-DECRYPT-EXPIRED)');
  }
  const byKind =
    scope === 'none' ? new Map<DeadlineKind, ExtensionRule[]>() : rulesByKind(ext.rules, occasion, incident?.decryptionFailure === true);
  return { scope, byKind };
}

/** The analysis rule (EX-ANALYSIS-like) and its window, once the report was decided (confirmed or refuted). */
interface Analysis {
  readonly rule: AnalysisRule;
  readonly window: AnalysisWindow;
}

function analysisOf(c: Occasioned): Analysis | undefined {
  const { incident } = c;
  const decidedAt = incident?.refutedAt ?? incident?.confirmedAt;
  if (!incident || decidedAt === undefined || !c.ext.analysisRule) return undefined;
  return { rule: c.ext.analysisRule, window: { receivedAt: incident.receivedAt ?? incident.startedAt, decidedAt } };
}

/**
 * The latest result for one deadline of `p` among the level's `rules` and the `analysis` rule (on a
 * tie, the first), with the flags of every level rule that hit.
 */
function bestExtension(
  w: FailureWindow,
  p: ProcurementFacts,
  kind: DeadlineKind,
  rules: readonly ExtensionRule[],
  analysis: Analysis | undefined,
) {
  const original = p.deadlines[kind];
  let best: number | undefined;
  let bestRule: { id: string } | undefined;
  let flags: ExtensionFlag[] | undefined;
  for (const rule of rules) {
    if (rule.methods && !rule.methods.includes(p.method)) continue;
    if (!rule.hits(original, w, p)) continue;
    const candidate = rule.extend(original, w, p);
    for (const f of flagsOf(rule, w, p)) addFlag((flags ??= []), f);
    if (best === undefined || candidate > best) {
      best = candidate;
      bestRule = rule;
    }
  }
  if (analysis && analysis.rule.deadlines.includes(kind) && analysis.rule.hits(original, analysis.window)) {
    const candidate = analysis.rule.extend(original as number, analysis.window);
    if (best === undefined || candidate > best) {
      best = candidate;
      bestRule = analysis.rule;
    }
  }
  return { original, best, bestRule, flags };
}

/**
 * The extensions of one procurement's deadlines (`byKind` absent: its level rules do not reach it);
 * a deadline already later than a flagging rule gives is noted, not moved.
 */
function extendProcurement(
  w: FailureWindow,
  p: ProcurementFacts,
  kinds: readonly DeadlineKind[],
  byKind: Map<DeadlineKind, ExtensionRule[]> | undefined,
  analysis: Analysis | undefined,
  notes: string[],
): Extension[] {
  const mine: Extension[] = [];
  for (const kind of kinds) {
    const { original, best, bestRule, flags } = bestExtension(w, p, kind, byKind?.get(kind) ?? [], analysis);
    if (best === undefined || !bestRule) continue;
    if (original === undefined || best > original) {
      mine.push({ subject: p.id, deadline: kind, original: original ?? null, extended: best, rule: bestRule.id, flags: flags ?? [] });
    } else if (flags) {
      notes.push(`${p.id}: ${kind} not moved (already later than ${bestRule.id} gives); still ${flags.join(', ')}`);
    }
  }
  flagBiddingReschedule(p, mine);
  return mine;
}

/** The extensions of every procurement the level's rules or the analysis reach, in order; the scope is noted. */
function extendProcurements(
  c: Occasioned,
  scope: Scope,
  byKind: Map<DeadlineKind, ExtensionRule[]>,
  procurements: readonly ProcurementFacts[],
  notes: string[],
): Extension[] {
  const analysis = analysisOf(c);
  const kinds = DEADLINE_KINDS.filter((k) => byKind.has(k) || analysis?.rule.deadlines.includes(k));
  const module = c.incident?.module;
  const extensions: Extension[] = [];
  let reached = 0;
  for (const p of procurements) {
    const withLevelRules = inScope(scope, p, module);
    const analysed = analysis !== undefined && concernedByReport(p, module);
    if (withLevelRules) reached++;
    if (!withLevelRules && !analysed) continue;
    for (const e of extendProcurement(c.w, p, kinds, withLevelRules ? byKind : undefined, analysed ? analysis : undefined, notes))
      extensions.push(e);
  }
  if (scope !== 'none') notes.push(scopeNote(scope, c.occasion, reached, procurements.length, module));
  return extensions;
}

/** The documents the failure annuls (EX-N-PROTOCOL), whether or not a deadline moved. */
function annulmentsOf(c: Occasioned, procurements: readonly ProcurementFacts[]): Annulment[] {
  const out: Annulment[] = [];
  for (const rule of c.ext.annulmentRules ?? []) {
    if (!rule.occasions.includes(c.occasion)) continue;
    for (const p of procurements) {
      if (rule.hits(c.w, p)) out.push({ procurement: p.id, what: rule.what, formedAt: p.protocolFormedAt as number, rule: rule.id });
    }
  }
  return out;
}

/** The untimed duties the failure creates (EX-N-RESULTS). */
function dutiesOf(c: Occasioned, procurements: readonly ProcurementFacts[]): Duty[] {
  const out: Duty[] = [];
  for (const rule of c.ext.dutyRules ?? []) {
    if (!rule.occasions.includes(c.occasion)) continue;
    for (const p of procurements) for (const duty of rule.duties(c.w, p)) out.push({ procurement: p.id, duty, rule: rule.id });
  }
  return out;
}

/** Tariffs follow their procurements' extensions (EX-TARIFF): the latest result of the rules that hit, if later. */
function extendTariffs(c: Occasioned, tariffs: readonly TariffFacts[], extensions: readonly Extension[]): TariffExtension[] {
  const out: TariffExtension[] = [];
  for (const t of tariffs) {
    let best: number | undefined;
    let bestId = '';
    for (const rule of c.ext.tariffRules) {
      if (c.refuted || !rule.occasions.includes(c.occasion) || !rule.hits(t.validUntil, c.w)) continue;
      const candidate = t.validUntil + rule.extendDays(c.w, longestExtensionMs(extensions, t.procurements));
      if (best === undefined || candidate > best) {
        best = candidate;
        bestId = rule.id;
      }
    }
    if (best !== undefined && best > t.validUntil) out.push({ id: t.id, validUntil: t.validUntil, extendedUntil: best, rule: bestId });
  }
  return out;
}

/** Applies the policy's extension rules; see the module comment for the precedence. */
export function computeExtensions(req: DeadlinesRequest, policies: PolicyRegistry = POLICY_REGISTRY): DeadlinesResult {
  const policy = policies.get(req.policy);
  const ext = policy.extension;
  if (!ext) throw new Error(`policy ${req.policy} has no extension rules`);
  const c = occasionOf(req, ext);
  const result: DeadlinesResult = {
    policy: req.policy,
    level: c.refuted ? 'refuted' : c.occasion,
    failureMinutes: c.w.duration / MS_PER_MINUTE,
    extensions: [],
    tariffs: [],
    annulments: [],
    duties: [],
    notes: [],
  };
  if (c.incident?.forceMajeure && !c.refuted) return forceMajeure(c, result);
  const { scope, byKind } = levelRules(c, req.policy, result.notes);
  result.extensions = extendProcurements(c, scope, byKind, req.procurements, result.notes);
  if (!c.refuted) {
    result.annulments = annulmentsOf(c, req.procurements);
    result.duties = dutiesOf(c, req.procurements);
  }
  result.tariffs = extendTariffs(c, req.tariffs, result.extensions);
  return result;
}
