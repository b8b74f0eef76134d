import { z } from 'zod';
import {
  correlationIdSchema,
  isoTimeSchema,
  languageTagSchema,
  sha256Schema,
  tagSchema,
  timeZoneSchema,
} from './common.js';
import { contentItemSchema } from './content.js';
import { counterPageSchema, infoTreeRefSchema } from './info.js';
import { ZONES, layoutSchema, scheduleEntrySchema } from './schedule.js';
import { deviceIdSchema, slugSchema } from './device-id.js';
import { releaseVersionSchema, signedManifestSchema } from './release.js';
import { selfTestReportSchema } from './provisioning.js';
import { ERROR_CODE_NAMES } from './error-codes.js';

const versionStringSchema = z.string().min(1).max(64);

/**
 * The screen's self-update, a persisted state machine: download → verify → install (side by side)
 * → switch the `current` link → restart → health gate → committed, or rolled back.
 */
export const UPDATE_STATES = [
  'downloading',
  'verifying',
  'installing',
  'switching',
  'restarting',
  'health-check',
  'committed',
  'rolling-back',
  'rolled-back',
  'refused',
] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];
const errorCodeSchema = z.enum(ERROR_CODE_NAMES);

export const problemSchema = z.object({
  code: errorCodeSchema,
  message: z.string().max(500),
});

/** `status`: retained; the device's last will publishes `{"state":"offline"}`. */
export const statusSchema = z.object({
  state: z.enum(['online', 'offline']),
  at: isoTimeSchema.optional(),
  agentVersion: versionStringSchema.optional(),
});

/** What a screen is for (desired `device.profile`). */
export const DEVICE_PROFILES = ['signage', 'lookup', 'counter'] as const;
export type DeviceProfile = (typeof DEVICE_PROFILES)[number];

/** `desired`: retained; the whole target state of one screen, replaced as a unit. */
export const desiredSchema = z.object({
  version: z.number().int().positive(),
  deviceId: deviceIdSchema,
  issuedAt: isoTimeSchema,
  device: z.object({
    name: z.string().min(1).max(120),
    gateId: slugSchema,
    zoneId: slugSchema,
    tags: z.array(tagSchema).max(32).default([]),
    /**
     * What the screen is for: `signage` plays the schedule; `lookup` is a touch kiosk over the
     * gate's information tree (the schedule is its attract loop); `counter` shows what the
     * counter's staff push from their tablet, and the schedule otherwise.
     */
    profile: z.enum(DEVICE_PROFILES).default('signage'),
  }),
  display: z.object({
    timeZone: timeZoneSchema,
    locale: languageTagSchema,
    languages: z.array(languageTagSchema).min(1).max(16),
    /** Multilingual items cycle through `languages`, this long each. */
    languageRotationSec: z.number().int().min(2).max(600).default(8),
    /** The gate's traveller web page; screens show it as a QR code with the language shown (`?lang=`). */
    travellerUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** A counter screen shows this code so its staff can pair their tablet with it. */
    pairingCode: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  }),
  content: z.object({
    /** Shown when nothing is scheduled, and whenever the clock cannot be trusted: never a blank screen. */
    defaultItem: contentItemSchema,
    /** More items for that default loop, after defaultItem. */
    defaultLoop: z.array(contentItemSchema).max(200).default([]),
    layout: layoutSchema.default({ kind: 'full', orientation: 'landscape', transition: 'fade' }),
    schedule: z.array(scheduleEntrySchema).max(1000).default([]),
    /** The gate's published information tree (lookup and counter screens, QR pages). */
    infoTree: infoTreeRefSchema.optional(),
    /** On a counter screen: the page its staff pushed; shown over the schedule, under announcements. */
    counterPage: counterPageSchema.optional(),
  }),
  /**
   * The agent release this screen should run (a rollout sets it). Absent: keep what runs. The
   * screen verifies the signed manifest against its pinned keys before it downloads anything.
   */
  agent: z
    .object({
      release: signedManifestSchema,
      /** Where the artifact is served, with Range; the device's own credentials authenticate. */
      artifactUrl: z.url({ protocol: /^https?$/ }),
    })
    .optional(),
});

