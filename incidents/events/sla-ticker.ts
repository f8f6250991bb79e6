/**
 * SLA warnings and breaches as events (issue item 5): 10 minutes before a clock is due and when it
 * passes, each once per due time, through the outbox; the metrics kuzet_sla_breaches_total{timer}
 * and kuzet_sla_open{timer}. `now` is passed in, so tests run it on a fake clock.
 */
import client from 'prom-client';
import type { Db } from '../../core/db.ts';
import { METRIC_CATALOGUE } from '../../core/metric-catalogue.ts';
import { formatAstana } from '../../core/time.ts';
import { baseTimer } from '../sla-clocks/appeal-clocks.ts';
import { WARN_BEFORE_MS } from '../sla-clocks/sla-clocks.ts';
import { clocksDueAt, markClockBreached, markClockWarned, openClockCounts } from './events.repo.ts';
import { emit } from './outbox.ts';

const SLA_METRICS = { breaches: METRIC_CATALOGUE.slaBreaches, open: METRIC_CATALOGUE.slaOpen } as const;

export class SlaMetrics {
  readonly breaches: client.Counter<string>;
  readonly open: client.Gauge<string>;
  /** `timers`: the timers that can breach (of the configured policies), exported at 0 from the first scrape. */
  constructor(registry: client.Registry, timers: readonly string[] = []) {
    this.breaches = new client.Counter({
      name: SLA_METRICS.breaches.name,
      help: SLA_METRICS.breaches.help,
      labelNames: [...SLA_METRICS.breaches.labels],
      registers: [registry],
    });
    for (const timer of timers) this.breaches.inc({ timer }, 0);
    this.open = new client.Gauge({
      name: SLA_METRICS.open.name,
      help: SLA_METRICS.open.help,
      labelNames: [...SLA_METRICS.open.labels],
      registers: [registry],
    });
  }
}

/** One pass: emits the warnings and breaches that are due at `now`; returns what it emitted. */
export async function tickSla(db: Db, now: Date, metrics?: SlaMetrics): Promise<{ warnings: number; breaches: number }> {
  const rows = await clocksDueAt(db, now);
  let warnings = 0;
  let breaches = 0;
  for (const r of rows) {
    const due = new Date(r.due_at);
    const breached = due.getTime() < now.getTime();
    const dueText = formatAstana(due);
    // An attached appeal's own clock (SLA-P-ID@appeal-17): the warnings and breaches of a flood's appeals
    // are told once per timer and 10 minutes of due times, not once per appeal (one Slack reply, not thousands).
    const base = baseTimer(r.timer);
    const perAppeal = base !== r.timer;
    const told = perAppeal
      ? { key: `${base}@appeals:${Math.floor(due.getTime() / WARN_BEFORE_MS)}`, timer: `${base} (appeals)` }
      : { key: `${r.timer}:${due.getTime()}`, timer: r.timer };
    await db.transaction(async (tx) => {
      if (r.warned_at === null && due.getTime() - WARN_BEFORE_MS <= now.getTime()) {
        await markClockWarned(tx, r.incident_id, r.timer, now);
        await emit(tx, {
          type: 'sla.warning',
          key: `${r.incident_id}:sla.warning:${told.key}`,
          incidentId: r.incident_id,
          payload: { id: r.incident_id, timer: told.timer, dueAt: dueText, at: formatAstana(now) },
        });
        warnings++;
      }
      if (breached && r.breached_at === null) {
        await markClockBreached(tx, r.incident_id, r.timer, now);
        await emit(tx, {
          type: 'sla.breached',
          key: `${r.incident_id}:sla.breached:${told.key}`,
          incidentId: r.incident_id,
          payload: { id: r.incident_id, timer: told.timer, dueAt: dueText, at: formatAstana(now) },
        });
        breaches++;
      }
    });
    // Labelled by the rule's timer: an appeal's own clock (SLA-P-ID@appeal-17) must not make a series per appeal.
    if (breached && r.breached_at === null) metrics?.breaches.inc({ timer: base });
  }
  if (metrics) {
    const open = await openClockCounts(db, now);
    metrics.open.reset();
    const byTimer = new Map<string, number>();
    for (const o of open) byTimer.set(baseTimer(o.timer), (byTimer.get(baseTimer(o.timer)) ?? 0) + Number(o.n));
    for (const [timer, n] of byTimer) metrics.open.set({ timer }, n);
  }
  return { warnings, breaches };
}
