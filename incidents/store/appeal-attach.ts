/**
 * Appeal floods (issue #16 item 5). On the day the portal fails thousands of users appeal about the
 * same module at once; each opening its own incident, Slack message and mail buried the on-call
 * engineers. An appeal about a system and module whose incident is open — or was resolved within
 * `incidents.appeals.attachWindow` — attaches to it: stored and listed with it, counted, written to
 * its timeline, and answered on its own clocks (appeal-clocks.ts). No event is emitted for it, so
 * the channels stay quiet; the incident's notice names every reporter when it goes out.
 * Their rows, the lock and the attachable incident are read and written in appeal.repo.ts.
 */
import type { Queryable } from '../../core/db.ts';
import type { AppealChannel } from '../appeals/appeal-channel.ts';
import { appealClocksFor } from '../sla-clocks/appeal-clocks.ts';
import type { AppealClockRow } from './appeal.repo.ts';
import { upsertClocks, type IncidentRow } from './incident.repo.ts';

const ms = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : new Date(d).getTime());

/**
 * Writes (or updates) the clocks of the given attached appeals of `inc`, in batches of one statement
 * each; `clocksOf` picks which (channelClocksFor for the appeal that opened the incident).
 */
export async function syncAppealClocks(
  tx: Queryable,
  inc: IncidentRow,
  appeals: readonly AppealClockRow[],
  clocksOf: typeof appealClocksFor = appealClocksFor,
): Promise<void> {
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