/** `reported`: retained; what the device has actually applied and is doing. */
export const reportedSchema = z.object({
  at: isoTimeSchema,
  agentVersion: versionStringSchema,
  appliedVersion: z.number().int().positive().nullable(),
  desiredSource: z.enum(['fleet', 'cache', 'none']),
  /** applied: state accepted and persisted; playing: the player confirmed the item on screen. */
  phase: z.enum(['starting', 'applying', 'applied', 'playing', 'degraded']),
  currentItemId: z.string().max(128).nullable(),
  /** What each zone shows now; absent for an agent without a player. */
  zones: z.partialRecord(z.enum(ZONES), z.object({ itemId: z.string().max(128) })).optional(),
  /** Whether every file the applied version needs (now and for the next 24 h) is in the media cache. */
  cache: z
    .object({
      version: z.number().int().positive().nullable(),
      ready: z.boolean(),
      missing: z.number().int().nonnegative(),
      bytes: z.number().nonnegative(),
    })
    .optional(),
  errors: z.array(problemSchema).max(20).default([]),
  /** The self-update in progress or last finished; absent before any update. */
  update: z
    .object({
      state: z.enum(UPDATE_STATES),
      targetVersion: releaseVersionSchema,
      /** The release to go back to if the new one fails its health gate. */
      previousVersion: z.string().max(64).nullable(),
      /** Bytes downloaded of the artifact, for progress. */
      downloadedBytes: z.number().int().nonnegative().optional(),
      problem: problemSchema.nullable().default(null),
      at: isoTimeSchema,
    })
    .optional(),
});

/** `telemetry`: not retained; one health sample. Unknown readings are null, never guessed. */
export const telemetrySchema = z.object({
  at: isoTimeSchema,
  uptimeSec: z.number().nonnegative(),
  cpu: z.object({
    loadPercent: z.number().min(0).max(100),
    temperatureC: z.number().min(-50).max(150).nullable(),
    /** The 1, 5 and 15 minute load averages. */
    loadAverage: z
      .tuple([z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative()])
      .optional(),
  }),
  memory: z.object({ totalBytes: z.number().nonnegative(), usedBytes: z.number().nonnegative() }),
  disk: z.object({ totalBytes: z.number().nonnegative(), usedBytes: z.number().nonnegative() }).nullable(),
  agent: z.object({
    version: versionStringSchema,
    rssBytes: z.number().nonnegative(),
    uptimeSec: z.number().nonnegative(),
  }),
  /**
   * The Raspberry Pi firmware's throttling flags (`get_throttled`); null on hardware without them.
   * `now` flags hold at the moment of the sample, `sinceBoot` ones happened at least once since boot.
   */
  power: z
    .object({
      raw: z.number().int().nonnegative(),
      underVoltageNow: z.boolean(),
      throttledNow: z.boolean(),
      frequencyCappedNow: z.boolean(),
      softTemperatureLimitNow: z.boolean(),
      underVoltageSinceBoot: z.boolean(),
      throttledSinceBoot: z.boolean(),
    })
    .nullable()
    .optional(),
  /** The data partition's health: filesystem errors recorded by the kernel, and whether it went read-only. */
  storage: z
    .object({
      errorCount: z.number().int().nonnegative().nullable(),
      readOnly: z.boolean().nullable(),
    })
    .optional(),
  /** The interface carrying the default route. */
  network: z
    .object({
      interface: z.string().max(32).nullable(),
      kind: z.enum(['ethernet', 'wifi', 'other']).nullable(),
      address: z.string().max(64).nullable(),
      wifiSignalDbm: z.number().min(-120).max(0).nullable(),
      wifiSsid: z.string().max(64).nullable(),
    })
    .optional(),
  /** NTP state, and the clock's offset from the fleet's when the agent knows it (negative: behind). */
  clock: z
    .object({
      synced: z.boolean().nullable(),
      offsetMs: z.number().nullable(),
    })
    .optional(),
  /** The OS release (os-release) and its pending security updates as apt counts them; null when unknown. */
  os: z
    .object({
      prettyName: z.string().max(120).nullable(),
      versionId: z.string().max(40).nullable(),
      securityUpdates: z.number().int().nonnegative().nullable(),
      checkedAt: isoTimeSchema.nullable(),
    })
    .optional(),
  /** What the screen shows, from periodic low-resolution captures, and the TV's power as HDMI-CEC reports it. */
  display: z
    .object({
      black: z.boolean().nullable(),
      frozen: z.boolean().nullable(),
      checkedAt: isoTimeSchema.nullable(),
      cecPower: z.enum(['on', 'standby', 'unknown']),
      /** Whether a display is plugged into the HDMI port (DRM connector status). */
      hdmi: z.enum(['connected', 'disconnected', 'unknown']).optional(),
      /** The mode the output runs at; null when unknown. */
      resolution: z
        .object({ width: z.number().int().positive(), height: z.number().int().positive() })
        .nullable()
        .optional(),
    })
    .optional(),
  /** The kiosk browser; absent for an agent without a player. */
  player: z
    .object({
      up: z.boolean(),
      restarts: z.number().int().nonnegative(),
      lastCause: z.string().max(200).nullable(),
      jsHeapBytes: z.number().nonnegative().nullable(),
      /** Resident memory of the whole browser: every Chromium process together. */
      memoryBytes: z.number().nonnegative().nullable().optional(),
    })
    .optional(),
});

