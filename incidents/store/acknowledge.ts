/**
 * Acknowledging an incident's alert (issue #21 item 1): an on-call engineer says "I have it" from the
 * console, the API or the button of the Slack message. The first acknowledgement is stored with who,
 * when, through what and from which address, on the timeline and in the audit log, and told through
 * the outbox (`incident.updated`, change `acknowledged`): the Slack message is updated and escalation
 * stops. A repeat answers with the stored acknowledgement and writes nothing (idempotent).
 *
 * Acknowledging is not a step of the regulated lifecycle: it changes no state, no version and no SLA
 * clock (docs/rules.md §4); the analysis clock SLA-P-ANALYSE still runs until the operator moves the
 * incident to analysis.
 */
import { z } from 'zod';
import type { Queryable } from '../../core/db.ts';
import { InputError, KuzetError, NotFoundError, issuesFromZod } from '../../core/errors.ts';
import { formatAstana } from '../../core/time.ts';
import { emit } from '../events/outbox.ts';
import { isActive, type IncidentState } from '../lifecycle/lifecycle.ts';
import { getAck, insertAck, type AckRow } from './ack.repo.ts';
import { getIncidentRow, record } from './incident.repo.ts';

/** Where an acknowledgement came from. */
export const ACK_VIA = ['api', 'console', 'slack'] as const;
export type AckVia = (typeof ACK_VIA)[number];

export const acknowledgeInput = z.strictObject({
  note: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(500, 'at most 500 characters').optional(),
});

/** Who acknowledges, from where and through what; `name` when the source tells one (Slack). */
export interface AckActor {
  id: string;
  ip?: string | null | undefined;
  via: AckVia;
  name?: string | undefined;
}

/** The acknowledgement as the API, the console and the notices show it. */
export interface AckView {
  at: string;
  /** The actor id: a token or console account, or `slack:<user id>`. */
  by: string;
  /** How people know them, when the source says (the Slack user's name). */
  byName: string | null;
  via: string;
  note: string | null;
}

export const ackView = (a: AckRow): AckView => ({
  at: formatAstana(new Date(a.acked_at)),
  by: a.actor,
  byName: a.actor_name,
  via: a.via,
  note: a.note,
});

/** The incident's acknowledgement, or null. */
export async function acknowledgementOf(db: Queryable, incidentId: string): Promise<AckView | null> {
  const a = await getAck(db, incidentId);
  return a ? ackView(a) : null;
}

/**
 * Acknowledges incident `id` in the caller's transaction. 400 for a bad body (the field named), 404 for
 * no such incident, 409 when it is no longer open (refuted, resolved or closed: nothing is left to
 * acknowledge). `already` is true when it was acknowledged before; then nothing is written.
 */
export async function acknowledge(
  tx: Queryable,
  id: string,
  input: unknown,
  actor: AckActor,
  now: number,
): Promise<{ ack: AckView; already: boolean }> {
  const parsed = acknowledgeInput.safeParse(input ?? {});
  if (!parsed.success) throw new InputError(issuesFromZod(parsed.error.issues).map((i) => ({ ...i, field: i.field || 'body' })));
  const row = await getIncidentRow(tx, id, true);
  if (!row) throw new NotFoundError(`no incident ${id}`);
  const had = await getAck(tx, id);
  if (had) return { ack: ackView(had), already: true };
  if (!isActive(row.state as IncidentState))
    throw new KuzetError('conflict', `incident ${id} is ${row.state}: there is no open alert to acknowledge`, { status: 409, field: 'id' });
  const { row: ack, fresh } = await insertAck(tx, {
    incidentId: id,
    at: now,
    actor: actor.id,
    actorName: actor.name ?? null,
    via: actor.via,
    ip: actor.ip ?? null,
    note: parsed.data.note ?? null,
  });
  if (!fresh) return { ack: ackView(ack), already: true };
  const view = ackView(ack);
  await record(tx, { incidentId: id, at: now, actor: actor.id, ip: actor.ip, action: 'acknowledged', after: view });
  await emit(tx, {
    type: 'incident.updated',
    key: `${id}:acknowledged`,
    incidentId: id,
    payload: { id, change: 'acknowledged', ...view },
  });
  return { ack: view, already: false };
}
