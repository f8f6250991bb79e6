/**
 * Planning a maintenance window, pure: lead-time verdicts per audience (docs/rules.md §6, through the
 * rules engine's `latestNotifyAt`), the unplanned-works flag (000 App.7 §40), EX-MAINT deadline
 * extensions (001 §18, through `rulesDeadlines`) and the schedule of announcement, reminder and phase
 * jobs. `now` is passed in.
 */
import { formatAstana } from '../core/time.ts';
import {
  EXTENSION_POLICY_IDS,
  POLICY_REGISTRY,
  latestNotifyAt,
  rulesDeadlines,
  type Audience,
  type PolicyId,
  type PolicyRegistry,
} from '../incidents/index.ts';
import type { MaintenanceInput, NoticeExtension, NoticeSubject } from './model.ts';

export interface SystemFacts {
  id: string;
  policy: PolicyId;
  modules: readonly string[];
}

export interface LeadTimeVerdict {
  audience: Audience;
  latestNotifyAt: string;
  /** Met when the announcement goes out now (at planning). */
  met: boolean;
}

export interface ScheduledJob {
  /** `announce` now; `remind` a day before the start; `start` and `complete` switch the notice's phase. */
  kind: 'announce' | 'remind' | 'start' | 'complete';
  at: string;
}

export interface MaintenancePlan {
  verdicts: LeadTimeVerdict[];
  unplanned: boolean;
  /** Why the window is handled as unplanned works, for the operator. */
  reasons: string[];
  extensions: NoticeExtension[];
  jobs: ScheduledJob[];
}

/** The audiences whose lead time applies to works on this system (docs/rules.md §6). */
export function defaultAudiences(system: SystemFacts, modules: readonly string[], policies: PolicyRegistry = POLICY_REGISTRY): Audience[] {
  // A policy naming its own audiences (etp-em: the ETP owners, 000 App.7 §39) has them; values are lead-time audiences of the rules engine.
  const own = policies.get(system.policy).notices?.maintenanceAudiences;
  if (own) return [...own] as Audience[];
  // Works making the e-shop unavailable concern the connected ETPs too (000 App.7 §39, §41).
  const eshop = modules.length === 0 ? system.modules.includes('eshop') : modules.includes('eshop');
  return eshop ? ['portal-users', 'etp-owners'] : ['portal-users'];
}

const REMIND_BEFORE_MS = 86_400_000;

export function planMaintenance(
  input: MaintenanceInput,
  system: SystemFacts,
  now: Date,
  policies: PolicyRegistry = POLICY_REGISTRY,
): MaintenancePlan {
  const start = new Date(input.startsAt);
  const end = new Date(input.endsAt);
  const audiences = input.audiences ?? defaultAudiences(system, input.modules, policies);
  const verdicts = audiences.map((audience) => {
    const latest = latestNotifyAt(audience, start);
    return { audience, latestNotifyAt: formatAstana(latest), met: now.getTime() <= latest.getTime() };
  });
  const reasons: string[] = [];
  for (const v of verdicts) if (!v.met) reasons.push(`${v.audience}: the latest notice was due ${v.latestNotifyAt}`);
  if (start.getTime() <= now.getTime()) reasons.push('the window has already started');

  let extensions: NoticeExtension[] = [];
  if ((EXTENSION_POLICY_IDS as readonly string[]).includes(system.policy)) {
    const out = rulesDeadlines({
      policy: system.policy,
      maintenance: { startsAt: formatAstana(start), endsAt: formatAstana(end) },
      procurements: input.procurements,
    });
    extensions = out.extensions.map((e) => ({
      subject: e.subject,
      deadline: e.deadline,
      original: e.original === null ? null : new Date(Date.parse(e.original)).toISOString(),
      extended: new Date(Date.parse(e.extended)).toISOString(),
      rule: e.rule,
    }));
  }

  const jobs: ScheduledJob[] = [{ kind: 'announce', at: now.toISOString() }];
  const remindAt = start.getTime() - REMIND_BEFORE_MS;
  if (remindAt > now.getTime()) jobs.push({ kind: 'remind', at: new Date(remindAt).toISOString() });
  jobs.push({ kind: 'start', at: start.toISOString() }, { kind: 'complete', at: end.toISOString() });
  return { verdicts, unplanned: reasons.length > 0, reasons, extensions, jobs };
}

/** The notice subject of a planned window. */
export function maintenanceSubject(
  id: string,
  input: MaintenanceInput,
  system: SystemFacts,
  plan: MaintenancePlan,
  phase: NoticeSubject['phase'] = 'maintenance-planned',
): NoticeSubject {
  return {
    kind: 'maintenance',
    id,
    system: input.system,
    modules: input.modules,
    policy: system.policy,
    phase,
    description: input.description,
    startedAt: input.startsAt,
    endsAt: input.endsAt,
    plannedFixAt: input.endsAt,
    extensions: plan.extensions,
    affected: [...new Map(plan.extensions.map((e) => [e.subject, { announcement: e.subject }])).values()],
    contacts: input.responsible,
    recipients: input.recipients,
    unplanned: plan.unplanned,
  };
}
