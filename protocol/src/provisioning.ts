import { z } from 'zod';
import { isoTimeSchema } from './common.js';
import { deviceIdSchema, slugSchema } from './device-id.js';
import { releasePublicKeySchema } from './release.js';

/**
 * Provisioning and first boot. A technician writes one file onto the SD card's boot partition
 * (FAT, readable on any laptop); at first boot the agent validates it, moves what it needs into its
 * data partition and deletes the secret from the boot partition.
 */

/** On the boot partition (mounted at /boot/firmware on the Pi). */
export const BOOT_PROVISION_DIR = 'gatecast';
export const BOOT_PROVISION_FILE = `${BOOT_PROVISION_DIR}/provision.json`;

const mqttUrlSchema = z
  .string()
  .regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'must look like mqtt://host:1883 or mqtts://host:8883');

export const wifiSchema = z.object({
  ssid: z.string().min(1).max(32),
  /** WPA2/WPA3 passphrase; absent for an open network. */
  psk: z.string().min(8).max(63).optional(),
  hidden: z.boolean().default(false),
  /** ISO 3166 country code, which sets the radio's allowed channels. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as VN')
    .default('VN'),
});

/** A gate-scoped enrolment token as the fleet issues it (`gce_` + random). */
export const enrolmentTokenSchema = z
  .string()
  .regex(/^gce_[A-Za-z0-9_-]{20,100}$/, 'must be an enrolment token (gce_…)');

export const sshPublicKeySchema = z
  .string()
  .max(4096)
  .regex(
    /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/=]+( .*)?$/,
    'must be an SSH public key',
  );

/**
 * `gatecast/provision.json` on the boot partition. Either the device's own credentials (`device`)
 * or an enrolment token (zero-touch: the screen asks to be approved and then receives its secret).
 */
export const provisionFileSchema = z
  .object({
    format: z.literal(1),
    fleetUrl: z.url({ protocol: /^https?$/ }),
    /** Needed with `device`; with a token the fleet sends it with the approval. */
    mqttUrl: mqttUrlSchema.optional(),
    device: z.object({ id: deviceIdSchema, secret: z.string().min(24).max(256) }).optional(),
    enrolmentToken: enrolmentTokenSchema.optional(),
    /** PEM of the CA that signed the fleet's certificate (a private CA); written to the data partition. */
    caCertificatePem: z
      .string()
      .max(20_000)
      .regex(/-----BEGIN CERTIFICATE-----/, 'must be a PEM certificate')
      .optional(),
    wifi: wifiSchema.optional(),
    /** Where the screen goes; shown on the commissioning screen, and checked against the token's gate. */
    gateId: slugSchema.optional(),
    zoneId: slugSchema.optional(),
    /** SSH stays off unless at least one key is given here. */
    sshAuthorizedKeys: z.array(sshPublicKeySchema).max(10).default([]),
    /** The release-signing keys the screen pins (agent config `updates.publicKeys`). */
    releasePublicKeys: z.array(releasePublicKeySchema).max(8).default([]),
  })
  .refine((file) => (file.device === undefined) !== (file.enrolmentToken === undefined), {
    message: 'give either device (id and secret) or enrolmentToken, not both',
  })
  .refine((file) => file.device === undefined || file.mqttUrl !== undefined, {
    message: 'mqttUrl is needed with device credentials',
    path: ['mqttUrl'],
  });
export type ProvisionFile = z.infer<typeof provisionFileSchema>;
export type ProvisionFileInput = z.input<typeof provisionFileSchema>;

/**
 * Zero-touch enrolment over HTTP (the screen has no MQTT credentials yet):
 *   POST /api/v1/enrolment/requests   Authorization: Bearer <enrolment token>
 *        body enrolmentRequestBodySchema → 201 enrolmentRequestCreatedSchema
 *        (401 UNAUTHORIZED / 403 ENROLMENT_REFUSED for an unknown, expired or revoked token)
 *   GET  /api/v1/enrolment/requests/:requestId   Authorization: Bearer <pollToken>
 *        → enrolmentRequestStatusSchema; the secret is in it once, on the first read after approval.
 */
export const enrolmentRequestBodySchema = z.object({
  /** The board's serial number (the Pi's /proc/device-tree/serial-number). */
  serial: z.string().min(1).max(64),
  model: z.string().max(120).default(''),
  agentVersion: z.string().min(1).max(64),
  /** What the technician wrote in provision.json, to be confirmed at approval. */
  gateId: slugSchema.optional(),
  zoneId: slugSchema.optional(),
  network: z
    .object({
      interface: z.string().max(32).nullable(),
      address: z.string().max(64).nullable(),
      kind: z.string().max(16).nullable(),
    })
    .nullable()
    .default(null),
});

/** Eight characters without look-alikes (no 0/O, 1/I/L), shown as XXXX-XXXX. */
export const pairingCodeSchema = z
  .string()
  .regex(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/, 'must be a pairing code such as K7MQ-42XV');

export const enrolmentRequestCreatedSchema = z.object({
  requestId: z.string().min(8).max(64),
  pairingCode: pairingCodeSchema,
  /** The request's own bearer for polling; worthless for anything else. */
  pollToken: z.string().min(20).max(200),
  pollAfterSec: z.number().int().min(1).max(600),
  expiresAt: isoTimeSchema,
});

export const ENROLMENT_STATES = ['pending', 'approved', 'refused', 'expired'] as const;

export const enrolmentRequestStatusSchema = z.object({
  state: z.enum(ENROLMENT_STATES),
  /** After approval, once: the screen's identity and credentials. */
  device: z
    .object({
      id: deviceIdSchema,
      secret: z.string().min(24).max(256),
      mqttUrl: mqttUrlSchema,
      name: z.string().min(1).max(120),
      gateId: slugSchema,
      zoneId: slugSchema.nullable(),
      /** The release-signing keys the fleet trusts, for the screen to pin. */
      releasePublicKeys: z.array(releasePublicKeySchema).max(8).default([]),
    })
    .optional(),
});
export type EnrolmentRequestBody = z.infer<typeof enrolmentRequestBodySchema>;
export type EnrolmentRequestCreated = z.infer<typeof enrolmentRequestCreatedSchema>;
export type EnrolmentRequestStatus = z.infer<typeof enrolmentRequestStatusSchema>;

/** Commissioning self-test: on first boot, on demand (command `self-test`), and `agent --self-test`. */
export const SELF_TEST_CHECKS = [
  'display',
  'hdmi-cec',
  'network',
  'fleet',
  'storage',
  'fonts',
  'clock',
] as const;
export type SelfTestCheckName = (typeof SELF_TEST_CHECKS)[number];

export const selfTestCheckSchema = z.object({
  check: z.enum(SELF_TEST_CHECKS),
  status: z.enum(['pass', 'warn', 'fail', 'skipped']),
  /** One line a technician understands, e.g. "1920×1080 at 60 Hz on HDMI-A-1". */
  summary: z.string().max(300),
  details: z
    .record(z.string(), z.union([z.string().max(300), z.number(), z.boolean(), z.null()]))
    .default({}),
});

export const selfTestReportSchema = z.object({
  at: isoTimeSchema,
  agentVersion: z.string().min(1).max(64),
  serial: z.string().max(64).nullable(),
  trigger: z.enum(['first-boot', 'on-demand', 'cli']),
  checks: z.array(selfTestCheckSchema).max(20),
  /** No check failed (warnings pass). */
  passed: z.boolean(),
});
export type SelfTestCheck = z.infer<typeof selfTestCheckSchema>;
export type SelfTestReport = z.infer<typeof selfTestReportSchema>;
