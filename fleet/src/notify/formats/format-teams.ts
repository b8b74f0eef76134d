import type { Channel } from '../channel-model.js';
import { composeMessage, type AlertMessage } from '../alert-message.js';
import { composeDigest, messageContextOf, type BatchContext, type OutgoingAlert } from '../alert-digest.js';
import type { AlertTransition } from '../../alerts/alert-types.js';
import { jsonRequest, onlyAlert, type HttpRequestSpec } from './http-request-spec.js';

/**
 * Microsoft Teams through a Workflows webhook: a message carrying one Adaptive Card (1.4). A digest
 * is one card with a heading and two blocks per alert (its title, then where and since with a link).
 */
export function formatTeams(
  alerts: readonly OutgoingAlert[],
  channel: Channel,
  context: BatchContext,
): HttpRequestSpec {
  if (channel.target.kind !== 'teams') throw new Error(`not a teams channel: ${channel.id}`);
  const single = onlyAlert(alerts);
  if (single) {
    const message = composeMessage(single.transition, channel.language, messageContextOf(single, context));
    const body: unknown[] = [
      titleBlock(message.title, context.test ? 'Accent' : accentOf(single.transition)),
    ];
    if (context.test) body.push({ type: 'TextBlock', text: message.text.split('\n')[1] ?? '', wrap: true });
    if (message.fields.length > 0) {
      body.push({
        type: 'FactSet',
        facts: message.fields.map((field) => ({ title: field.label, value: field.value })),
      });
    }
    return cardRequest(channel.target.url, body, message.link);
  }
  const digest = composeDigest(alerts, channel.language, context);
  const body: unknown[] = [{ ...titleBlock(digest.heading, 'Default'), size: 'Large' }];
  for (const line of digest.lines) {
    body.push({
      ...titleBlock(`${line.mark} ${line.message.title}`, accentOf(line.alert.transition)),
      size: 'Default',
    });
    body.push({ type: 'TextBlock', text: `${line.where} · ${markdownLink(line.message)}`, wrap: true });
  }
  return cardRequest(channel.target.url, body, digest.alertsLink);
}

function titleBlock(text: string, color: string) {
  return { type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true, color };
}

function accentOf(transition: AlertTransition): string {
  if (transition.kind === 'resolved') return 'Good';
  return transition.severity === 'critical' ? 'Attention' : 'Warning';
}

/** TextBlock renders Markdown links; brackets in a label would end it early. */
function markdownLink(message: AlertMessage): string {
  return `[${message.link.label.replace(/[[\]]/g, '')}](${message.link.url})`;
}

function cardRequest(url: string, body: unknown[], action: { label: string; url: string }): HttpRequestSpec {
  return jsonRequest(url, {
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
          actions: [{ type: 'Action.OpenUrl', title: action.label, url: action.url }],
        },
      },
    ],
  });
}
