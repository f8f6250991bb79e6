/**
 * The failure-day ledger of each ETP's `orders` service (docs/rules.md §7): failure episodes from
 * the incident store, from the stored check results and from episodes recorded by hand, turned into
 * failure days, streaks and events by the pure functions of ./streaks.ts, and kept in the database
 * so warnings and the threshold event are raised once per ETP and date.
 */
import { z } from 'zod';
import { audit } from '../core/audit.ts';
import type { Db, Queryable } from '../core/db.ts';
import { astanaDayTimeToMs, astanaEpochDay, formatAstana, formatEpochDay } from '../core/time.ts';
import { dateTimeMs } from '../incidents/index.ts';
import type { Etp } from './registry.ts';
import {
  failureDaysBetween,
  incidentSpans,
  insertEpisode,
  insertStreakEvent,
  recordedEpisodes,
  replaceFailureDays,
  resultRuns,
  storedEvents,
  storedFailureDays,
} from './ledger.repo.ts';
import {
  COUNTED_SERVICES,
  THRESHOLD_STREAK,
  decisionDueByMs,
  failureMsByDay,
  streakEndingOn,
  streakEvents,
  streakRuns,
  type FailureEpisode,
  type StreakEvent,
} from './streaks.ts';

/** A failure seen in one check result only is not yet an episode: a second failed run confirms it. */
export const CONFIRMING_FAILED_RUNS = 2;
/** How many recent days each recomputation re-derives from the evidence; older days stay as stored. */
export const DEFAULT_LEDGER_WINDOW_DAYS = 40;

/** A config target checking one of the ETP's counted services, and the module its incidents are filed under. */
export interface OrderTarget {
  target: string;
  module: string;
}

export interface SourcedEpisode extends FailureEpisode {
  source: 'incident' | 'check' | 'recorded';
  ref: string;
}

export { storedEvents, storedFailureDays };
export type { StoredEvent } from './ledger.repo.ts';

const msOf = (v: Date | string) => new Date(v).getTime();

/** Failure episodes of the ETP's counted services overlapping [fromMs, nowMs], clamped to it. */
export async function gatherEpisodes(
  db: Queryable,
  etp: Etp,
  targets: readonly OrderTarget[],
  fromMs: number,
  nowMs: number,
): Promise<SourcedEpisode[]> {
  const out: SourcedEpisode[] = [];
  const push = (e: SourcedEpisode) => {
    const startMs = Math.max(e.startMs, fromMs);
    const endMs = Math.min(e.endMs, nowMs);
    if (endMs > startMs) out.push({ ...e, startMs, endMs });
  };
  const recorded = await recordedEpisodes(db, etp.id, fromMs, nowMs);
  for (const r of recorded)
    push({ service: r.service, startMs: msOf(r.started_at), endMs: msOf(r.ended_at), source: 'recorded', ref: `episode:${r.id}` });
  if (targets.length === 0) return out;
  const modules = [...new Set(targets.map((t) => t.module))];
  // A refuted incident was not a failure; one still open lasts until now.
  const incidents = await incidentSpans(db, etp.id, modules, fromMs, nowMs);
  for (const r of incidents)
    push({ service: 'orders', startMs: msOf(r.started_at), endMs: r.end_at ? msOf(r.end_at) : nowMs, source: 'incident', ref: r.id });
  // Runs of equal results per check and region; a failed run from its first failure to the first success after it.
  const groups = await resultRuns(
    db,
    etp.id,
    targets.map((t) => t.target),
    fromMs,
    nowMs,
  );
  groups.forEach((g, i) => {
    if (g.ok || Number(g.n) < CONFIRMING_FAILED_RUNS) return;
    const next = groups[i + 1];
    const sameSeries = next && next.check_key === g.check_key && next.region === g.region;
    push({
      service: 'orders',
      startMs: msOf(g.first_at),
      endMs: sameSeries ? msOf(next.first_at) : msOf(g.last_at),
      source: 'check',
      ref: `${g.check_key}@${g.region}`,
    });
  });
  return out;
}

export interface RecomputeResult {
  etp: string;
  asOfDay: number;
  failureDays: number[];
  /** Events stored for the first time by this run. */
  newEvents: StreakEvent[];
  /** Of those, the ones recent enough to tell anyone about (on `asOf` or the day before). */
  toNotify: StreakEvent[];
  changed: boolean;
}

/**
 * Re-derives the last `windowDays` days of the ledger from the evidence as of `nowMs`, stores them,
 * and stores the streak events not stored before (idempotent per ETP, date and type). Days before
 * the window are kept as they were: the check results behind them may be gone (retention).
 */
