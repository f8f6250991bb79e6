import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { roundMs } from './classify.ts';

/*
 * Why node:http(s) rather than the global fetch: fetch in Node 20 cannot skip certificate verification
 * or trust an extra CA without importing undici's Agent (undici is not a dependency), and it follows at
 * most 20 redirects with no way to set the limit. One transport keeps one vocabulary of error codes
 * for `classifyError`. No `accept-encoding` is sent, so servers answer uncompressed.
 */

/** Bodies beyond this are cut: a monitor checks a page, it does not download an archive. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'kuzet-probe/0.1';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  followRedirects: boolean;
  maxRedirects: number;
  insecureSkipVerify: boolean;
  /** Send over a kept-alive connection to the same origin when one is free (see {@link MAX_CONNECTION_AGE_MS}). */
  reuseConnections?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
  /** The URL that gave this response, after redirects. */
  url: string;
  /** Every Location followed, in order. */
  redirects: string[];
  /** True when the last response is still a redirect because `maxRedirects` was reached. */
  redirectLimitHit: boolean;
  /** Milliseconds from the first request to the first byte of the last response's headers. */
  ttfbMs: number;
  /** The last response came over a connection an earlier run had opened (so no connection set-up was timed). */
  reusedConnection: boolean;
}

/**
 * A connection kept alive after a run is reused by the next run to the same origin (any check), for
 * at most {@link MAX_CONNECTION_AGE_MS}: a socket that old is closed instead of pooled, so a server
 * that stops accepting new connections fails a run within seconds, as it would without reuse. Idle
 * sockets close after {@link IDLE_SOCKET_MS}, below the usual server keep-alive timeouts (5 s in
 * Node and Apache), so a server rarely closes one just as it is reused; when it does, the run is sent
 * once more on a new connection (below) instead of failing.
 */
export const MAX_CONNECTION_AGE_MS = 10_000;
const IDLE_SOCKET_MS = 4_000;
const bornAt = new WeakMap<object, number>();

function agedOut(agent: http.Agent): http.Agent {
  const create = agent.createConnection.bind(agent) as (...a: unknown[]) => unknown;
  (agent as { createConnection: (...a: unknown[]) => unknown }).createConnection = (...a: unknown[]) => {
    const socket = create(...a);
    if (socket && typeof socket === 'object') bornAt.set(socket, Date.now());
    return socket;
  };
  const keep = agent.keepSocketAlive.bind(agent);
  agent.keepSocketAlive = (socket) => {
    const born = bornAt.get(socket);
    if (born === undefined) bornAt.set(socket, Date.now());
    else if (Date.now() - born > MAX_CONNECTION_AGE_MS) return false;
    return keep(socket);
  };
  return agent;
}
const agents = {
  http: agedOut(new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo', maxFreeSockets: 64 })),
  https: agedOut(new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo', maxFreeSockets: 64 })),
};

/** Sends a request, following redirects by hand when asked. Network errors are thrown, with Node's code. */
export async function httpRequest(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
  const started = performance.now();
  const redirects: string[] = [];
  let url = new URL(req.url);
  let method = req.method;
  let body = req.body;
  let headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
  for (;;) {
    const hop = await sendOnce({ url, method, headers, body, insecure: req.insecureSkipVerify }, req.reuseConnections ?? false, signal);
    const ttfbMs = hop.headersAt - started;
    const location = hop.headers.location;
    const isRedirect = REDIRECT_STATUSES.has(hop.status) && location !== undefined;
    if (!req.followRedirects || !isRedirect || redirects.length >= req.maxRedirects) {
      return { ...hop, url: url.href, redirects, redirectLimitHit: req.followRedirects && isRedirect, ttfbMs };
    }
    const next = new URL(location, url);
    if (next.origin !== url.origin) headers = withoutCredentials(headers);
    // 303, and 301/302 after a POST, turn into GET without a body, as browsers do.
    if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    redirects.push(next.href);
    url = next;
  }
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const sensitive = new Set(['authorization', 'cookie', 'proxy-authorization']);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !sensitive.has(name.toLowerCase())));
}