const eventBase = { id: z.string().min(8).max(64), at: isoTimeSchema };

/** `events`: not retained; things that happened, for audit and proof of play. */
export const eventSchema = z.discriminatedUnion('kind', [
  z.object({ ...eventBase, kind: z.literal('agent-started'), agentVersion: versionStringSchema }),
  z.object({ ...eventBase, kind: z.literal('desired-applied'), version: z.number().int().positive() }),
  z.object({
    ...eventBase,
    kind: z.literal('desired-rejected'),
    version: z.number().int().positive().nullable(),
    problem: problemSchema,
  }),
  z.object({ ...eventBase, kind: z.literal('error'), problem: problemSchema }),
  z.object({
    ...eventBase,
    kind: z.literal('proof-of-play'),
    itemId: z.string().min(1).max(128),
    zone: z.enum(ZONES).default('main'),
    /** The language the item showed in, for multilingual items; null for media without text. */
    language: languageTagSchema.nullable().default(null),
    startedAt: isoTimeSchema,
    durationMs: z.number().int().nonnegative(),
  }),
  /**
   * Anonymous use of a lookup kiosk over a period, counted on the screen: pages opened per
   * language, and search terms that found nothing. No sessions, no personal data.
   */
  z.object({
    ...eventBase,
    kind: z.literal('kiosk-usage'),
    periodStart: isoTimeSchema,
    periodEnd: isoTimeSchema,
    views: z
      .array(
        z.object({
          nodeId: z.string().min(1).max(128),
          language: languageTagSchema,
          count: z.number().int().positive(),
        }),
      )
      .max(2000),
    failedSearches: z
      .array(
        z.object({
          term: z.string().min(1).max(80),
          language: languageTagSchema,
          count: z.number().int().positive(),
        }),
      )
      .max(500),
  }),
  /**
   * A self-update that did not commit: the device stays on (or went back to) `runningVersion`.
   * `stage` names the step that failed.
   */
  z.object({
    ...eventBase,
    kind: z.literal('update-failed'),
    targetVersion: versionStringSchema,
    runningVersion: versionStringSchema,
    stage: z.enum(['download', 'verify', 'install', 'restart', 'health-check']),
    problem: problemSchema,
  }),
  /** A commissioning self-test report (first boot, on demand, or a technician's `--self-test`). */
  z.object({ ...eventBase, kind: z.literal('self-test'), report: selfTestReportSchema }),
  /**
   * The render receipt of an announcement: sent once per announcement entry and screen when it
   * first becomes visible, with the sha256 of a screenshot taken then (null if the capture failed).
   */
  z.object({
    ...eventBase,
    kind: z.literal('announcement-shown'),
    /** The schedule entry id of the announcement (layer `announcement`). */
    entryId: z.string().min(1).max(128),
    itemId: z.string().min(1).max(128),
    language: languageTagSchema.nullable().default(null),
    shownAt: isoTimeSchema,
    screenshotSha256: sha256Schema.nullable(),
  }),
]);

