/**
 * Signed webhooks: POST of the JSON event, `X-Kuzet-Signature: sha256=<hex HMAC-SHA256 of the body>`
 * with the configured secret, and `Idempotency-Key` so a receiver folds a resend after a crash.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { deliveryKey, type Channel, type ConfiguredChannel } from './types.ts';

const schema = z.strictObject({ url: z.url(), secret: z.string().min(16) });
export type WebhookConfig = ConfiguredChannel<typeof schema>;

export const signBody = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export const webhookChannel: Channel<typeof schema, string> = {
  type: 'webhook',
  schema,
  /** The configured URL, after the chat channels. */
  recipients: (cfg, audience) => (audience.chat ? [{ recipient: cfg.url, priority: 3 }] : []),
  idempotencyKey: deliveryKey,
  render: (msg) => JSON.stringify({ key: msg.key, event: msg.event, texts: msg.texts, ...msg.data }),
  async send(cfg, msg, ctx) {
    const body = webhookChannel.render(msg);
    try {
      const res = await fetch(cfg.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': msg.key, 'x-kuzet-signature': signBody(cfg.secret, body) },
        body,
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(15_000)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, ref: String(res.status) };
      return { ok: false, error: `webhook: HTTP ${res.status}`, retryable: res.status >= 500 || res.status === 429 || res.status === 408 };
    } catch (e) {
      return { ok: false, error: `webhook: ${(e as Error).message}`, retryable: true };
    }
  },
};
