/**
 * The ETP read API: what the registry, the ledger and the decisions say about each ETP now, for the
 * HTTP API, the CLI, the console and the status site. Reads only.
 */
import type { Queryable } from '../core/db.ts';
import { astanaEpochDay, formatAstana, formatEpochDay } from '../core/time.ts';
import { decisionJson, listDecisions, type Decision } from './decision.ts';
import { storedEvents, storedFailureDays, streakStatus } from './ledger.ts';
import { etpJson, getEtp, listEtpRecords, type Etp, type EtpState } from './registry.ts';
import { THRESHOLD_STREAK, warningFromStreak } from './streaks.ts';

export { failingRuns, latestResults } from './evidence.repo.ts';

export interface EtpSummary {
  id: string;
  name: string;
  state: EtpState;
  /** When the state began (for `disconnected`, the date and time of disconnection), Astana time. */
  stateSince: string | null;
  currentStreak: number;
  longestStreak: number;
  /** `ok` below the warning streak, `warning` from 5, `threshold` from 8. */
  level: 'ok' | 'warning' | 'threshold';
  thresholdReachedOn: string | null;
  decisionDueBy: string | null;
  /** A threshold was reached and no decision has been recorded for it yet. */
  decisionPending: boolean;
  /** Pending past its deadline (§48). */
  decisionOverdue: boolean;
}

function summarise(e: Etp, days: number[], decisions: Decision[], nowMs: number): EtpSummary {
  const s = streakStatus(days, astanaEpochDay(nowMs));
  const decided = s.thresholdReachedOn !== null && decisions.some((d) => d.thresholdDay === s.thresholdReachedOn);
  return {
    id: e.id,
    name: e.name,
    state: e.state,
    stateSince: e.stateSinceMs === null ? null : formatAstana(e.stateSinceMs),
    currentStreak: s.currentStreak,
    longestStreak: s.longestStreak,
    level: s.currentStreak >= THRESHOLD_STREAK ? 'threshold' : s.currentStreak >= warningFromStreak ? 'warning' : 'ok',
    thresholdReachedOn: s.thresholdReachedOn === null ? null : formatEpochDay(s.thresholdReachedOn),
    decisionDueBy: s.decisionDueByMs === null ? null : formatAstana(s.decisionDueByMs),
    decisionPending: s.thresholdReachedOn !== null && !decided,
    decisionOverdue: s.thresholdReachedOn !== null && !decided && s.decisionDueByMs !== null && nowMs > s.decisionDueByMs,
  };
}

/** Every ETP in the registry with its connection state and streak, by id. */
export async function listEtps(db: Queryable, now: Date): Promise<EtpSummary[]> {
  const out: EtpSummary[] = [];
  const today = astanaEpochDay(now);
  for (const e of await listEtpRecords(db))
    out.push(summarise(e, await storedFailureDays(db, e.id, today), await listDecisions(db, e.id), now.getTime()));
  return out;
}

/** One ETP with its registry entry, ledger (failure days of the last `days` days), events and decisions; undefined when unknown. */
export async function etpDetail(db: Queryable, id: string, now: Date, o: { days?: number } = {}) {
  const e = await getEtp(db, id);
  if (!e) return undefined;
  const today = astanaEpochDay(now);
  const days = await storedFailureDays(db, id, today);
  const decisions = await listDecisions(db, id);
  const summary = summarise(e, days, decisions, now.getTime());
  const since = today - (o.days ?? 90) + 1;
  return {
    ...etpJson(e),
    streak: {
      asOf: formatEpochDay(today),
      currentStreak: summary.currentStreak,
      longestStreak: summary.longestStreak,
      level: summary.level,
      thresholdReachedOn: summary.thresholdReachedOn,
      decisionDueBy: summary.decisionDueBy,
      decisionPending: summary.decisionPending,
      decisionOverdue: summary.decisionOverdue,
      failureDays: days.filter((d) => d >= since).map(formatEpochDay),
      rules: ['ETP-DISCONNECT-DAYS', 'ETP-DISCONNECT-DECISION'],
    },
    events: (await storedEvents(db, id)).map((ev) => ({
      type: ev.type,
      date: formatEpochDay(ev.day),
      streak: ev.streak,
      decisionDueBy: ev.decisionDueByMs === null ? null : formatAstana(ev.decisionDueByMs),
    })),
    decisions: decisions.map(decisionJson),
  };
}
export type EtpDetail = NonNullable<Awaited<ReturnType<typeof etpDetail>>>;
