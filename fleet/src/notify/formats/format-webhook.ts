import type { AlertTransition } from '../../alerts/alert-types.js';
import type { Channel } from '../channel-model.js';
import { composeMessage, type MessageContext } from '../alert-message.js';
import { signatureHeader } from '../webhook-signature.js';
import type { HttpRequestSpec } from './http-request-spec.js';

export const SIGNATURE_HEADER = 'X-Gatecast-Signature';
export const DELIVERY_HEADER = 'X-Gatecast-Delivery';

/**
 * The generic JSON webhook: the transition as data plus the message in the channel's language,
 * signed with HMAC-SHA256 over "<t>.<body>" (docs/guides/alert-channels.md shows how to verify).
 */
export function formatWebhook(
  transition: AlertTransition,
  channel: Channel,
  context: MessageContext,
): HttpRequestSpec {
  const target = channel.target;
  if (target.kind !== 'webhook') throw new Error(`not a webhook channel: ${channel.id}`);
  const message = composeMessage(transition, channel.language, context);
  const text = JSON.stringify({
    deliveryId: context.deliveryId,
    test: context.test === true,
    language: channel.language,
    transition,
    title: message.title,
    text: message.text,
    url: message.link.url,
  });
  const timestamp = Math.floor(context.now.getTime() / 1000);
  return {
    url: target.url,
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [SIGNATURE_HEADER]: signatureHeader(target.secret, timestamp, text),
      [DELIVERY_HEADER]: context.deliveryId,
    },
    body: { kind: 'json', text },
  };
}
