/**
 * An operator extends a clock's due time (issue #17 item 11; docs/rules.md §4, SLA-E-ETP-RESOLVE,
 * 000 App.4 §1.5): once, to at most the original due time + 15 calendar days, with a notice to the user
 * and the operator (sent by notices/incident-notices.ts on the `clock.extended` event). The clock keeps
 * the new due time in `due_at` (so warnings, breaches and metrics follow it) and the extension, with the
 * original due time, in `extension`; both are on the timeline and in the audit log.
 */
import { z } from 'zod';
import type { Queryable } from '../../core/db.ts';
import { InputError, NotFoundError, issuesFromZod } from '../../core/errors.ts';
import { formatAstana, tryParseDateTimeMs } from '../../core/time.ts';
import { emit } from '../events/outbox.ts';
import { SLA_TIMERS, checkClockExtension, type SlaTimerId } from '../rules/index.ts';
import { baseTimer } from '../sla-clocks/appeal-clocks.ts';
import { lockClock, setClockExtension } from './clock.repo.ts';
import { getIncidentRow, record } from './incident.repo.ts';
import { bumpIncidentVersion } from './incident-update.repo.ts';

/** What `incident_clocks.extension` holds. */
export interface StoredClockExtension {
  /** The due time before the extension (ISO 8601, Astana). */
  originalDueAt: string;
  dueAt: string;
  reason: string;
  at: string;
  by: string;
  /** Who must be told (the rule's `notify`). */
  notify: readonly string[];
}

const extendInput = z.strictObject({
  dueAt: z
    .string({
      error: (i) =>
        i.input === undefined ? 'required: the new due time, ISO 8601 with offset' : 'must be an ISO 8601 date-time with offset',
    })
    .transform((t, ctx) => {
      const v = tryParseDateTimeMs(t);
      if (v === undefined) {
        ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 date-time with offset' });
        return z.NEVER;
      }
      return v;
    }),
  reason: z
    .string({ error: 'required: why the decision cannot be given in time (the user and the operator are told)' })
    .trim()
    .min(1, 'must not be empty')
    .max(2000),
});

/**
 * Extends clock `timer` of incident `id` to `input.dueAt`. A 400 names the field: `timer` when the clock
 * cannot be extended (another timer, already met, already extended), `dueAt` when the new due time is not
 * later than the current one or past the bound.
 */
export async function extendClock(
  tx: Queryable,
  id: string,
  timer: string,
  input: unknown,
  actor: { id: string; ip?: string | null | undefined },
  now: number,
): Promise<StoredClockExtension> {
  const parsed = extendInput.safeParse(input ?? {});
  if (!parsed.success) throw new InputError(issuesFromZod(parsed.error.issues));
  const v = parsed.data;
  const inc = await getIncidentRow(tx, id, true);
  if (!inc) throw new NotFoundError(`no incident ${id}`);
  const clock = await lockClock<StoredClockExtension>(tx, id, timer);
  if (!clock) throw new NotFoundError(`incident ${id} has no clock ${timer}`);
  // An appeal's own copy (`SLA-E-ETP-RESOLVE@appeal-17`) follows its rule.
  const rule = baseTimer(timer);
  if (!SLA_TIMERS.get(rule as SlaTimerId)?.extension || clock.due_at === null) {
    const problem = checkClockExtension(rule, { originalDue: 0, currentDue: 0, extensions: 0, requested: 0 });
    throw new InputError(problem?.message ?? `${timer} cannot be extended`, 'timer');
  }
  if (clock.met_at !== null)
    throw new InputError(`${timer} was met at ${formatAstana(new Date(clock.met_at))}; a met clock is not extended`, 'timer');
  const currentDue = new Date(clock.due_at).getTime();
  const originalDue = clock.extension ? (tryParseDateTimeMs(clock.extension.originalDueAt) as number) : currentDue;
  const problem = checkClockExtension(rule, { originalDue, currentDue, extensions: clock.extension ? 1 : 0, requested: v.dueAt });
  if (problem) throw new InputError(problem.message, problem.field);
  const ext: StoredClockExtension = {
    originalDueAt: formatAstana(originalDue),
    dueAt: formatAstana(v.dueAt),
    reason: v.reason,
    at: formatAstana(now),
    by: actor.id,
    notify: SLA_TIMERS.get(rule as SlaTimerId)?.extension?.notify ?? [],
  };
  // The warning and breach of the old due time no longer stand: the ticker tells of the new one.
  await setClockExtension(tx, id, timer, v.dueAt, ext);
  await bumpIncidentVersion(tx, id);
  await record(tx, {
    incidentId: id,
    at: now,
    actor: actor.id,
    ip: actor.ip,
    action: 'clock.extended',
    before: { timer, dueAt: formatAstana(currentDue) },
    after: { timer, ...ext, rule, source: SLA_TIMERS.get(rule as SlaTimerId)?.extension?.source },
  });
  await emit(tx, {
    type: 'incident.updated',
    key: `${id}:clock-extended:${timer}`,
    incidentId: id,
    payload: { id, change: 'clock.extended', timer, ...ext },
  });
  return ext;
}
