import type { AlertTransition } from '../../alerts/alert-types.js';
import type { Channel } from '../channel-model.js';
import { composeMessage, type MessageContext } from '../alert-message.js';
import { jsonRequest, type HttpRequestSpec } from './http-request-spec.js';

/** Microsoft Teams through a Workflows webhook: a message carrying one Adaptive Card (1.4). */
export function formatTeams(
  transition: AlertTransition,
  channel: Channel,
  context: MessageContext,
): HttpRequestSpec {
  if (channel.target.kind !== 'teams') throw new Error(`not a teams channel: ${channel.id}`);
  const message = composeMessage(transition, channel.language, context);
  const accent =
    transition.kind === 'resolved' ? 'Good' : transition.severity === 'critical' ? 'Attention' : 'Warning';
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: message.title,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      color: context.test ? 'Accent' : accent,
    },
  ];
  if (context.test) body.push({ type: 'TextBlock', text: message.text.split('\n')[1] ?? '', wrap: true });
  if (message.fields.length > 0) {
    body.push({
      type: 'FactSet',
      facts: message.fields.map((field) => ({ title: field.label, value: field.value })),
    });
  }
  return jsonRequest(channel.target.url, {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: message.link.label, url: message.link.url }],
        },
      },
    ],
  });
}