export async function recomputeLedger(
  db: Db,
  etp: Etp,
  targets: readonly OrderTarget[],
  nowMs: number,
  opts: { windowDays?: number; onNotify?: (tx: Queryable, events: StreakEvent[], failureDays: number[]) => Promise<void> } = {},
): Promise<RecomputeResult> {
  const asOfDay = astanaEpochDay(nowMs);
  const fromDay = asOfDay - (opts.windowDays ?? DEFAULT_LEDGER_WINDOW_DAYS) + 1;
  const fromMs = astanaDayTimeToMs(fromDay, 0);
  const episodes = await gatherEpisodes(db, etp, targets, fromMs, nowMs);
  const minMs = etp.minFailureMinutes * 60_000;
  const window = [...failureMsByDay(episodes, asOfDay)].filter(([day, ms]) => day >= fromDay && ms >= minMs).sort((a, b) => a[0] - b[0]);
  return db.transaction(async (tx) => {
    const before = await failureDaysBetween(tx, etp.id, fromDay, asOfDay);
    const beforeKey = before.map((r) => `${r.d}:${r.failure_ms}`).join(',');
    const afterKey = window.map(([d, ms]) => `${d}:${ms}`).join(',');
    const changed = beforeKey !== afterKey;
    if (changed) {
      await replaceFailureDays(tx, etp.id, fromDay, asOfDay, window);
      await audit(tx, {
        actor: 'system:etp-ledger',
        action: 'etp.ledger',
        subject: etp.id,
        before: { from: formatEpochDay(fromDay), failureDays: before.map((r) => formatEpochDay(Number(r.d))) },
        after: {
          from: formatEpochDay(fromDay),
          failureDays: window.map(([d]) => formatEpochDay(d)),
          sources: [...new Set(episodes.map((e) => e.source))],
        },
      });
    }
    const days = await storedFailureDays(tx, etp.id, asOfDay);
    const newEvents: StreakEvent[] = [];
    for (const e of streakEvents(days)) {
      if (await insertStreakEvent(tx, etp.id, e)) newEvents.push(e);
    }
    if (newEvents.length > 0) {
      await audit(tx, {
        actor: 'system:etp-ledger',
        action: 'etp.streak-events',
        subject: etp.id,
        after: newEvents.map((e) => eventJson(e)),
      });
    }
    const toNotify = newEvents.filter((e) => e.day >= asOfDay - 1);
    // In the same transaction: an event is never stored without its notices (the delivery outbox).
    if (toNotify.length > 0) await opts.onNotify?.(tx, toNotify, days);
    return { etp: etp.id, asOfDay, failureDays: days, newEvents, toNotify, changed };
  });
}

export function eventJson(e: StreakEvent) {
  return {
    type: e.type,
    date: formatEpochDay(e.day),
    streak: e.streak,
    ...(e.type === 'threshold'
      ? { decisionDueBy: formatAstana(e.decisionDueByMs), rule: 'ETP-DISCONNECT-DECISION' }
      : { rule: 'ETP-DISCONNECT-DAYS' }),
  };
}

export interface StreakStatus {
  failureDays: number[];
  /**
   * The streak ending today, or — while today has no failure yet — the one ending yesterday: a streak
   * is broken only by a whole day without failure.
   */
  currentStreak: number;
  longestStreak: number;
  /** The latest date a streak reached the threshold, and its decision deadline (rules engine, §48). */
  thresholdReachedOn: number | null;
  decisionDueByMs: number | null;
}

export function streakStatus(days: readonly number[], todayDay: number): StreakStatus {
  const runs = streakRuns(days);
  const latest = [...runs].reverse().find((r) => r.length >= THRESHOLD_STREAK);
  const threshold = latest ? latest.first + THRESHOLD_STREAK - 1 : null;
  return {
    failureDays: [...days],
    currentStreak: streakEndingOn(days, todayDay) || streakEndingOn(days, todayDay - 1),
    longestStreak: runs.reduce((m, r) => Math.max(m, r.length), 0),
    thresholdReachedOn: threshold,
    decisionDueByMs: threshold === null ? null : decisionDueByMs(threshold),
  };
}

/** Records a failure episode kuzet's own checks did not see (an appeal, a report); audited. */
export async function recordEpisode(
  db: Db,
  etp: Etp,
  e: { service: string; startMs: number; endMs: number; source: string; note: string | null },
  actor: { id: string; ip?: string | null | undefined },
): Promise<string> {
  return db.transaction(async (tx) => {
    const id = await insertEpisode(tx, etp.id, e);
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'etp.episode',
      subject: etp.id,
      after: {
        id,
        service: e.service,
        start: formatAstana(e.startMs),
        end: formatAstana(e.endMs),
        source: e.source,
        note: e.note,
        counted: COUNTED_SERVICES.includes(e.service),
      },
    });
    return id;
  });
}

/** `POST /api/v1/etps/:id/episodes`: a failure episode recorded by hand. */
export const episodeInput = z
  .strictObject({
    service: z
      .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a string') })
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"'),
    start: dateTimeMs,
    end: dateTimeMs,
    note: z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional(),
  })
  .refine((e) => e.end > e.start, { path: ['end'], message: 'must be after start' });
