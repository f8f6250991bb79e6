/** What every route module shares: the shape of one route's handler and who made the request. */
import type { Context } from 'koa';
import type { Actor } from '../core/auth.ts';

/** One route's handler: a Koa context with the router's decoded path parameters. */
export type Handler = (ctx: Context & { params: Record<string, string> }) => Promise<void>;

/** Who made a request, for the timeline and the audit log: the token's (or session's) actor id and the client's address. */
export const actorOf = (ctx: Context): { id: string; ip: string } => ({ id: (ctx.state.actor as Actor).id, ip: ctx.ip });
