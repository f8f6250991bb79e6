/**
 * The escalation policy as data over time, pure (issue #21 item 1): which steps of `oncall.escalation`
 * are due for an alert raised at `registeredAt`, and who each one calls at that moment (a person, or
 * whoever the named schedule has on call then, oncall/rota.ts). Time is passed in.
 */
import type { EscalationStep, OncallConfig, Person } from './config.ts';
import { onCallAt } from './rota.ts';

const MINUTE_MS = 60_000;

/** A step whose time has come: its number (1 = the first step of the policy), the step, and when it fell due. */
export interface DueStep {
  number: number;
  step: EscalationStep;
  dueAt: number;
}

/** When step `step` falls due for an alert raised at `registeredAt` (ms). */
export const stepDueAt = (step: Pick<EscalationStep, 'afterMinutes'>, registeredAt: number) =>
  registeredAt + Math.round(step.afterMinutes * MINUTE_MS);

/** The steps due at `nowMs` and not sent yet (`sent`: step numbers), in order. */
export function dueSteps(steps: readonly EscalationStep[], registeredAt: number, nowMs: number, sent: readonly number[]): DueStep[] {
  return steps
    .map((step, i) => ({ number: i + 1, step, dueAt: stepDueAt(step, registeredAt) }))
    .filter((s) => s.dueAt <= nowMs && !sent.includes(s.number));
}

/** How far back the escalation looks: alerts older than the last step plus an hour are not paged retroactively (a long outage of kuzet itself). */
export function lookBackMs(steps: readonly EscalationStep[]): number {
  const last = steps[steps.length - 1];
  return (last ? last.afterMinutes * MINUTE_MS : 0) + 60 * MINUTE_MS;
}

/** Whom a step calls at `atMs`: the named person, or the schedule's person on call then (none when nobody is). */
export function calledBy(
  oncall: OncallConfig,
  step: EscalationStep,
  atMs: number,
): { person: Person | undefined; label: string; schedule: string | null } {
  if ('person' in step.who) {
    const id = step.who.person;
    const person = oncall.people.find((p) => p.id === id);
    return { person, label: person?.name ?? id, schedule: null };
  }
  const scheduleId = step.who.schedule;
  const schedule = oncall.schedules.find((s) => s.id === scheduleId);
  const shift = schedule ? onCallAt(oncall, scheduleId, atMs) : undefined;
  const name = schedule?.name ?? scheduleId;
  return { person: shift?.person, label: shift ? `${shift.person.name} (${name})` : name, schedule: scheduleId };
}
