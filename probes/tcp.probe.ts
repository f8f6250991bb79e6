import net from 'node:net';
import { z } from 'zod';
import { errorOutcome, roundMs } from './classify.ts';
import type { Probe, ProbeOutcome } from './types.ts';

/** What is kept of the server's reply for observations and messages. */
const SHOWN_REPLY_CHARS = 200;
/** A server that talks this much without the expected text is not going to say it. */
const MAX_REPLY_CHARS = 64 * 1024;

export const tcpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** Text written once connected (e.g. `"PING\r\n"`). */
  send: z.string().min(1).optional(),
  /** Text the server's reply must contain; the probe reads until it appears or the server closes. */
  expect: z.string().min(1).optional(),
});
export type TcpConfig = z.output<typeof tcpSchema>;

/** The connection's facts; `connectMs` is absent when it never connected. */
export const tcpObservation = z.object({
  connectMs: z.number().optional(),
  /** The first characters of the server's reply. */
  received: z.string(),
  remoteAddress: z.string().optional(),
});
export type TcpObservation = z.output<typeof tcpObservation>;

/** Connects to host:port; optionally sends a line and waits for expected text. */
export const tcpProbe: Probe<typeof tcpSchema, TcpObservation> = {
  kind: 'tcp',
  schema: tcpSchema,
  observation: tcpObservation,
  run(config, ctx) {
    return new Promise<ProbeOutcome<TcpObservation>>((resolve) => {
      const started = performance.now();
      let connectMs: number | undefined;
      let reply = '';
      const socket = net.connect({ host: config.host, port: config.port });
      const done = (outcome: ProbeOutcome<TcpObservation>) => {
        ctx.signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(outcome);
      };
      const observations = (): TcpObservation => ({
        connectMs,
        received: reply.slice(0, SHOWN_REPLY_CHARS),
        remoteAddress: socket.remoteAddress,
      });
      const onAbort = () => done(errorOutcome(ctx.signal.reason, ctx.signal, observations()));
      if (ctx.signal.aborted) return onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });

      socket.setEncoding('utf8');
      socket.on('error', (err) => done(errorOutcome(err, ctx.signal, observations())));
      socket.on('connect', () => {
        connectMs = roundMs(performance.now() - started);
        if (config.send !== undefined) socket.write(config.send);
        if (config.expect === undefined)
          done({ ok: true, message: `connected in ${connectMs} ms`, latencyMs: connectMs, observations: observations() });
      });
      socket.on('data', (chunk: string) => {
        reply += chunk;
        if (config.expect !== undefined && reply.includes(config.expect)) {
          const latencyMs = roundMs(performance.now() - started);
          done({ ok: true, message: `got "${config.expect}" in ${latencyMs} ms`, latencyMs, observations: observations() });
        } else if (reply.length > MAX_REPLY_CHARS) {
          done({
            ok: false,
            errorKind: 'assertion',
            message: `"${config.expect}" not in the first ${MAX_REPLY_CHARS} characters received`,
            observations: observations(),
          });
        }
      });
      socket.on('close', () => {
        const shown = JSON.stringify(reply.slice(0, SHOWN_REPLY_CHARS));
        done({
          ok: false,
          errorKind: 'assertion',
          message: `connection closed before "${config.expect}" arrived (received ${shown})`,
          observations: observations(),
        });
      });
    });
  },
};
