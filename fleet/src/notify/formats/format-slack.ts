import type { Channel } from '../channel-model.js';
import { composeMessage } from '../alert-message.js';
import { composeDigest, messageContextOf, type BatchContext, type OutgoingAlert } from '../alert-digest.js';
import { jsonRequest, onlyAlert, type HttpRequestSpec } from './http-request-spec.js';

/**
 * Slack-compatible incoming webhooks. `text` plus legacy attachments (fallback, color, title,
 * title_link, fields) is the subset Slack, Mattermost and Rocket.Chat all render; Block Kit is
 * Slack's alone. Mattermost requires `fallback`. A digest is one attachment per alert.
 */
export function formatSlack(
  alerts: readonly OutgoingAlert[],
  channel: Channel,
  context: BatchContext,
): HttpRequestSpec {
  if (channel.target.kind !== 'slack') throw new Error(`not a slack channel: ${channel.id}`);
  const single = onlyAlert(alerts);
  if (single) {
    const message = composeMessage(single.transition, channel.language, messageContextOf(single, context));
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
  const digest = composeDigest(alerts, channel.language, context);
  return jsonRequest(channel.target.url, {
    text: digest.heading,
    attachments: digest.lines.map((line) => ({
      fallback: line.text,
      color: line.message.color,
      title: `${line.mark} ${line.message.title}`,
      title_link: line.message.link.url,
      text: line.where,
    })),
  });
}
