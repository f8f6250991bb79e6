/**
 * The ETP background part: seeds the registry from the config, recomputes every ETP's ledger on a
 * schedule and soon after any incident change (a new incident outbox event), which sends the
 * warnings (streak 5–7) and the threshold event (8) once per ETP and date and keeps the ETP metrics.
 */
import type { EtpRuntime } from './runtime.ts';

/** How often every ledger is recomputed from the evidence (and the registry re-seeded from the config). */
export const LEDGER_EVERY_MS = 5 * 60_000;
/** How often the incident outbox is looked at; a new event there recomputes the ledgers soon. */
export const INCIDENT_POLL_MS = 10_000;

export type EtpPartRuntime = Pick<EtpRuntime, 'recomputeAll' | 'afterRecompute' | 'outboxPosition' | 'warn'>;

export async function startEtpPart(rt: EtpPartRuntime, o: { everyMs?: number; pollMs?: number } = {}): Promise<{ close(): Promise<void> }> {
  let running: Promise<unknown> = Promise.resolve();
  // undefined until the first look; null while the outbox is empty.
  let lastOutboxId: string | null | undefined;
  let closed = false;
  const run = () => {
    if (closed) return;
    running = running
      .then(() => rt.recomputeAll())
      .then(() => rt.afterRecompute())
      .catch((e: unknown) => rt.warn(e, 'ETP ledger run failed'));
  };
  // Incident changes (registered, recovered, refuted…) move failure days: look for new outbox events.
  const poll = async () => {
    const id = await rt.outboxPosition();
    if (lastOutboxId !== undefined && id !== lastOutboxId) run();
    lastOutboxId = id;
  };
  run();
  await running;
  await poll().catch(() => undefined);
  const every = setInterval(run, o.everyMs ?? LEDGER_EVERY_MS);
  every.unref();
  const watcher = setInterval(() => void poll().catch(() => undefined), o.pollMs ?? INCIDENT_POLL_MS);
  watcher.unref();
  return {
    async close() {
      closed = true;
      clearInterval(every);
      clearInterval(watcher);
      await running;
    },
  };
}
