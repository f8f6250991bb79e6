/**
 * The operator's decision once an ETP's streak reached the threshold (000 App.7 §48–§49): disconnect
 * at a date and time, or keep it connected, always with a reason. A disconnection puts the date and
 * time into the registry (and so into the list of authorised ETPs on the status site). Audited.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../core/audit.ts';
import type { Db, Queryable } from '../core/db.ts';
import { InputError, KuzetError } from '../core/errors.ts';
import { formatAstana, formatEpochDay } from '../core/time.ts';
import { dateDay, dateTimeMs } from '../incidents/index.ts';
import { storedEvents } from './ledger.ts';
import { insertDecision, listDecisions } from './decision.repo.ts';
import { DECISIONS, type Decision } from './decision.types.ts';
import { etpJson, inputIssues, requireEtp, setConnection, type Etp, type RegistryActor } from './registry.ts';

export { DECISIONS, listDecisions };
export type { Decision, DecisionKind } from './decision.types.ts';

export const decisionInput = z
  .strictObject({
    decision: z.enum(DECISIONS, { error: (i) => (i.input === undefined ? 'required' : `must be one of ${DECISIONS.join(', ')}`) }),
    /** Required for `disconnect`: when the ETP is (or was) disconnected, ISO 8601 with offset. */
    disconnectAt: dateTimeMs.optional(),
    reason: z
      .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a string') })
      .trim()
      .min(3, 'must say why (at least 3 characters)')
      .max(4000, 'must be at most 4000 characters'),
    /** The threshold date decided on; default the latest one. A decision without any threshold is one on other grounds (§47.1, 47.2, 47.4). */
    thresholdDate: dateDay.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'disconnect' && v.disconnectAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['disconnectAt'], message: 'required when decision is disconnect' });
    if (v.decision === 'keep' && v.disconnectAt !== undefined)
      ctx.addIssue({ code: 'custom', path: ['disconnectAt'], message: 'only for decision disconnect' });
  });

export function decisionJson(d: Decision) {
  return {
    id: d.id,
    etp: d.etp,
    thresholdReachedOn: d.thresholdDay === null ? null : formatEpochDay(d.thresholdDay),
    decision: d.decision,
    disconnectAt: d.disconnectAtMs === null ? null : formatAstana(d.disconnectAtMs),
    reason: d.reason,
    actor: d.actor,
    decidedAt: formatAstana(d.decidedAtMs),
    rule: 'ETP-DISCONNECT-DECISION',
  };
}

export interface DecisionOutcome {
  decision: Decision;
  before: Etp;
  after: Etp;
}

/**
 * Records the decision. `inTx` runs in the same transaction (the caller's notification outbox rows),
 * so a decision is never stored without its notices nor notices sent for a decision rolled back.
 */
export async function recordDecision(
  db: Db,
  etpId: string,
  input: unknown,
  actor: RegistryActor,
  now: Date,
  inTx?: (tx: Queryable, o: DecisionOutcome) => Promise<void>,
): Promise<DecisionOutcome> {
  const r = decisionInput.safeParse(input);
  if (!r.success) throw new InputError(inputIssues(r.error.issues));
  const v = r.data;
  return db.transaction(async (tx) => {
    const before = await requireEtp(tx, etpId, true);
    const thresholds = (await storedEvents(tx, etpId)).filter((e) => e.type === 'threshold');
    let thresholdDay: number | null = thresholds[thresholds.length - 1]?.day ?? null;
    if (v.thresholdDate !== undefined) {
      if (!thresholds.some((t) => t.day === v.thresholdDate))
        throw new InputError(
          `no threshold was reached by ${etpId} on ${formatEpochDay(v.thresholdDate)}; reached on: ${thresholds.map((t) => formatEpochDay(t.day)).join(', ') || 'none'}`,
          'thresholdDate',
        );
      thresholdDay = v.thresholdDate;
    }
    if (v.decision === 'disconnect' && before.state === 'disconnected') {
      throw new KuzetError(
        'conflict',
        `${etpId} is already disconnected (since ${before.stateSinceMs === null ? 'an unknown time' : formatAstana(before.stateSinceMs)})`,
        { field: 'decision', status: 409 },
      );
    }
    const decision: Decision = {
      id: `ETPD-${randomBytes(5).toString('hex')}`,
      etp: etpId,
      thresholdDay,
      decision: v.decision,
      disconnectAtMs: v.disconnectAt ?? null,
      reason: v.reason,
      actor: actor.id,
      decidedAtMs: now.getTime(),
    };
    await insertDecision(tx, decision);
    const after = v.decision === 'disconnect' ? await setConnection(tx, before, 'disconnected', v.disconnectAt as number) : before;
    await audit(tx, {
      actor: actor.id,
      ip: actor.ip,
      action: 'etp.decision',
      subject: etpId,
      before: etpJson(before),
      after: { decision: decisionJson(decision), etp: etpJson(after) },
    });
    const outcome = { decision, before, after };
    await inTx?.(tx, outcome);
    return outcome;
  });
}
