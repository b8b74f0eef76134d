import type { AlertTransition } from '../../alerts/alert-types.js';
import type { Channel } from '../channel-model.js';
import { composeMessage, type MessageContext } from '../alert-message.js';
import { jsonRequest, type HttpRequestSpec } from './http-request-spec.js';

/**
 * Slack-compatible incoming webhooks. `text` plus one legacy attachment (fallback, color, title,
 * title_link, fields) is the subset Slack, Mattermost and Rocket.Chat all render; Block Kit is
 * Slack's alone. Mattermost requires `fallback`.
 */
export function formatSlack(
  transition: AlertTransition,
  channel: Channel,
  context: MessageContext,
): HttpRequestSpec {
  if (channel.target.kind !== 'slack') throw new Error(`not a slack channel: ${channel.id}`);
  const message = composeMessage(transition, channel.language, context);
  return jsonRequest(channel.target.url, {
    text: message.title,
    attachments: [
      {
        fallback: message.text,
        color: message.color,
        title: message.title,
        title_link: message.link.url,
        // The link syntax inside text differs (Slack <url|label>, Markdown elsewhere): title_link carries it.
        ...(context.test ? { text: message.text.split('\n')[1] ?? '' } : {}),
        fields: message.fields.map((field) => ({
          title: field.label,
          value: field.value,
          short: field.short,
        })),
      },
    ],
  });
}
