import { z } from 'zod';
import { releasePublicKeySchema } from './release.js';
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
  /** The fleet's HTTP address, for media downloads and screenshot uploads (the device's secret authenticates). */
  fleetUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Writable directory for state and cache; on the SD image this is the data partition. */
  dataDir: z.string().min(1).default('/var/lib/gatecast'),
  healthIntervalSec: z.number().int().min(5).max(3_600).default(60),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** Agent updates (OTA): pinned keys, where releases live, and the health gate a new release must pass. */
  updates: z
    .object({
      /** The release-signing public keys this screen trusts; none pinned, no update is accepted. */
      publicKeys: z.array(releasePublicKeySchema).max(8).default([]),
      /**
       * The install root: `releases/<version>/`, the `current` and `previous` links, `launcher.mjs`.
       * Default: found from the running release's own path; an agent run from elsewhere refuses updates.
       */
      installRoot: z.string().min(1).optional(),
      /** A new release must stay up, connected and showing content this long before it commits. */
      healthGateSec: z.number().int().min(1).max(3_600).default(300),
      /** A new release not healthy this long after its first start is rolled back. */
      healthTimeoutSec: z.number().int().min(5).max(86_400).default(900),
      /** Starts of a release still in its health gate that the launcher allows before it rolls back. */
      maxStarts: z.number().int().min(1).max(20).default(3),
    })
    .default({ publicKeys: [], healthGateSec: 300, healthTimeoutSec: 900, maxStarts: 3 }),
  /** The screen: a kiosk Chromium driven by the agent, or none (the agent only logs what it would show). */
  player: z
    .object({
      mode: z.enum(['chromium', 'none']).default('chromium'),
      /** Else `chromium` or `chromium-browser` on PATH. */
      chromiumPath: z.string().min(1).optional(),
      headless: z.boolean().default(false),
      /** Window size in pixels; for headless runs, where there is no screen to fill. */
      windowWidth: z.number().int().min(64).max(16_384).optional(),
      windowHeight: z.number().int().min(64).max(16_384).optional(),
      /** Port of the player page server on 127.0.0.1; 0 picks a free one. */
      pagePort: z.number().int().min(0).max(65_535).default(0),
      /** Origins (scheme://host[:port]) that web items may show; every other navigation is blocked. */
      webAllowList: z
        .array(z.url({ protocol: /^https?$/ }))
        .max(100)
        .default([]),
      cacheQuotaMb: z.number().int().min(16).max(1_048_576).default(4096),
      /** How often a low-resolution capture checks for a black or frozen picture. */
      displayCheckSec: z.number().int().min(5).max(3_600).default(30),
    })
    .default({
      mode: 'chromium',
      headless: false,
      pagePort: 0,
      webAllowList: [],
      cacheQuotaMb: 4096,
      displayCheckSec: 30,
    }),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
