/**
 * One interface for every notification channel, like probes: a channel file exports an object with its
 * `type`, the zod `schema` of its config fields, whom it reaches (`recipients`), the `idempotencyKey`
 * of a delivery, how it renders a message, `send(config, message, ctx)` and its limits; the registry
 * (`./index.ts`) has one line per channel. Config validation, the fan-out and the delivery worker loop
 * over the registry. The delivery worker, not the channel, owns retries, backoff, the outbox and the
 * dead-letter list. An expected failure (server down, 5xx) is data, not a throw.
 */
import type { z } from 'zod';
import type { RenderedNotice } from '../langs.ts';

export interface ChannelMessage {
  /** Idempotency key of (event, recipient, channel): carried as Message-ID, Idempotency-Key, Slack metadata. */
  key: string;
  event: string;
  /** Messages of one notice share a thread (Slack). */
  threadKey: string;
  recipient: string;
  texts: RenderedNotice;
  /** Machine-readable body for webhooks. */
  data: Record<string, unknown>;
  /** One-click unsubscribe (RFC 8058) for subscribers' e-mails. */
  unsubscribeUrl?: string | undefined;
  /**
   * A previous attempt was cut off after it started sending (the process was killed): it may have
   * reached the peer. A channel that can look (Slack: the message metadata) checks before sending again.
   */
  resumed?: boolean;
  /** Buttons the message offers (a chat channel renders them; the others leave them out). */
  actions?: readonly MessageAction[] | undefined;
  /**
   * The thread's first message now reads `texts` and offers no button any more (Slack: chat.update of the
   * parent, e.g. after the alert was acknowledged); this message itself is a reply in the thread.
   */
  replaceParent?: { texts: RenderedNotice } | undefined;
  /** Chat member ids to call by name (Slack `<@U…>` mentions: an escalation names the person it pages). */
  mentions?: readonly string[] | undefined;
}

/** A button of a message: what it does (`acknowledge`), on what (`value`: the incident id), its label. */
export interface MessageAction {
  id: 'acknowledge';
  value: string;
  label: string;
}

export interface ThreadStore {
  get(threadKey: string, channel: string): Promise<string | undefined>;
  set(threadKey: string, channel: string, ts: string): Promise<void>;
}

export interface ChannelContext {
  signal: AbortSignal;
  threads: ThreadStore;
}

export type DeliveryResult = { ok: true; ref?: string } | { ok: false; error: string; retryable: boolean };

/** A person addressed by e-mail (subscribers, owners, the reporting user). */
export interface EmailRecipient {
  email: string;
  /** On-call engineers get priority. */
  oncall?: boolean;
  unsubscribeUrl?: string | undefined;
}

/** Who one event is for, as the fan-out hands it to each configured channel. */
export interface Audience {
  /** The chat-like audience (the channel's own configured recipients): off for a mail to one person. */
  chat: boolean;
  /** People by e-mail; only the first configured channel of a type receives them (one e-mail each). */
  people: readonly EmailRecipient[];
}

/** One delivery a channel makes of an event: to whom, how urgent (1 first), and its unsubscribe link. */
export interface ChannelRecipient {
  recipient: string;
  /** BullMQ priority: 1 for the on-call engineers (they hear it first), 5 for everyone else. */
  priority: number;
  unsubscribeUrl?: string | undefined;
}

/** A configured channel: its `id` and `type` beside the channel's own fields. */
export type ConfiguredChannel<S extends z.ZodObject> = { id: string; type: string } & z.output<S>;

export interface Channel<S extends z.ZodObject = z.ZodObject, R = unknown> {
  readonly type: string;
  /** The channel's own config fields (strict; `id` and `type` are added by the config). */
  readonly schema: S;
  /** The deliveries of one event on this channel, without duplicates. */
  recipients(config: ConfiguredChannel<S>, audience: Audience): ChannelRecipient[];
  /** The delivery's identity, stable across resends (the outbox key and the job id derive from it). */
  idempotencyKey(event: string, channelId: string, recipient: string): string;
  /** The message as the peer receives it (pure: no I/O). */
  render(msg: ChannelMessage): R;
  send(config: ConfiguredChannel<S>, msg: ChannelMessage, ctx: ChannelContext): Promise<DeliveryResult>;
  /** Deliveries of this type in flight at once per worker; unset, the worker's concurrency bounds it. */
  readonly concurrency?: number | undefined;
}

/** The key of a delivery of `event` to `recipient` through channel `channelId` (`event|channel|recipient`). */
export const deliveryKey = (event: string, channelId: string, recipient: string) => `${event}|${channelId}|${recipient}`;
