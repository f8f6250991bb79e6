/**
 * Live updates over server-sent events (`GET /console/events`): one shared ticker, running only while
 * someone listens, fingerprints what the pages show (check states, incidents and their versions, SLA
 * clocks, notices, maintenance phases, kuzet.silent episodes) each second and sends `change` when it moved; the page's script
 * then refreshes its live parts. A stream ends when its server stops listening, so shutdown never
 * waits on an open console tab.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import { formatAstana } from '../core/time.ts';
import type { ConsoleDeps } from './deps.ts';
import { liveCounts } from './live.repo.ts';

interface Client {
  out: ServerResponse;
  serverListening: () => boolean;
}

/** What the live feed reads: the status board, the database's counts and the clock. */
export type LiveDeps = Pick<ConsoleDeps, 'db' | 'config' | 'now' | 'status'>;

const TICK_MS = 1000;
const PING_EVERY = 15;

export class LiveFeed {
  private readonly clients = new Set<Client>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = '';
  private ticks = 0;
  private running = false;

  constructor(private readonly s: LiveDeps) {}

  /** What the console shows, reduced to a hash: equal hashes mean nothing visible changed. */
  async fingerprint(): Promise<string> {
    const snap = this.s.status.snapshot(this.s.config(), this.s.now());
    const checks = snap.systems.flatMap((sys) =>
      sys.targets.flatMap((t) => t.checks.flatMap((c) => c.regions.map((r) => `${c.key}@${r.region}=${r.status}`))),
    );
    return createHash('sha256')
      .update(JSON.stringify([checks, ...(await liveCounts(this.s.db()))]))
      .digest('base64url');
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const c of this.clients) if (!c.serverListening()) this.drop(c);
      if (this.clients.size === 0) return;
      this.ticks++;
      const fp = await this.fingerprint().catch(() => this.last);
      if (this.last === '') this.last = fp;
      else if (fp !== this.last) {
        this.last = fp;
        this.broadcast(`event: change\ndata: ${JSON.stringify({ at: formatAstana(this.s.now()) })}\n\n`);
      } else if (this.ticks % PING_EVERY === 0) this.broadcast(': ping\n\n');
    } finally {
      this.running = false;
    }
  }

  private broadcast(text: string): void {
    for (const c of this.clients) c.out.write(text);
  }

  private drop(c: Client): void {
    if (!this.clients.delete(c)) return;
    c.out.end();
    if (this.clients.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Turns the request into an event stream. */
  attach(ctx: Context): void {
    const socket = ctx.req.socket as typeof ctx.req.socket & { server?: { listening: boolean } };
    socket.setTimeout(0);
    socket.setNoDelay(true);
    // Written straight to the response, not piped by Koa from a body stream: a tab closed mid-stream
    // would otherwise end Koa's pipeline with ERR_STREAM_PREMATURE_CLOSE, printed as a stack on stderr.
    ctx.respond = false;
    const out = ctx.res;
    const client: Client = { out, serverListening: () => socket.server?.listening !== false };
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Accel-Buffering', 'no');
    out.flushHeaders();
    out.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ at: formatAstana(this.s.now()) })}\n\n`);
    this.clients.add(client);
    ctx.req.on('close', () => this.drop(client));
    if (!this.timer) {
      this.last = '';
      this.timer = setInterval(() => void this.tick(), TICK_MS);
      this.timer.unref();
    }
  }
}
