import type { Channel } from '../channel-model.js';
import { composeMessage } from '../alert-message.js';
import { composeDigest, messageContextOf, type BatchContext, type OutgoingAlert } from '../alert-digest.js';
import { jsonRequest, onlyAlert, type HttpRequestSpec } from './http-request-spec.js';

/**
 * Google Chat incoming webhook: `text` for notifications plus one cardsV2 card with a link button.
 * A digest is one card with one section per alert.
 */
export function formatGoogleChat(
  alerts: readonly OutgoingAlert[],
  channel: Channel,
  context: BatchContext,
): HttpRequestSpec {
  if (channel.target.kind !== 'google-chat') throw new Error(`not a google-chat channel: ${channel.id}`);
  const single = onlyAlert(alerts);
  if (single) {
    const { transition } = single;
    const message = composeMessage(transition, channel.language, messageContextOf(single, context));
    const widgets: unknown[] = message.fields.map((field) => ({
      decoratedText: { topLabel: field.label, text: field.value, wrapText: true },
    }));
    if (context.test) widgets.push({ textParagraph: { text: message.text.split('\n')[1] ?? '' } });
    widgets.push(linkButton(message.link));
    return jsonRequest(channel.target.url, {
      text: message.title,
      cardsV2: [
        {
          cardId: `gatecast-${single.deliveryId}`,
          card: {
            header: { title: message.title, subtitle: `${transition.gate.name} · ${transition.zone.name}` },
            sections: [{ widgets }],
          },
        },
      ],
    });
  }
  const digest = composeDigest(alerts, channel.language, context);
  return jsonRequest(channel.target.url, {
    text: digest.heading,
    cardsV2: [
      {
        cardId: `gatecast-${alerts[0]?.deliveryId ?? 'digest'}`,
        card: {
          header: { title: digest.heading },
          sections: digest.lines.map((line) => ({
            widgets: [
              {
                decoratedText: {
                  topLabel: line.where,
                  text: `${line.mark} ${line.message.title}`,
                  wrapText: true,
                },
              },
              linkButton(line.message.link),
            ],
          })),
        },
      },
    ],
  });
}

function linkButton(link: { label: string; url: string }) {
  return { buttonList: { buttons: [{ text: link.label, onClick: { openLink: { url: link.url } } }] } };
}