interface Hop {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
  headersAt: number;
  reusedConnection: boolean;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** One request of a run (a run follows redirects with several). */
interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  insecure: boolean;
}

async function sendOnce(hop: HopRequest, reuse: boolean, signal: AbortSignal): Promise<Hop> {
  try {
    return await sendOn(hop, reuse, signal);
  } catch (e) {
    // The server closed a kept-alive connection just as it was reused, before answering: what a new
    // connection would have got is unknown, so the request goes once more on one (Node's documented remedy).
    // Only a method that may be sent twice (RFC 9110 §9.2.2): a POST the server may have acted on is not.
    if (!(e as { onReusedSocket?: boolean }).onReusedSocket || signal.aborted || !IDEMPOTENT.has(hop.method)) throw e;
    return sendOn(hop, false, signal);
  }
}

function sendOn({ url, method, headers, body, insecure }: HopRequest, reuse: boolean, signal: AbortSignal): Promise<Hop> {
  const transport = url.protocol === 'https:' ? https : http;
  const agent = reuse ? (url.protocol === 'https:' ? agents.https : agents.http) : false;
  return new Promise<Hop>((resolve, reject) => {
    // The signal is watched here rather than handed to node:http, so the watch ends with the response:
    // node:http keeps it until the socket closes, and the runner's end-of-run abort then destroyed every
    // finished request with an AbortError whose stack (source-mapped) was a tenth of a check's CPU (#19).
    const onAbort = () =>
      request.destroy(
        Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR', cause: signal.reason }),
      );
    const settle =
      <T>(fn: (v: T) => void) =>
      (v: T) => {
        signal.removeEventListener('abort', onAbort);
        fn(v);
      };
    resolve = settle(resolve);
    reject = settle(reject);
    let answered = false;
    const request = transport.request(url, { method, headers, rejectUnauthorized: !insecure, agent }, (res) => {
      answered = true;
      const headersAt = performance.now();
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (size + chunk.length > MAX_BODY_BYTES) {
          chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
          size = MAX_BODY_BYTES;
          truncated = true;
          res.destroy();
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      const finish = () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          truncated,
          headersAt,
          reusedConnection: request.reusedSocket,
        });
      res.on('end', finish);
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('the server closed the connection mid-body'), { code: 'ECONNRESET' })));
    });
    request.on('error', (e: NodeJS.ErrnoException) => {
      const stale = !answered && request.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
      reject(stale ? Object.assign(e, { onReusedSocket: true }) : e);
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    request.end(body);
  });
}

/** The measured facts of a response: what `http` and `json-api` results observe. */
export const httpObservation = z.object({
  status: z.number().int(),
  bytes: z.number().int(),
  /** Present when the body was cut at {@link MAX_BODY_BYTES}. */
  truncated: z.literal(true).optional(),
  /** The URL that gave the response, after redirects. */
  url: z.string(),
  redirects: z.array(z.string()),
  contentType: z.string().optional(),
  ttfbMs: z.number(),
  totalMs: z.number(),
  /** Present when the response came over a connection kept alive from an earlier run. */
  reusedConnection: z.literal(true).optional(),
  /** The failed assertions of a run that got a response (absent when it passed). */
  failures: z.array(z.string()).optional(),
});
export type HttpObservation = z.output<typeof httpObservation>;

/** The measured facts of a response, for a result's `observations`. */
export function responseObservations(res: HttpResponse, totalMs: number): HttpObservation {
  return {
    status: res.status,
    bytes: res.body.length,
    ...(res.truncated ? { truncated: true } : {}),
    url: res.url,
    redirects: res.redirects,
    contentType: res.headers['content-type'],
    ttfbMs: roundMs(res.ttfbMs),
    totalMs,
    ...(res.reusedConnection ? { reusedConnection: true as const } : {}),
  };
}
