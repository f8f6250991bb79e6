/**
 * Slack through @slack/web-api: one message per notice, its later versions as replies in the thread.
 * `apiUrl` points the client elsewhere (tests run a local endpoint speaking the Web API).
 * The client's own retries are off: the delivery queue retries with backoff and counts attempts.
 * A delivery resumed after a crash looks for its key in the messages' metadata before posting again.
 */
import type { KnownBlock, WebClient } from '@slack/web-api';
import { z } from 'zod';
import { deliveryKey, type Channel, type ChannelMessage, type ConfiguredChannel, type MessageAction } from './types.ts';
import { bilingualText } from './format.ts';
import type { RenderedNotice } from '../langs.ts';

/** The action id of the alert's Acknowledge button; the interactivity route (api/) acts on it. */
export const SLACK_ACK_ACTION = 'kuzet_ack';
/** The Slack action id of each kind of button. */
const ACTION_IDS: Record<MessageAction['id'], string> = { acknowledge: SLACK_ACK_ACTION };
/** Slack's limit on a section block's text. */
const SECTION_MAX = 3000;

const schema = z.strictObject({
  token: z.string().min(1),
  channel: z.string().min(1),
  apiUrl: z.url().optional(),
  /** The Slack app's signing secret: interaction requests (the alert's Acknowledge button) are verified with it. */
  signingSecret: z.string().min(16, "must be the Slack app's signing secret (Basic Information → App Credentials)").optional(),
});
export type SlackConfig = ConfiguredChannel<typeof schema>;

const clients = new Map<string, WebClient>();
/** @slack/web-api loads with the first Slack delivery (a process that sends none does not hold it). */
async function client(cfg: SlackConfig): Promise<WebClient> {
  const k = `${cfg.token}\u0000${cfg.apiUrl ?? ''}`;
  let c = clients.get(k);
  if (!c) {
    const { WebClient } = await import('@slack/web-api');
    const made = clients.get(k); // another delivery may have made it while this one waited for the module
    if (made) return made;
    c = new WebClient(cfg.token, {
      retryConfig: { retries: 0 },
      timeout: 15_000,
      ...(cfg.apiUrl ? { slackApiUrl: cfg.apiUrl.endsWith('/') ? cfg.apiUrl : `${cfg.apiUrl}/` } : {}),
    });
    clients.set(k, c);
  }
  return c;
}

type Posted = { ts?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } };

/**
 * The ts of a message with this delivery key already in the channel (or the thread), if any: a resumed
 * delivery whose first attempt reached Slack before the process died must not post twice. Needs the
 * channel's id (C…) in `channel` on real Slack; if the lookup fails, the message is sent (at least once).
 */
async function alreadyPosted(cfg: SlackConfig, key: string, thread: string | undefined): Promise<string | undefined> {
  try {
    const c = await client(cfg);
    const r = thread
      ? await c.conversations.replies({ channel: cfg.channel, ts: thread, include_all_metadata: true, limit: 200 })
      : await c.conversations.history({ channel: cfg.channel, include_all_metadata: true, limit: 200 });
    const hit = ((r.messages ?? []) as Posted[]).find(
      (m) => m.metadata?.event_type === 'kuzet_notice' && m.metadata.event_payload?.key === key,
    );
    return hit ? (hit.ts ?? '') : undefined;
  } catch {
    return undefined;
  }
}

/** A message as chat.postMessage / chat.update take it: the text (notifications, fallback) and its blocks. */
export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** mrkdwn needs `&`, `<` and `>` escaped; everything else is shown as written. */
const mrkdwn = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The text as section blocks of at most {@link SECTION_MAX} characters each. */
function sections(text: string): KnownBlock[] {
  const out: KnownBlock[] = [];
  let rest = mrkdwn(text);
  while (rest.length > 0) {
    out.push({ type: 'section', text: { type: 'mrkdwn', text: rest.slice(0, SECTION_MAX) } });
    rest = rest.slice(SECTION_MAX);
  }
  return out;
}

/** The message with its buttons (the alert's Acknowledge), or plain text when it has none. */
function renderSlack(msg: Pick<ChannelMessage, 'texts' | 'actions' | 'mentions'>): SlackMessage {
  const called = (msg.mentions ?? []).filter((m) => /^[UW][A-Z0-9]+$/.test(m)).map((m) => `<@${m}>`);
  const body = bilingualText(msg.texts);
  const text = called.length > 0 ? `${called.join(' ')} ${body}` : body;
  if (!msg.actions?.length) return { text };
  const buttons = msg.actions.map((a) => ({
    type: 'button' as const,
    action_id: ACTION_IDS[a.id],
    text: { type: 'plain_text' as const, text: a.label.slice(0, 75) },
    value: a.value,
    style: 'primary' as const,
  }));
  const mention: KnownBlock[] = called.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: called.join(' ') } }] : [];
  return { text, blocks: [...mention, ...sections(body), { type: 'actions', block_id: 'kuzet_actions', elements: buttons }] };
}

/**
 * After the reply is posted: the thread's first message shows `texts` without its buttons (chat.update).
 * Best effort: on real Slack chat.update needs the channel's id (C…) in `channel`; if it fails, the
 * reply in the thread has told it and the button answers "already acknowledged".
 */
async function replaceParent(cfg: SlackConfig, thread: string, texts: RenderedNotice): Promise<void> {
  try {
    const text = bilingualText(texts);
    await (await client(cfg)).chat.update({ channel: cfg.channel, ts: thread, text, blocks: sections(text) });
  } catch {
    // the thread reply stands
  }
}

export const slackChannel: Channel<typeof schema, SlackMessage> = {
  type: 'slack',
  schema,
  /** The configured Slack channel, first in the queue: the on-call engineers read it. */
  recipients: (cfg, audience) => (audience.chat ? [{ recipient: cfg.channel, priority: 1 }] : []),
  idempotencyKey: deliveryKey,
  render: renderSlack,
  async send(cfg, msg, ctx) {
    const thread = await ctx.threads.get(msg.threadKey, cfg.id);
    const found = msg.resumed ? await alreadyPosted(cfg, msg.key, thread) : undefined;
    if (found !== undefined) {
      // Posted before the crash: keep its thread (a parent message whose ts was never stored) and stop.
      if (!thread && found) await ctx.threads.set(msg.threadKey, cfg.id, found);
      return { ok: true, ref: found };
    }
    try {
      const r = await (
        await client(cfg)
      ).chat.postMessage({
        channel: cfg.channel,
        ...slackChannel.render(msg),
        ...(thread ? { thread_ts: thread } : {}),
        metadata: { event_type: 'kuzet_notice', event_payload: { key: msg.key, event: msg.event } },
      });
      if (!thread && r.ts) await ctx.threads.set(msg.threadKey, cfg.id, r.ts);
      if (thread && msg.replaceParent) await replaceParent(cfg, thread, msg.replaceParent.texts);
      return { ok: true, ref: r.ts ?? '' };
    } catch (e) {
      const err = e as { code?: string; data?: { error?: string }; message: string };
      // Slack's own answer (invalid_auth, channel_not_found) will not change on retry; transport errors will.
      const platform = err.code === 'slack_webapi_platform_error';
      return { ok: false, error: `slack: ${err.data?.error ?? err.message}`, retryable: !platform || err.data?.error === 'ratelimited' };
    }
  },
};
