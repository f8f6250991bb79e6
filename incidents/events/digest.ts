/**
 * The daily digest (issue item 8; 002 §23: the operator analyses the previous day's failures every
 * day): at 09:00 Astana time on working days, one `digest.daily` event through the outbox for the
 * notification channels. It covers the days since the previous working day, so Monday's digest
 * covers Friday, Saturday and Sunday. The key is the digest date, so it is produced once.
 */
import type { Db } from '../../core/db.ts';
import { astanaDayTimeToMs, astanaEpochDay, astanaTimeOfDayMs, formatAstana, formatEpochDay } from '../../core/time.ts';
import { isWorkingEpochDay, stepWorkingEpochDays } from '../rules/index.ts';
import { digestIncidents, failedResultCounts } from './events.repo.ts';
import { emit } from './outbox.ts';
import { outboxHasKey } from './outbox.repo.ts';

export const DIGEST_AT_MS = 9 * 3_600_000; // 09:00

/**
 * The digest due at `now`, if today is a working day and it is 09:00 or later: the Astana date it is
 * for and the period [from, to) it covers, as epoch milliseconds. Pure.
 */
export function digestDue(now: number): { date: string; from: number; to: number } | undefined {
  const today = astanaEpochDay(now);
  if (!isWorkingEpochDay(today) || astanaTimeOfDayMs(now) < DIGEST_AT_MS) return undefined;
  const prev = stepWorkingEpochDays(today, -1);
  return { date: formatEpochDay(today), from: astanaDayTimeToMs(prev, 0), to: astanaDayTimeToMs(today, 0) };
}

/** Writes the digest due at `now` to the outbox unless it exists; returns its date when written. */
export async function produceDigest(db: Db, now: Date): Promise<string | undefined> {
  const due = digestDue(now.getTime());
  if (!due) return undefined;
  const key = `digest:${due.date}`;
  if (await outboxHasKey(db, key)) return undefined;
  const from = new Date(due.from).toISOString();
  const to = new Date(due.to).toISOString();
  const incidents = await digestIncidents(db, from, to);
  const failures = await failedResultCounts(db, from, to);
  await db.transaction((tx) =>
    emit(tx, {
      type: 'digest.daily',
      key,
      payload: {
        date: due.date,
        from: formatAstana(due.from),
        to: formatAstana(due.to),
        incidents: incidents.map((i) => ({
          id: i.id,
          system: i.system,
          module: i.module,
          state: i.state,
          level: i.level ?? i.proposed_level,
          startedAt: formatAstana(new Date(i.started_at)),
          recoveredAt: i.recovered_at ? formatAstana(new Date(i.recovered_at)) : null,
          probableCause: i.probable_cause,
        })),
        failedResults: failures.map((f) => ({ check: f.check_key, errorKind: f.error_kind, count: Number(f.n) })),
      },
    }),
  );
  return due.date;
}