const commandBase = {
  id: correlationIdSchema,
  issuedAt: isoTimeSchema,
  /** A command that arrives after this is answered COMMAND_EXPIRED and not run. */
  expiresAt: isoTimeSchema.optional(),
};

/** `cmd/req`: not retained; one-off actions. Targets change through `desired`, never here. */
export const commandRequestSchema = z.discriminatedUnion('name', [
  z.object({ ...commandBase, name: z.literal('ping'), args: z.object({}).default({}) }),
  z.object({
    ...commandBase,
    name: z.literal('identify'),
    args: z
      .object({ durationSec: z.number().int().min(1).max(600).default(30) })
      .default({ durationSec: 30 }),
  }),
  /** A PNG of what the screen shows, uploaded to the fleet over HTTP; the result names the upload. */
  z.object({ ...commandBase, name: z.literal('screenshot'), args: z.object({}).default({}) }),
  z.object({ ...commandBase, name: z.literal('reload'), args: z.object({}).default({}) }),
  z.object({ ...commandBase, name: z.literal('restart-browser'), args: z.object({}).default({}) }),
  z.object({
    ...commandBase,
    name: z.literal('reboot'),
    args: z.object({ delaySec: z.number().int().min(0).max(600).default(5) }).default({ delaySec: 5 }),
  }),
  /** HDMI-CEC: switch the TV on or to standby, or read its power status (on, standby or unknown). */
  z.object({
    ...commandBase,
    name: z.literal('display'),
    args: z.object({ action: z.enum(['on', 'standby', 'status']) }),
  }),
  /** The commissioning self-test; the result is `{ report }` (selfTestReportSchema), also sent as an event. */
  z.object({ ...commandBase, name: z.literal('self-test'), args: z.object({}).default({}) }),
]);

export const COMMAND_NAMES = [
  'ping',
  'identify',
  'screenshot',
  'reload',
  'restart-browser',
  'reboot',
  'display',
  'self-test',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** `cmd/res`: not retained; the answer, with the request's correlation id. */
export const commandResultSchema = z.discriminatedUnion('ok', [
  z.object({
    id: correlationIdSchema,
    name: z.string().min(1).max(64),
    at: isoTimeSchema,
    ok: z.literal(true),
    result: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({
    id: correlationIdSchema,
    name: z.string().min(1).max(64),
    at: isoTimeSchema,
    ok: z.literal(false),
    problem: problemSchema,
  }),
]);

export type Problem = z.infer<typeof problemSchema>;
export type StatusMessage = z.infer<typeof statusSchema>;
export type DesiredDocument = z.infer<typeof desiredSchema>;
export type DesiredDocumentInput = z.input<typeof desiredSchema>;
export type ReportedState = z.infer<typeof reportedSchema>;
export type TelemetrySample = z.infer<typeof telemetrySchema>;
export type DeviceEvent = z.infer<typeof eventSchema>;
export type CommandRequest = z.infer<typeof commandRequestSchema>;
export type CommandResult = z.infer<typeof commandResultSchema>;
