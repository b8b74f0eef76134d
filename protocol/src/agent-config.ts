import { z } from 'zod';
import { deviceIdSchema } from './device-id.js';

/**
 * The screen agent's config file. It is the hand-over between enrolment (the fleet's
 * `gatecast devices add`, or provisioning onto an SD card) and the agent, so it lives here.
 */
export const agentConfigSchema = z.object({
  deviceId: deviceIdSchema,
  /** The device's own MQTT password; the fleet keeps only a salted hash of it. */
  secret: z.string().min(24, 'must be at least 24 characters').max(256),
  mqtt: z.object({
    url: z
      .string()
      .regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'must look like mqtt://host:1883 or mqtts://host:8883'),
    /** PEM file of the CA that signed the fleet's certificate, for mqtts:// with a private CA. */
    caFile: z.string().min(1).optional(),
    keepaliveSec: z.number().int().min(5).max(600).default(30),
    reconnectMinMs: z.number().int().min(100).max(60_000).default(1_000),
    reconnectMaxMs: z.number().int().min(1_000).max(600_000).default(60_000),
  }),
  /** Writable directory for state and cache; on the SD image this is the data partition. */
  dataDir: z.string().min(1).default('/var/lib/gatecast'),
  healthIntervalSec: z.number().int().min(5).max(3_600).default(60),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
