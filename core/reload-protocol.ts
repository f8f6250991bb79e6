/**
 * The reload conversation between `kuzet reload` and the running processes (issue #21 item 8): the
 * channels, the answer each process gives, and the CLI's side (ask, wait for one answer per
 * listener, report). Light on purpose (ioredis only), so `kuzet reload` starts fast; the processes'
 * side is app/reload.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Every kuzet process of a prefix listens here for `kuzet reload`. */
export const reloadChannel = (prefix: string) => `${prefix}:reload`;
/** Where each process answers with its {@link ReloadReply}. */
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
