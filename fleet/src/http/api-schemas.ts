import {
  COMMAND_NAMES,
  ERROR_CODE_NAMES,
  agentConfigSchema,
  commandRequestSchema,
  commandResultSchema,
  desiredSchema,
  deviceIdSchema,
  languageTagSchema,
  reportedSchema,
  slugSchema,
  tagSchema,
  telemetrySchema,
  timeZoneSchema,
} from '@gatecast/protocol';
import { z } from 'zod';

/** The one error shape of the API; codes come from the protocol's catalogue. */
export const errorEnvelopeSchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODE_NAMES), message: z.string() }),
});

/** Every route may answer with the error envelope; listed once so the OpenAPI document shows it. */
export const errorResponses = { '4xx': errorEnvelopeSchema, '5xx': errorEnvelopeSchema } as const;

const nameSchema = z.string().trim().min(1, 'must not be empty').max(120);

export const zoneSchema = z.object({
  id: z.string(),
  gateId: z.string(),
  name: z.string(),
  createdAt: z.string(),
});

export const gateSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  languages: z.array(z.string()),
  createdAt: z.string(),
  zones: z.array(zoneSchema),
});

// Bodies are strict: an operator's typo ("gateid") is an error, not a silently ignored field.
export const createGateBodySchema = z.strictObject({
  id: slugSchema,
  name: nameSchema,
  timeZone: timeZoneSchema.optional(),
  languages: z.array(languageTagSchema).min(1).max(16).optional(),
});

export const createZoneBodySchema = z.strictObject({ id: slugSchema, name: nameSchema });

export const gateParamsSchema = z.object({ gateId: slugSchema });
export const deviceParamsSchema = z.object({ deviceId: deviceIdSchema });

export const listDevicesQuerySchema = z.strictObject({
  gate: slugSchema.optional(),
  zone: slugSchema.optional(),
});

export const createDeviceBodySchema = z.strictObject({
  name: nameSchema,
  gateId: slugSchema,
  zoneId: slugSchema,
  id: deviceIdSchema.optional(),
  tags: z.array(tagSchema).max(32).optional(),
});

export const deviceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  gateId: z.string(),
  zoneId: z.string(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  presence: z.object({
    state: z.enum(['online', 'offline', 'never-seen']),
    since: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
  }),
  /** Live from the broker; presence is the stored history of it. */
  connected: z.boolean(),
  agentVersion: z.string().nullable(),
  desiredVersion: z.number().int().nullable(),
  appliedVersion: z.number().int().nullable(),
  inSync: z.boolean(),
  reported: reportedSchema.nullable(),
  lastTelemetry: telemetrySchema.nullable(),
  lastTelemetryAt: z.string().nullable(),
});

export const deviceDetailSchema = deviceViewSchema.extend({ desired: desiredSchema.nullable() });

export const enrolledDeviceSchema = z.object({ device: deviceViewSchema, agentConfig: agentConfigSchema });

const MAX_COMMAND_TIMEOUT_MS = 120_000;

/** Arguments are checked against the protocol's own schema of that command, so errors name `body.args.x`. */
export const commandBodySchema = z
  .strictObject({
    name: z.enum(COMMAND_NAMES),
    args: z.record(z.string(), z.unknown()).optional(),
    timeoutMs: z.number().int().min(100).max(MAX_COMMAND_TIMEOUT_MS).optional(),
  })
  .superRefine((body, ctx) => {
    const option = commandRequestSchema.options.find((candidate) => candidate.shape.name.value === body.name);
    const result = option?.shape.args.safeParse(body.args ?? {});
    for (const issue of result?.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['args', ...issue.path] });
    }
  });

export const commandReplySchema = z.object({ result: commandResultSchema });

export const healthSchema = z.object({
  status: z.literal('ok'),
  uptimeSec: z.number().int().nonnegative(),
  connectedDevices: z.number().int().nonnegative(),
});

export type DeviceView = z.infer<typeof deviceViewSchema>;
