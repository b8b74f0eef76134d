import type { Channel, ChannelKind } from '../channel-model.js';
import type { BatchContext, OutgoingAlert } from '../alert-digest.js';
import { formatGoogleChat } from './format-google-chat.js';
import { formatSlack } from './format-slack.js';
import { formatTeams } from './format-teams.js';
import { formatTelegram, TELEGRAM_MESSAGE_LIMIT } from './format-telegram.js';
import { formatWebhook } from './format-webhook.js';
import type { HttpRequestSpec } from './http-request-spec.js';

/** One alert gets the full layout; several get a digest (a heading and a line each). */
export type Formatter = (
  alerts: readonly OutgoingAlert[],
  channel: Channel,
  context: BatchContext,
) => HttpRequestSpec;

/** One pure formatter per kind; a kind without one does not compile. */
export const FORMATTERS: Record<ChannelKind, Formatter> = {
  slack: formatSlack,
  teams: formatTeams,
  'google-chat': formatGoogleChat,
  telegram: formatTelegram,
  webhook: formatWebhook,
};

/**
 * How big a message each service takes, with a margin, and how to measure it: Slack 40k characters
 * of text, a Teams card about 28 KB, Google Chat 32 KB, Telegram 4096 characters of text (measured
 * with its HTML tags, so on the safe side). A generic webhook has no limit but the batch size.
 */
const SIZE_LIMITS: Record<ChannelKind, { limit: number; measure: (spec: HttpRequestSpec) => number }> = {
  slack: { limit: 38_000, measure: bodyBytes },
  teams: { limit: 26_000, measure: bodyBytes },
  'google-chat': { limit: 30_000, measure: bodyBytes },
  telegram: { limit: TELEGRAM_MESSAGE_LIMIT, measure: telegramTextLength },
  webhook: { limit: Number.POSITIVE_INFINITY, measure: bodyBytes },
};

/** At most this many alerts in one chat message: a screenful to read, well under every service's limits. */
export const MAX_BATCH = 25;
/** A generic webhook is read by a program, not a person: a burst goes out in fewer, larger requests. */
export const MAX_WEBHOOK_BATCH = 200;

export function maxBatchFor(kind: ChannelKind): number {
  return kind === 'webhook' ? MAX_WEBHOOK_BATCH : MAX_BATCH;
}

/**
 * Pure: the request for the longest leading part of `alerts` that fits the service's size limit
 * (order holds: the rest waits for the next message). One alert always goes out, truncated by its
 * formatter where the service needs it.
 */
export function formatBatch(
  alerts: readonly OutgoingAlert[],
  channel: Channel,
  context: BatchContext,
): { spec: HttpRequestSpec; alerts: OutgoingAlert[] } {
  const { limit, measure } = SIZE_LIMITS[channel.kind];
  let count = Math.min(alerts.length, maxBatchFor(channel.kind));
  for (;;) {
    const batch = alerts.slice(0, count);
    const spec = FORMATTERS[channel.kind](batch, channel, context);
    if (count <= 1) return { spec, alerts: batch };
    const size = measure(spec);
    if (size <= limit) return { spec, alerts: batch };
    // Shrink in proportion to the overshoot, at least by one.
    count = Math.max(1, Math.min(count - 1, Math.floor((count * limit) / size)));
  }
}

function bodyBytes(spec: HttpRequestSpec): number {
  return spec.body.kind === 'json' ? Buffer.byteLength(spec.body.text) : spec.body.file.bytes.length;
}

function telegramTextLength(spec: HttpRequestSpec): number {
  if (spec.body.kind !== 'json') return 0;
  return String((JSON.parse(spec.body.text) as { text?: unknown }).text ?? '').length;
}
