/**
 * The answer clocks of one appeal (issue #16 item 5). An appeal that attaches to an incident already
 * open keeps the clocks the rules give every appeal (SLA-P-REPORT, SLA-P-REGISTER, SLA-P-ID,
 * SLA-P-REFUTE, …): the timers whose only source is an appeal, started by its own receipt. They are
 * stored beside the incident's as `<timer>@appeal-<id>`, so each can be met (and breach) on its own.
 */
import { CLOCK_RULES, clocksFor, type Clock, type ClockFacts } from './sla-clocks.ts';

const SEPARATOR = '@appeal-';

/** The stored timer name of `timer` for appeal `appealId`. */
export const appealTimer = (timer: string, appealId: string): string => `${timer}${SEPARATOR}${appealId}`;

/** The rule's timer of a stored timer name (`SLA-P-ID@appeal-17` → `SLA-P-ID`): metrics label by it, never by appeal. */
export const baseTimer = (stored: string): string => stored.split(SEPARATOR)[0] as string;

/** The clocks appeal `appealId` runs on its own: its policy's appeal-only timers, named per appeal. */
export function appealClocksFor(appealId: string, f: Omit<ClockFacts, 'source'>): (Omit<Clock, 'timer'> & { timer: string })[] {
  const own = new Set(
    CLOCK_RULES[f.policy].filter((r) => r.sources?.length === 1 && r.sources[0] === 'appeal').map((r) => r.timer as string),
  );
  return clocksFor({ ...f, source: 'appeal' })
    .filter((c) => own.has(c.timer))
    .map((c) => ({ ...c, timer: appealTimer(c.timer, appealId) }));
}

/**
 * The clocks of the appeal's intake channel alone (SLA-N-DESK-MAIL, SLA-N-DESK-VOICE). They answer the
 * message, not the incident, so they run per appeal even for the appeal that opened its incident
 * (whose other clocks are the incident's own).
 */
export function channelClocksFor(appealId: string, f: Omit<ClockFacts, 'source'>): (Omit<Clock, 'timer'> & { timer: string })[] {
  const byChannel = new Set(CLOCK_RULES[f.policy].filter((r) => r.channels !== undefined).map((r) => appealTimer(r.timer, appealId)));
  return appealClocksFor(appealId, f).filter((c) => byChannel.has(c.timer));
}
