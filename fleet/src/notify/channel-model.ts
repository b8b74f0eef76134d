import { slugSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { ALERT_SEVERITIES, type AlertSeverity, type AlertTransition } from '../alerts/alert-types.js';

/** slack covers every Slack-compatible incoming webhook: Slack, Mattermost and Rocket.Chat. */
export const CHANNEL_KINDS = ['slack', 'teams', 'google-chat', 'telegram', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const CHANNEL_LANGUAGES = ['vi', 'en'] as const;
export type ChannelLanguage = (typeof CHANNEL_LANGUAGES)[number];

export const TELEGRAM_API_BASE = 'https://api.telegram.org';

const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000);

/** Where and how a channel posts; stored as JSON, never returned whole by the API. */
export const channelTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack'), url: httpUrlSchema }),
  z.object({ kind: z.literal('teams'), url: httpUrlSchema }),
  z.object({ kind: z.literal('google-chat'), url: httpUrlSchema }),
  z.object({
    kind: z.literal('telegram'),
    botToken: z
      .string()
      .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'must look like 123456:ABC-DEF… (from @BotFather)'),
    chatId: z
      .string()
      .regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/, 'must be a numeric chat id or @channelname'),
    apiBaseUrl: httpUrlSchema.default(TELEGRAM_API_BASE),
  }),
  z.object({
    kind: z.literal('webhook'),
    url: httpUrlSchema,
    secret: z.string().min(16, 'must be at least 16 characters').max(200),
  }),
]);
export type ChannelTarget = z.infer<typeof channelTargetSchema>;

export interface Channel {
  id: string;
  name: string;
  kind: ChannelKind;
  language: ChannelLanguage;
  /** null: every gate. */
  gateIds: string[] | null;
  minSeverity: AlertSeverity;
  enabled: boolean;
  target: ChannelTarget;
  createdAt: string;
  updatedAt: string;
}

/** The outcome of one attempt to post, kept per channel so the API can show the last one. */
export interface AttemptResult {
  at: string;
  ok: boolean;
  status: number | null;
  error: string | null;
}

export const channelSettingsSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(80),
  language: z.enum(CHANNEL_LANGUAGES),
  gateIds: z.array(slugSchema).min(1).max(100).nullable(),
  minSeverity: z.enum(ALERT_SEVERITIES),
  enabled: z.boolean(),
});
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

const SEVERITY_RANK: Record<AlertSeverity, number> = { warning: 0, critical: 1 };

/** Whether a channel wants this transition: enabled, the gate in its scope, severe enough. */
export function channelWants(channel: Channel, transition: AlertTransition): boolean {
  if (!channel.enabled) return false;
  if (channel.gateIds !== null && !channel.gateIds.includes(transition.gate.id)) return false;
  return SEVERITY_RANK[transition.severity] >= SEVERITY_RANK[channel.minSeverity];
}

/** What the API shows of a target: the host only; paths carry tokens and secrets. */
export function targetHost(target: ChannelTarget): string {
  const url = target.kind === 'telegram' ? target.apiBaseUrl : target.url;
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

/** Every secret string of a target, so error texts can be scrubbed before they are stored or logged. */
export function targetSecrets(target: ChannelTarget): string[] {
  if (target.kind === 'telegram') return [target.botToken];
  const { pathname, search } = new URL(target.url);
  const parts = [target.url, `${pathname}${search}`, ...(target.kind === 'webhook' ? [target.secret] : [])];
  return parts.filter((part) => part.length > 1);
}

export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('[redacted]');
  return result;
}
