import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import { z } from 'zod';
import {
  CHANNEL_KINDS,
  channelSettingsSchema,
  channelTargetSchema,
  targetHost,
  type AttemptResult,
  type Channel,
  type ChannelKind,
  type ChannelTarget,
} from './channel-model.js';
import type { StoredChannel } from './channels-repo.js';

const common = {
  name: channelSettingsSchema.shape.name,
  language: channelSettingsSchema.shape.language.default('vi'),
  gateIds: channelSettingsSchema.shape.gateIds.default(null),
  minSeverity: channelSettingsSchema.shape.minSeverity.default('warning'),
  enabled: z.boolean().default(true),
};
const [slackTarget, teamsTarget, googleTarget, telegramTarget, webhookTarget] = channelTargetSchema.options;

/** POST body: the settings every channel has, and the target fields of its kind. Strict: a typo is an error. */
export const createChannelBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, ...slackTarget.shape }),
  z.strictObject({ ...common, ...teamsTarget.shape }),
  z.strictObject({ ...common, ...googleTarget.shape }),
  z.strictObject({ ...common, ...telegramTarget.shape }),
  z.strictObject({
    ...common,
    ...webhookTarget.shape,
    secret: webhookTarget.shape.secret.optional().describe('generated and returned once when left out'),
  }),
]);
export type CreateChannelBody = z.infer<typeof createChannelBodySchema>;

/** PATCH body: any setting, and target fields; whether they fit the channel's kind is checked on apply. */
export const patchChannelBodySchema = z.strictObject({
  name: channelSettingsSchema.shape.name.optional(),
  language: channelSettingsSchema.shape.language.optional(),
  gateIds: channelSettingsSchema.shape.gateIds.optional(),
  minSeverity: channelSettingsSchema.shape.minSeverity.optional(),
  enabled: z.boolean().optional(),
  url: z.string().optional(),
  secret: z.string().optional(),
  botToken: z.string().optional(),
  chatId: z.string().optional(),
  apiBaseUrl: z.string().optional(),
});
export type PatchChannelBody = z.infer<typeof patchChannelBodySchema>;

const TARGET_FIELDS = ['url', 'secret', 'botToken', 'chatId', 'apiBaseUrl'] as const;
const TARGET_FIELDS_OF: Record<ChannelKind, readonly string[]> = {
  slack: ['url'],
  teams: ['url'],
  'google-chat': ['url'],
  telegram: ['botToken', 'chatId', 'apiBaseUrl'],
  webhook: ['url', 'secret'],
};

/** A new channel from a POST body; a webhook without a secret gets a fresh one (returned once). */
export function newChannel(
  body: CreateChannelBody,
  id: string,
  now: Date,
): { channel: Channel; secret?: string } {
  const { name, language, gateIds, minSeverity, enabled, ...targetFields } = body;
  let secret: string | undefined;
  if (targetFields.kind === 'webhook' && targetFields.secret === undefined) {
    secret = randomBytes(32).toString('base64url');
  }
  const target = parseTarget(secret === undefined ? targetFields : { ...targetFields, secret });
  const at = now.toISOString();
  const channel: Channel = {
    id,
    name,
    kind: target.kind,
    language,
    gateIds,
    minSeverity,
    enabled,
    target,
    createdAt: at,
    updatedAt: at,
  };
  return secret === undefined ? { channel } : { channel, secret };
}

/** The channel after a PATCH; target fields that do not belong to its kind are refused by name. */
export function patchedChannel(channel: Channel, patch: PatchChannelBody, now: Date): Channel {
  const { name, language, gateIds, minSeverity, enabled, ...targetPatch } = patch;
  const given = TARGET_FIELDS.filter((field) => targetPatch[field] !== undefined);
  const foreign = given.filter((field) => !TARGET_FIELDS_OF[channel.kind].includes(field));
  if (foreign.length > 0) {
    throw new GatecastError('BAD_REQUEST', `a ${channel.kind} channel has no ${foreign.join(', ')}`);
  }
  const target = given.length === 0 ? channel.target : parseTarget({ ...channel.target, ...targetPatch });
  return {
    ...channel,
    name: name ?? channel.name,
    language: language ?? channel.language,
    gateIds: gateIds === undefined ? channel.gateIds : gateIds,
    minSeverity: minSeverity ?? channel.minSeverity,
    enabled: enabled ?? channel.enabled,
    target,
    updatedAt: now.toISOString(),
  };
}

function parseTarget(fields: unknown): ChannelTarget {
  const result = channelTargetSchema.safeParse(fields);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') ?? 'target';
  throw new GatecastError('BAD_REQUEST', `${field}: ${issue?.message ?? 'is invalid'}`);
}

export const channelViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  language: z.enum(['vi', 'en']),
  gateIds: z.array(z.string()).nullable(),
  minSeverity: z.enum(['warning', 'critical']),
  enabled: z.boolean(),
  target: z.string().describe('the host only: paths carry tokens and secrets'),
  createdAt: z.string(),
  queued: z.number().int(),
  lastDelivery: z
    .object({ at: z.string(), ok: z.boolean(), status: z.number().nullable(), error: z.string().nullable() })
    .nullable(),
});
export type ChannelView = z.infer<typeof channelViewSchema>;

/** What the API shows of a channel: no URL path, token or secret. */
export function channelView(channel: StoredChannel, queued: number): ChannelView {
  const lastDelivery: AttemptResult | null = channel.lastAttempt;
  return {
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    language: channel.language,
    gateIds: channel.gateIds,
    minSeverity: channel.minSeverity,
    enabled: channel.enabled,
    target: targetHost(channel.target),
    createdAt: channel.createdAt,
    queued,
    lastDelivery,
  };
}
