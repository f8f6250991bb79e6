/**
 * `kuzet reload` and SIGHUP (issue #21 item 8): a reload either puts the re-read config in force or
 * says plainly that it did not, never a success that did nothing. Every kuzet process sharing the
 * Redis prefix listens on `<prefix>:reload`; after trying it answers on `<prefix>:reload:reply`
 * with what it applied (checks added, removed, changed), what needs a restart, or why it refused.
 * The CLI waits for one answer per listener and exits 0 only when every one applied.
 */
import type { Redis } from 'ioredis';
import { resolveChecks, type KuzetConfig } from '../core/config.ts';
import { reloadChannel, reloadReplyChannel, type ReloadOutcome, type ReloadReply } from '../core/reload-protocol.ts';

/** Top-level sections a running process reads once, at start (listening address, store, Redis, workers, history, detector, regions). */
export const RESTART_ONLY_SECTIONS = ['server', 'storage', 'redis', 'workers', 'influx', 'incidents', 'regions'] as const;

/** Which checks a reload adds, removes and changes, and which start-only sections differ. Pure. */
export function reloadChanges(before: KuzetConfig, after: KuzetConfig, restartOnly: readonly string[] = RESTART_ONLY_SECTIONS) {
  const checks = (c: KuzetConfig) => new Map(resolveChecks(c).map((r) => [r.key, JSON.stringify(r)]));
  const a = checks(before);
  const b = checks(after);
  const same = (k: string) =>
    JSON.stringify((before as Record<string, unknown>)[k]) === JSON.stringify((after as Record<string, unknown>)[k]);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)),
    removed: [...a.keys()].filter((k) => !b.has(k)),
    changed: [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k)),
    restartNeeded: restartOnly.filter((k) => !same(k)),
    otherChanged: Object.keys({ ...before, ...after }).some((k) => !restartOnly.includes(k) && k !== 'systems' && !same(k)),
  };
}

/** The outcome of a reload that put `after` in force over `before`, in one sentence. */
export function appliedOutcome(before: KuzetConfig, after: KuzetConfig): ReloadOutcome {
  const c = reloadChanges(before, after);
  const parts = [
    c.added.length ? `${c.added.length} check(s) added (${c.added.join(', ')})` : '',
    c.removed.length ? `${c.removed.length} removed (${c.removed.join(', ')})` : '',
    c.changed.length ? `${c.changed.length} changed (${c.changed.join(', ')})` : '',
  ].filter(Boolean);
  const systemsSame = JSON.stringify(before.systems) === JSON.stringify(after.systems);
  const what =
    parts.length > 0
      ? parts.join(', ')
      : !systemsSame || c.otherChanged
        ? 'settings changed, checks unchanged'
        : 'the config file is unchanged: nothing to apply';
  const restart = c.restartNeeded.length ? `; needs a restart to take effect: ${c.restartNeeded.join(', ')}` : '';
  return {
    applied: true,
    message: `${what}${restart}`,
    added: c.added,
    removed: c.removed,
    changed: c.changed,
    restartNeeded: c.restartNeeded,
  };
}

export const refusedOutcome = (why: string): ReloadOutcome => ({ applied: false, message: why });

/**
 * Calls `onReload` on every message of the prefix's reload channel (from `kuzet reload`) and answers
 * on the reply channel with its outcome. Returns the subscriber, to disconnect at close.
 */
export async function subscribeReload(
  redis: Redis,
  prefix: string,
  who: { process: string; configPath: string | null },
  onReload: () => Promise<ReloadOutcome>,
): Promise<Redis> {
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  await subscriber.subscribe(reloadChannel(prefix));
  subscriber.on('message', (_channel: string, message: string) => {
    const id = requestId(message);
    void onReload()
      .catch((e: unknown) => refusedOutcome(`reload failed: ${(e as Error).message}`))
      .then((o) => {
        const reply: ReloadReply = { id, pid: process.pid, ...who, ...o };
        return redis.publish(reloadReplyChannel(prefix), JSON.stringify(reply));
      })
      .catch(() => undefined);
  });
  return subscriber;
}

/** The request id of a reload message (`{"id":…}`; an older `kuzet reload` sent the bare word). */
function requestId(message: string): string {
  try {
    const v = JSON.parse(message) as { id?: unknown };
    return typeof v.id === 'string' ? v.id : '';
  } catch {
    return '';
  }
}
