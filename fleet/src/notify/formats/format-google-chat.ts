import type { AlertTransition } from '../../alerts/alert-types.js';
import type { Channel } from '../channel-model.js';
import { composeMessage, type MessageContext } from '../alert-message.js';
import { jsonRequest, type HttpRequestSpec } from './http-request-spec.js';

/** Google Chat incoming webhook: `text` for notifications plus one cardsV2 card with a link button. */
export function formatGoogleChat(
  transition: AlertTransition,
  channel: Channel,
  context: MessageContext,
): HttpRequestSpec {
  if (channel.target.kind !== 'google-chat') throw new Error(`not a google-chat channel: ${channel.id}`);
  const message = composeMessage(transition, channel.language, context);
  const widgets: unknown[] = message.fields.map((field) => ({
    decoratedText: { topLabel: field.label, text: field.value, wrapText: true },
  }));
  if (context.test) widgets.push({ textParagraph: { text: message.text.split('\n')[1] ?? '' } });
  widgets.push({
    buttonList: { buttons: [{ text: message.link.label, onClick: { openLink: { url: message.link.url } } }] },
  });
  return jsonRequest(channel.target.url, {
    text: message.title,
    cardsV2: [
      {
        cardId: `gatecast-${context.deliveryId}`,
        card: {
          header: { title: message.title, subtitle: `${transition.gate.name} · ${transition.zone.name}` },
          sections: [{ widgets }],
        },
      },
    ],
  });
}
