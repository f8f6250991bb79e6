/**
 * Slack through @slack/web-api: one message per notice, its later versions as replies in the thread.
 * `apiUrl` points the client elsewhere (tests run a local endpoint speaking the Web API).
 * The client's own retries are off: the delivery queue retries with backoff and counts attempts.
 */
import { WebClient } from '@slack/web-api';
import type { Channel } from './types.ts';
import { bilingualText } from './format.ts';

export interface SlackConfig {
  id: string;
  token: string;
  channel: string;
  apiUrl?: string | undefined;
}

const clients = new Map<string, WebClient>();
function client(cfg: SlackConfig): WebClient {
  const k = `${cfg.token}\u0000${cfg.apiUrl ?? ''}`;
  let c = clients.get(k);
  if (!c) {
    c = new WebClient(cfg.token, { retryConfig: { retries: 0 }, timeout: 15_000, ...(cfg.apiUrl ? { slackApiUrl: cfg.apiUrl.endsWith('/') ? cfg.apiUrl : `${cfg.apiUrl}/` } : {}) });
    clients.set(k, c);
  }
  return c;
}

export const slackChannel: Channel<SlackConfig> = {
  type: 'slack',
  async send(cfg, msg, ctx) {
    const thread = await ctx.threads.get(msg.threadKey, cfg.id);
    try {
      const r = await client(cfg).chat.postMessage({
        channel: cfg.channel,
        text: bilingualText(msg.texts),
        ...(thread ? { thread_ts: thread } : {}),
        metadata: { event_type: 'kuzet_notice', event_payload: { key: msg.key, event: msg.event } },
      });
      if (!thread && r.ts) await ctx.threads.set(msg.threadKey, cfg.id, r.ts);
      return { ok: true, ref: r.ts ?? '' };
    } catch (e) {
      const err = e as { code?: string; data?: { error?: string }; message: string };
      // Slack's own answer (invalid_auth, channel_not_found) will not change on retry; transport errors will.
      const platform = err.code === 'slack_webapi_platform_error';
      return { ok: false, error: `slack: ${err.data?.error ?? err.message}`, retryable: !platform || err.data?.error === 'ratelimited' };
    }
  },
};
