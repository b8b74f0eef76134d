import type { AlertTransition } from '../../alerts/alert-types.js';
import type { Channel, ChannelKind } from '../channel-model.js';
import type { MessageContext } from '../alert-message.js';
import { formatGoogleChat } from './format-google-chat.js';
import { formatSlack } from './format-slack.js';
import { formatTeams } from './format-teams.js';
import { formatTelegram } from './format-telegram.js';
import { formatWebhook } from './format-webhook.js';
import type { HttpRequestSpec } from './http-request-spec.js';

export type Formatter = (
  transition: AlertTransition,
  channel: Channel,
  context: MessageContext,
) => HttpRequestSpec;

/** One pure formatter per kind; a kind without one does not compile. */
export const FORMATTERS: Record<ChannelKind, Formatter> = {
  slack: formatSlack,
  teams: formatTeams,
  'google-chat': formatGoogleChat,
  telegram: formatTelegram,
  webhook: formatWebhook,
};

export function formatFor(
  transition: AlertTransition,
  channel: Channel,
  context: MessageContext,
): HttpRequestSpec {
  return FORMATTERS[channel.kind](transition, channel, context);
}
