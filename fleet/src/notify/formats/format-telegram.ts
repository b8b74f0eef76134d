import type { AlertTransition } from '../../alerts/alert-types.js';
import type { Channel } from '../channel-model.js';
import { composeMessage, type MessageContext } from '../alert-message.js';
import { jsonRequest, type HttpRequestSpec } from './http-request-spec.js';

/** Telegram's limits: 4096 characters for a message, 1024 for a photo caption. */
const MESSAGE_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/**
 * Telegram Bot API: sendPhoto (multipart, the screen's latest screenshot, the alert as caption)
 * when there is a screenshot, otherwise sendMessage. HTML parse mode: the title in bold.
 */
export function formatTelegram(
  transition: AlertTransition,
  channel: Channel,
  context: MessageContext,
): HttpRequestSpec {
  const target = channel.target;
  if (target.kind !== 'telegram') throw new Error(`not a telegram channel: ${channel.id}`);
  const message = composeMessage(transition, channel.language, context);
  const [title = '', ...rest] = message.text.split('\n');
  const base = `${target.apiBaseUrl.replace(/\/+$/, '')}/bot${target.botToken}`;
  const html = (limit: number) =>
    truncate(`<b>${escapeHtml(title)}</b>\n${rest.map(escapeHtml).join('\n')}`, limit);
  if (context.screenshot) {
    return {
      url: `${base}/sendPhoto`,
      method: 'POST',
      headers: {},
      body: {
        kind: 'multipart',
        fields: { chat_id: target.chatId, caption: html(CAPTION_LIMIT), parse_mode: 'HTML' },
        file: {
          field: 'photo',
          filename: `${transition.device.id}.png`,
          contentType: 'image/png',
          bytes: context.screenshot.png,
        },
      },
    };
  }
  return jsonRequest(`${base}/sendMessage`, {
    chat_id: target.chatId,
    text: html(MESSAGE_LIMIT),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts on a line break where it can, so no HTML entity or tag is split. */
function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.lastIndexOf('\n', limit - 1);
  return text.slice(0, cut > 0 ? cut : limit - 1).trimEnd() + '…';
}
