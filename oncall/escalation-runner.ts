/**
 * Escalation on the clock (issue #21 item 1): every tick, the alerts nobody has acknowledged whose next
 * step's minute has come are re-notified up the chain, through the step's channel (the notices' Channel
 * seam and delivery outbox), until someone acknowledges or the incident is no longer open.
 *
 * Once only, across restarts and processes: a step is claimed by inserting its row into
 * `incident_escalations` (primary key incident + step) in the same transaction as its deliveries, its
 * timeline entry and its audit entry, with the incident's row locked. Acknowledging locks the same row,
 * so a step is either sent before the acknowledgement or never. Nothing lives in memory: a restarted
 * kuzet finds a due step by its time and sends it then; a second kuzet ticking at the same moment finds
 * it claimed. The SLA clocks are not touched.
 */
import type { KuzetConfig } from '../core/config.ts';
import type { Db, Queryable } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { acknowledgementOf, getIncidentRow, recordTimeline, type IncidentRow } from '../incidents/index.ts';
import { CHANNELS, evidenceLines, fanOut, insertDeliveries, levelText, type DeliveryRow, type NoticeRuntime } from '../notices/index.ts';
import type { EscalationStep } from './config.ts';
import { calledBy, dueSteps, lookBackMs, type DueStep } from './escalation.ts';
import { claimEscalationStep, unacknowledgedIncidents } from './escalation.repo.ts';

export const ESCALATION_ACTOR = 'system:escalation';
const OPEN_STATES = new Set(['registered', 'analysing', 'confirmed']);

export interface EscalationDeps {
  db(): Db;
  config(): KuzetConfig;
  now(): Date;
  publicUrl(): string;
  notices: Pick<NoticeRuntime, 'templates' | 'deliveries'>;
  log: Pick<Logger, 'warn'>;
}

/** The channel's audience for one person: their address when the channel reaches people, else the channel itself (a chat). */
function audienceOf(channel: KuzetConfig['notifications']['channels'][number], email: string | undefined) {
  const people = email ? [{ email, oncall: true }] : [];
  const type = Object.hasOwn(CHANNELS, channel.type) ? CHANNELS[channel.type as keyof typeof CHANNELS] : undefined;
  const reachesPeople = type !== undefined && people.length > 0 && type.recipients(channel as never, { chat: false, people }).length > 0;
  return { people, chat: !reachesPeople };
}

/** The step's message: who is called, after how long, what broke, the console link. */
function render(d: EscalationDeps, r: IncidentRow, due: DueStep, who: string) {
  const cfg = d.config();
  const sys = Object.hasOwn(cfg.systems, r.system ?? '') ? cfg.systems[r.system as string] : undefined;
  const base = d.publicUrl();
  return d.notices.templates.render(r.policy, 'oncall-escalation', (lang) => ({
    id: r.id,
    step: due.number,
    minutes: due.step.afterMinutes,
    who,
    systemName: sys?.name ?? r.system ?? '—',
    module: (r.module && sys?.moduleNames[r.module]?.[lang]) || null,
    cause: r.probable_cause,
    evidence: evidenceLines(r.evidence),
    proposedLevelText: r.proposed_level ? levelText(lang, r.proposed_level) : null,
    consoleUrl: base ? `${base}/console/incidents/${r.id}` : null,
  }));
}

/** Sends one due step of one incident in one transaction; the stored deliveries, or none (acknowledged, closed, or taken by another process). */
async function sendStep(d: EscalationDeps, tx: Queryable, incidentId: string, due: DueStep, nowMs: number): Promise<DeliveryRow[]> {
  const r = await getIncidentRow(tx, incidentId, true);
  if (!r || !OPEN_STATES.has(r.state) || (await acknowledgementOf(tx, incidentId))) return [];
  const cfg = d.config();
  const channel = cfg.notifications.channels.find((c) => c.id === due.step.channel);
  if (!channel) return []; // the config check refuses this; a reload in between sends nothing
  const who = calledBy(cfg.oncall, due.step, due.dueAt);
  const audience = audienceOf(channel, who.person?.email);
  const rows = fanOut(
    `incident:${incidentId}:escalation:${due.number}`,
    {
      threadKey: `incident:${incidentId}`,
      texts: render(d, r, due, who.label),
      data: { kind: 'incident.escalation', incidentId, step: due.number, person: who.person?.id ?? null, schedule: who.schedule },
      ...(who.person?.slack ? { mentions: [who.person.slack] } : {}),
    },
    [channel],
    audience.people,
    { chat: audience.chat },
  );
  const recipients = rows.map((x) => x.recipient);
  if (!(await claimEscalationStep(tx, { incidentId, step: due.number, dueAt: due.dueAt, sentAt: nowMs, channel: channel.id, recipients })))
    return [];
  await insertDeliveries(tx, rows);
  await recordTimeline(tx, {
    incidentId,
    at: nowMs,
    actor: ESCALATION_ACTOR,
    action: 'escalated',
    after: {
      step: due.number,
      afterMinutes: due.step.afterMinutes,
      dueAt: formatAstana(due.dueAt),
      who: who.label,
      person: who.person?.id ?? null,
      schedule: who.schedule,
      channel: channel.id,
      recipients,
    },
  });
  return rows;
}

/** One pass: every due step of every unacknowledged open alert, each once; returns how many steps were sent. */
export async function escalateDue(d: EscalationDeps): Promise<number> {
  const steps: readonly EscalationStep[] = d.config().oncall.escalation.steps;
  const first = steps[0];
  if (!first) return 0;
  const nowMs = d.now().getTime();
  const db = d.db();
  const candidates = await unacknowledgedIncidents(db, nowMs - lookBackMs(steps), nowMs - Math.round(first.afterMinutes * 60_000));
  let sent = 0;
  for (const c of candidates) {
    for (const due of dueSteps(steps, new Date(c.registered_at).getTime(), nowMs, c.steps)) {
      const rows = await db.transaction((tx) => sendStep(d, tx, c.id, due, nowMs));
      if (rows.length === 0) continue;
      sent++;
      // After the commit; if Redis is away the deliveries' sweeper queues them later.
      await d.notices.deliveries?.enqueue(rows).catch(() => undefined);
    }
  }
  return sent;
}

/** Ticks {@link escalateDue} every `tickMs`, a tick skipped while the previous one runs. */
export function startEscalation(d: EscalationDeps, tickMs: number): { close(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = escalateDue(d)
      .catch((e: unknown) => d.log.warn({ err: (e as Error).message }, 'escalation pass failed; retried at the next tick'))
      .finally(() => (running = undefined));
  }, tickMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
