/**
 * Which request headers about the client are believed. Only a peer in `server.trustedProxies` may
 * speak for the client through X-Forwarded-For/-Host/-Proto; from anyone else those headers are
 * removed before any handler sees them, so `ctx.ip`, `ctx.protocol` and `ctx.host` cannot be set by
 * the client itself (one client rotating X-Forwarded-For used to pass every per-IP limit).
 */
import type { Context, Next } from 'koa';
import { clientAddress, NetworkList } from '../core/network.ts';

const FORWARDED = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto'] as const;

export function forwardedHeaders(trustedProxies: () => readonly string[]) {
  let seen: readonly string[] | undefined;
  let trusted = new NetworkList([]);
  return async (ctx: Context, next: Next) => {
    const cidrs = trustedProxies();
    if (cidrs !== seen) {
      trusted = new NetworkList(cidrs);
      seen = cidrs;
    }
    const peer = ctx.req.socket.remoteAddress ?? '';
    if (!trusted.has(peer)) for (const h of FORWARDED) delete ctx.req.headers[h];
    ctx.request.ip = clientAddress(peer, ctx.get('x-forwarded-for') || undefined, trusted);
    await next();
  };
}
