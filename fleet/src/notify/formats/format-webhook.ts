import type { Channel } from '../channel-model.js';
import { composeMessage } from '../alert-message.js';
import { messageContextOf, type BatchContext, type OutgoingAlert } from '../alert-digest.js';
import { signatureHeader } from '../webhook-signature.js';
import type { HttpRequestSpec } from './http-request-spec.js';

export const SIGNATURE_HEADER = 'X-Gatecast-Signature';
export const DELIVERY_HEADER = 'X-Gatecast-Delivery';
/** The body's shape; raised only for a change a receiver must know about. */
export const WEBHOOK_BODY_VERSION = 1;

/**
 * The generic JSON webhook: `{ version, test, language, deliveries: [...] }`, one element per alert
 * (one for a single alert, so receivers see one shape), each the transition as data plus the message
 * in the channel's language. Signed with HMAC-SHA256 over "<t>.<body>", the whole body
 * (docs/guides/alert-channels.md shows how to verify).
 */
export function formatWebhook(
  alerts: readonly OutgoingAlert[],
  channel: Channel,
  context: BatchContext,
): HttpRequestSpec {
  const target = channel.target;
  if (target.kind !== 'webhook') throw new Error(`not a webhook channel: ${channel.id}`);
  const deliveries = alerts.map((alert) => {
    const message = composeMessage(alert.transition, channel.language, messageContextOf(alert, context));
    return {
      deliveryId: alert.deliveryId,
      transition: alert.transition,
      title: message.title,
      text: message.text,
      url: message.link.url,
    };
  });
  const text = JSON.stringify({
    version: WEBHOOK_BODY_VERSION,
    test: context.test === true,
    language: channel.language,
    deliveries,
  });
  const timestamp = Math.floor(context.now.getTime() / 1000);
  return {
    url: target.url,
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [SIGNATURE_HEADER]: signatureHeader(target.secret, timestamp, text),
      // Every delivery id in the body, in order (an HTTP list); a single alert's is just its own.
      [DELIVERY_HEADER]: alerts.map((alert) => alert.deliveryId).join(', '),
    },
    body: { kind: 'json', text },
  };
}
