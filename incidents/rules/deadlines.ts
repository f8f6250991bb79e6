/**
 * Deadline extensions (REGULATIONS.md §5): applies a policy's EX-* rules to procurements hit by a
 * failure or a maintenance window. Pure: instants in, instants out.
 *
 * When several rules hit one deadline, the later result wins and is cited (on a tie, the first rule
 * in the policy's order); the flags of every rule
 * that hit are kept. A deadline never moves earlier: a result not later than the original is dropped.
 */
import { MS_PER_MINUTE } from '../../core/time.ts';
import { POLICIES, DEADLINE_KINDS } from './policies/index.ts';
import type {
  DeadlineKind,
  ExtensionFlag,
  ExtensionRule,
  FailureWindow,
  Level,
  Occasion,
  ProcurementFacts,
  Scope,
} from './policies/index.ts';
import { ceilDays, failureWindow } from './window.ts';

/** The policies that have deadline extension rules. */
export const EXTENSION_POLICY_IDS = ['portal-692', 'energy-366'] as const;
export type ExtensionPolicyId = (typeof EXTENSION_POLICY_IDS)[number];

export interface IncidentFacts {
  readonly level: Level;
  readonly startedAt: number;
  readonly confirmedAt: number;
  readonly resolvedAt: number;
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

export interface DeadlinesResult {
  policy: ExtensionPolicyId;
  level: Occasion;
  failureMinutes: number;
  extensions: Extension[];
  tariffs: TariffExtension[];
  notes: string[];
  /** Force majeure: nothing is extended automatically; the owner agrees the days. */
  requiresOwnerAgreement?: { rule: string; durationDays: number };
}

function inScope(scope: Scope, p: ProcurementFacts, module: string | undefined): boolean {
  switch (scope) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'affected':
      return p.affected === true;
    case 'module':
      return module === undefined || p.module === module;
  }
}

function scopeNote(scope: Scope, occasion: Occasion, reached: number, total: number, module: string | undefined): string {
  switch (scope) {
    case 'affected':
      return `${occasion}: only procurements marked affected: true are extended (${reached} of ${total})`;
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

/** Applies the policy's extension rules; see the module comment for the precedence. */
export function computeExtensions(req: DeadlinesRequest): DeadlinesResult {
  const policy = POLICIES[req.policy];
  const ext = policy.extension;
  if (!ext) throw new Error(`policy ${req.policy} has no extension rules`);
  const { incident, maintenance } = req;
  const occasion: Occasion = incident ? incident.level : 'maintenance';
  const w = incident
    ? failureWindow(incident.startedAt, incident.resolvedAt)
    : failureWindow(maintenance?.startsAt ?? 0, maintenance?.endsAt ?? 0);
  const result: DeadlinesResult = {
    policy: req.policy,
    level: occasion,
    failureMinutes: w.duration / MS_PER_MINUTE,
    extensions: [],
    tariffs: [],
    notes: [],
  };

  if (incident?.forceMajeure) {
    const days = ceilDays(w);
    result.requiresOwnerAgreement = { rule: ext.forceMajeure.id, durationDays: days };
    result.notes.push(`${ext.forceMajeure.id} (${ext.forceMajeure.source}): ${ext.forceMajeure.summary}; the circumstances lasted ${days} day(s)`);
    return result;
  }
  const none = ext.noExtension[occasion];
  if (none) {
    result.notes.push(`${none.id} (${none.source}): ${none.summary}`);
    return result;
  }
  const scope = ext.scope[occasion];
  if (scope === 'none') {
    result.notes.push(`${req.policy} has no extension rule for ${occasion}; nothing is extended`);
    return result;
  }
  if (incident?.decryptionFailure && occasion !== 'high') {
    result.notes.push('decryptionFailure is considered only for high failures (EX-H-DECRYPT-OPEN, EX-H-DECRYPT-EXPIRED)');
  }

  const decryption = incident?.decryptionFailure === true;
  const byKind = new Map<DeadlineKind, ExtensionRule[]>();
  for (const rule of ext.rules) {
    if (!rule.occasions.includes(occasion)) continue;
    if (rule.onlyOnDecryptionFailure && !decryption) continue;
    for (const kind of rule.deadlines) {
      let list = byKind.get(kind);
      if (!list) byKind.set(kind, (list = []));
      list.push(rule);
    }
  }
  const kinds = DEADLINE_KINDS.filter((k) => byKind.has(k));
  const module = incident?.module;

  let reached = 0;
  for (const p of req.procurements) {
    if (!inScope(scope, p, module)) continue;
    reached++;
    for (const kind of kinds) {
      const original = p.deadlines[kind];
      let best: number | undefined;
      let bestRule: ExtensionRule | undefined;
      let flags: ExtensionFlag[] | undefined;
      for (const rule of byKind.get(kind) as ExtensionRule[]) {
        if (rule.methods && !rule.methods.includes(p.method)) continue;
        if (!rule.hits(original, w, p)) continue;
        const candidate = rule.extend(original, w, p);
        for (const f of flagsOf(rule, w, p)) if (!(flags ??= []).includes(f)) flags.push(f);
        if (best === undefined || candidate > best) {
          best = candidate;
          bestRule = rule;
        }
      }
      if (best === undefined || !bestRule) continue;
      if (original === undefined || best > original) {
        result.extensions.push({ subject: p.id, deadline: kind, original: original ?? null, extended: best, rule: bestRule.id, flags: flags ?? [] });
      } else if (flags) {
        result.notes.push(`${p.id}: ${kind} not moved (already later than ${bestRule.id} gives); still ${flags.join(', ')}`);
      }
    }
  }
  result.notes.push(scopeNote(scope, occasion, reached, req.procurements.length, module));

  for (const t of req.tariffs) {
    let best: number | undefined;
    let bestId = '';
    for (const rule of ext.tariffRules) {
      if (!rule.occasions.includes(occasion) || !rule.hits(t.validUntil, w)) continue;
      const candidate = t.validUntil + rule.extendDays(w);
      if (best === undefined || candidate > best) {
        best = candidate;
        bestId = rule.id;
      }
    }
    if (best !== undefined && best > t.validUntil) result.tariffs.push({ id: t.id, validUntil: t.validUntil, extendedUntil: best, rule: bestId });
  }
  return result;
}
