/**
 * `kuzet reload` and SIGHUP (issue #21 item 8): a reload either puts the re-read config in force or
 * says plainly that it did not, never a success that did nothing. Every kuzet process sharing the
 * Redis prefix listens on `<prefix>:reload`; after trying it answers on `<prefix>:reload:reply`
 * with what it applied (checks added, removed, changed), what needs a restart, or why it refused.
 * The CLI waits for one answer per listener and exits 0 only when every one applied.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { resolveChecks, type KuzetConfig } from '../core/config.ts';
import { reloadChannel } from '../collector/index.ts';

export const reloadReplyChannel = (prefix: string) => `${prefix}:reload:reply`;

/** What one process did with a reload. */
export interface ReloadOutcome {
  /** The re-read config is in force in this process (possibly unchanged). */
  applied: boolean;
  /** One plain sentence: what changed, or why nothing was applied. */
  message: string;
  added?: string[];
  removed?: string[];
  changed?: string[];
  /** Sections that changed but are read only at start: in force after a restart, not now. */
  restartNeeded?: string[];
}

/** A process's answer on the reply channel. */
export interface ReloadReply extends ReloadOutcome {
  id: string;
  pid: number;
  /** `kuzet start`, `kuzet worker`, `kuzet demo`: what answered. */
  process: string;
  configPath: string | null;
}

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

/** What `kuzet reload` learned: how many processes listened, and the answers that came in time. */
export interface ReloadResult {
  prefix: string;
  listeners: number;
  replies: ReloadReply[];
}

/**
 * Publishes a reload request on `prefix` and waits up to `timeoutMs` for one answer per listener.
 * `conn` must be a fresh connection: it is put into subscriber mode (a second one publishes).
 */
export async function requestReload(conn: Redis, prefix: string, timeoutMs: number): Promise<ReloadResult> {
  const id = randomUUID();
  const sub = conn.duplicate();
  sub.on('error', () => undefined);
  try {
    const replies: ReloadReply[] = [];
    let expected = Infinity;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => (done = r));
    sub.on('message', (_c: string, m: string) => {
      const r = JSON.parse(m) as ReloadReply;
      if (r.id !== id) return;
      replies.push(r);
      if (replies.length >= expected) done();
    });
    await sub.subscribe(reloadReplyChannel(prefix));
    expected = await conn.publish(reloadChannel(prefix), JSON.stringify({ id }));
    if (replies.length < expected) {
      const t = setTimeout(done, timeoutMs);
      await finished;
      clearTimeout(t);
    }
    return { prefix, listeners: expected, replies };
  } finally {
    sub.disconnect();
  }
}

/** The CLI's report of a reload and its exit code: 0 only when every listener answered and applied. */
export function reloadReport(r: ReloadResult, redisUrl: string, timeoutMs: number): { text: string; exitCode: number } {
  if (r.listeners === 0)
    return {
      text: `not reloaded: no kuzet process listens on Redis ${redisUrl} with key prefix "${r.prefix}". Name the running process's config with -c (the demo's: -c data/kuzet-demo.yaml), or send it SIGHUP.\n`,
      exitCode: 1,
    };
  const lines = r.replies.map((x) => `${x.applied ? 'applied' : 'NOT applied'}: ${x.process} (PID ${x.pid}): ${x.message}`);
  const silent = r.listeners - r.replies.length;
  if (silent > 0) lines.push(`NOT confirmed: ${silent} process(es) on prefix "${r.prefix}" did not answer within ${timeoutMs} ms`);
  const ok = silent === 0 && r.replies.every((x) => x.applied);
  return { text: `${lines.join('\n')}\n`, exitCode: ok ? 0 : 1 };
}
