/**
 * Appeal floods (issue #16 item 5). On the day the portal fails thousands of users appeal about the
 * same module at once; each opening its own incident, Slack message and mail buried the on-call
 * engineers. An appeal about a system and module whose incident is open — or was resolved within
 * `incidents.appeals.attachWindow` — attaches to it: stored and listed with it, counted, written to
 * its timeline, and answered on its own clocks (appeal-clocks.ts). No event is emitted for it, so
 * the channels stay quiet; the incident's notice names every reporter when it goes out.
 */
import type { Queryable } from '../../core/db.ts';
import type { AppealChannel } from '../appeals/appeal-channel.ts';
import { appealClocksFor } from '../sla-clocks/appeal-clocks.ts';
import { upsertClocks, type IncidentRow } from './incident.repo.ts';

const OPEN_STATES = ['registered', 'analysing', 'confirmed'];
const ms = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : new Date(d).getTime());

/**
 * Serialises the appeals about one system and module (until the transaction ends), so that of two
 * concurrent first appeals one opens the incident and the other finds it.
 */
export async function lockAppealScope(tx: Queryable, system: string, module: string | null): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kuzet.appeal:${system}/${module ?? ''}`]);
}

/** The incident an appeal about `system`/`module` attaches to at `now`, locked for update; or none. */
export async function attachableIncident(tx: Queryable, system: string, module: string | null, now: number, windowMs: number): Promise<IncidentRow | undefined> {
  const rows = await tx.query<IncidentRow>(
    `SELECT * FROM incidents WHERE system = $1 AND module IS NOT DISTINCT FROM $2
       AND (state = ANY($3::text[]) OR (state IN ('resolved', 'closed') AND coalesce(resolved_at, closed_at) >= $4))
     ORDER BY registered_at DESC LIMIT 1 FOR UPDATE`,
    [system, module, OPEN_STATES, new Date(now - windowMs).toISOString()],
  );
  return rows[0];
}

/** An appeal as its clocks need it (`channel` absent in rows from before intake channels: the web form). */
export interface AppealClockRow {
  id: string;
  received_at: Date | string;
  detected_at: Date | string;
  channel?: string | null;
}

/**
 * Writes (or updates) the clocks of the given attached appeals of `inc`, in batches of one statement
 * each; `clocksOf` picks which (channelClocksFor for the appeal that opened the incident).
 */
export async function syncAppealClocks(tx: Queryable, inc: IncidentRow, appeals: readonly AppealClockRow[], clocksOf: typeof appealClocksFor = appealClocksFor): Promise<void> {
  const clocks = appeals.flatMap((a) =>
    clocksOf(a.id, {
      channel: (a.channel ?? 'web') as AppealChannel,
      policy: inc.policy,
      level: inc.level,
      receivedAt: ms(a.received_at) as number,
      registeredAt: ms(a.received_at) as number,
      userDetectedAt: ms(a.detected_at),
      confirmedAt: ms(inc.confirmed_at),
      refutedAt: ms(inc.refuted_at),
      resolvedAt: ms(inc.resolved_at),
    }),
  );
  await upsertClocks(tx, inc.id, clocks);
}

/**
 * The appeals attached to `inc` (every appeal of a monitoring incident; all but the first of an
 * appeal's incident, whose clocks are the incident's own).
 */
export async function attachedAppeals(tx: Queryable, inc: IncidentRow): Promise<AppealClockRow[]> {
  return tx.query(
    `SELECT id::text AS id, received_at, detected_at, channel FROM appeals WHERE incident_id = $1
       AND ($2 <> 'appeal' OR id > (SELECT min(id) FROM appeals WHERE incident_id = $1)) ORDER BY id`,
    [inc.id, inc.source],
  );
}
