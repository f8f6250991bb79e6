/** The channel registry: one line per channel type. */
import type { Channel } from './types.ts';
import { emailChannel } from './email.channel.ts';
import { slackChannel } from './slack.channel.ts';
import { webhookChannel } from './webhook.channel.ts';

export const CHANNELS: Readonly<Record<string, Channel<never>>> = {
  slack: slackChannel as Channel<never>,
  email: emailChannel as Channel<never>,
  webhook: webhookChannel as Channel<never>,
};
export { closeEmailTransports, messageIdOf } from './email.channel.ts';
export { signBody } from './webhook.channel.ts';
export type { Channel, ChannelContext, ChannelMessage, DeliveryResult, ThreadStore } from './types.ts';
