/**
 * One interface for every notification channel, like probes: a channel file exports an object with its
 * `type` and `send(config, message, ctx)`. The delivery worker, not the channel, owns retries, backoff,
 * idempotency and the dead-letter list. An expected failure (server down, 5xx) is data, not a throw.
 */
import type { RenderedNotice } from '../templates.ts';

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

export interface Channel<C> {
  readonly type: string;
  send(config: C, msg: ChannelMessage, ctx: ChannelContext): Promise<DeliveryResult>;
}
