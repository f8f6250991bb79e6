/**
 * What the ETP capability tells people, as delivery rows for the notices outbox: the streak warnings
 * and the threshold event (to the operator's channels and the ETP owner), and a decision (§49: a
 * disconnection is sent to the owner). Building rows only; the caller stores and queues them.
 */
import type { KuzetConfig } from '../core/config.ts';
import { formatAstana, formatEpochDay } from '../core/time.ts';
import { fanOut, type DeliveryRow, type NoticeTemplates } from '../notices/index.ts';
import { decisionJson, type DecisionOutcome } from './decision.ts';
import { eventJson } from './ledger.ts';
import type { Etp } from './etp.types.ts';
import { THRESHOLD_STREAK, type StreakEvent } from './streaks.ts';

/** The ETP owner's contacts with an e-mail address. */
export function ownerEmails(etp: Etp): { email: string }[] {
  return etp.owner.contacts.filter((c) => c.email).map((c) => ({ email: c.email as string }));
}

/** The notice of a decision to the operator's channels and the owner (§49: the disconnection is sent to the owner). */
export function decisionNotices(templates: NoticeTemplates, cfg: KuzetConfig, o: DecisionOutcome): DeliveryRow[] {
  const d = decisionJson(o.decision);
  const data = {
    etp: o.after.id,
    etpName: o.after.name,
    reason: d.reason,
    disconnectAt: d.disconnectAt ?? '',
    thresholdReachedOn: d.thresholdReachedOn ?? '',
  };
  const name = o.decision.decision === 'disconnect' ? 'etp-disconnected' : 'etp-kept';
  const texts = templates.render('etp-em', name, (lang) => ({ lang, ...data }));
  return fanOut(
    `etp:${o.after.id}:decision:${o.decision.id}`,
    { threadKey: `etp:${o.after.id}:streak`, texts, data: { kind: 'etp.decision', ...d } },
    cfg.notifications.channels,
    ownerEmails(o.after),
  );
}

/** Warnings and the threshold event to the operator (chat channels, on-call e-mail) and the owner's contacts. */
export function streakNotices(
  templates: NoticeTemplates,
  cfg: KuzetConfig,
  etp: Etp,
  events: readonly StreakEvent[],
  days: readonly number[],
): DeliveryRow[] {
  const rows: DeliveryRow[] = [];
  for (const e of events) {
    const base = {
      etp: etp.id,
      etpName: etp.name,
      date: formatEpochDay(e.day),
      streak: e.streak,
      daysLeft: Math.max(0, THRESHOLD_STREAK - e.streak),
      failureDays: days
        .filter((d) => d > e.day - e.streak && d <= e.day)
        .map(formatEpochDay)
        .join(', '),
    };
    const name = e.type === 'threshold' ? 'etp-threshold' : 'etp-streak-warning';
    const data =
      e.type === 'threshold'
        ? { ...base, decisionDueBy: formatAstana(e.decisionDueByMs), rule: 'ETP-DISCONNECT-DECISION' }
        : { ...base, rule: 'ETP-DISCONNECT-DAYS' };
    const texts = templates.render('etp-em', name, (lang) => ({ lang, ...data }));
    const event = `etp:${etp.id}:${e.type}:${formatEpochDay(e.day)}`;
    rows.push(
      ...fanOut(
        event,
        { threadKey: `etp:${etp.id}:streak`, texts, data: { kind: `etp.${e.type}`, ...eventJson(e), etp: etp.id } },
        cfg.notifications.channels,
        ownerEmails(etp),
      ),
    );
  }
  return rows;
}
