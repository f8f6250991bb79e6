/**
 * The channel registry: one line per channel type. A new channel is its `<name>.channel.ts` and one
 * line here; the config (core/config.ts), the fan-out and the delivery worker loop over this map.
 * Kept a leaf (channels, their formatting and the languages only) so that the config can read it.
 */
import type { z } from 'zod';
import type { Channel } from './types.ts';
import { emailChannel } from './email.channel.ts';
import { slackChannel } from './slack.channel.ts';
import { webhookChannel } from './webhook.channel.ts';

export const CHANNELS = {
  slack: slackChannel,
  email: emailChannel,
  webhook: webhookChannel,
} as const satisfies ChannelRegistry;

/** Channels by type (the key is the channel's `type`). */
export type ChannelRegistry = Readonly<Record<string, Channel>>;

/** A configured channel of the registry's types, as `notifications.channels` holds it. */
export type ChannelConfig = {
  [K in keyof typeof CHANNELS]: { id: string; type: K } & z.output<(typeof CHANNELS)[K]['schema']>;
}[keyof typeof CHANNELS];

export { closeEmailTransports, messageIdOf } from './email.channel.ts';
export { signBody } from './webhook.channel.ts';
export { SLACK_ACK_ACTION } from './slack.channel.ts';
export { deliveryKey } from './types.ts';
export type {
  Audience,
  Channel,
  ChannelContext,
  ChannelMessage,
  ChannelRecipient,
  ConfiguredChannel,
  DeliveryResult,
  EmailRecipient,
  MessageAction,
  ThreadStore,
} from './types.ts';
