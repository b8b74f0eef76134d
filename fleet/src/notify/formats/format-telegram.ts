import type { Channel } from '../channel-model.js';
import { composeMessage } from '../alert-message.js';
import { composeDigest, messageContextOf, type BatchContext, type OutgoingAlert } from '../alert-digest.js';
import { jsonRequest, onlyAlert, type HttpRequestSpec } from './http-request-spec.js';

/** Telegram's limits: 4096 characters for a message, 1024 for a photo caption. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/**
 * Telegram Bot API: sendPhoto (multipart, the screen's latest screenshot, the alert as caption)
 * when a single alert has a screenshot, otherwise sendMessage. HTML parse mode: the title in bold.
 * A digest is one text, a line per alert with the screen's name linking to its page; it is not
 * truncated here: the sender cuts the batch smaller until it fits (formats/index.ts).
 */
export function formatTelegram(
  alerts: readonly OutgoingAlert[],
  channel: Channel,
  context: BatchContext,
): HttpRequestSpec {
  const target = channel.target;
  if (target.kind !== 'telegram') throw new Error(`not a telegram channel: ${channel.id}`);
  const base = `${target.apiBaseUrl.replace(/\/+$/, '')}/bot${target.botToken}`;
  const single = onlyAlert(alerts);
  if (!single) {
    const digest = composeDigest(alerts, channel.language, context);
    const lines = digest.lines.map(
      (line) =>
        `${line.mark} <a href="${escapeHtml(line.message.link.url).replace(/"/g, '&quot;')}">` +
        `${escapeHtml(line.message.title)}</a> — ${escapeHtml(line.where)}`,
    );
    return sendMessage(base, target.chatId, [`<b>${escapeHtml(digest.heading)}</b>`, ...lines].join('\n'));
  }
  const message = composeMessage(single.transition, channel.language, messageContextOf(single, context));
  const [title = '', ...rest] = message.text.split('\n');
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
          filename: `${single.transition.device.id}.png`,
          contentType: 'image/png',
          bytes: context.screenshot.png,
        },
      },
    };
  }
  return sendMessage(base, target.chatId, html(TELEGRAM_MESSAGE_LIMIT));
}

function sendMessage(base: string, chatId: string, text: string): HttpRequestSpec {
  return jsonRequest(`${base}/sendMessage`, {
    chat_id: chatId,
    text,
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
