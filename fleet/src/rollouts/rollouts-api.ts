import { deviceIdSchema, releaseVersionSchema, slugSchema, tagSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { dailyWindowSchema } from '../alerts/daily-window.js';

/**
 * The rollouts API contract, shared by the routes, the CLI and the dashboard.
 *
 * A rollout takes a set of screens (gates, zones, tags or named screens, fixed when it is created)
 * to one published release, wave by wave. A wave starts only when every screen of the previous
 * wave committed (or failed within the threshold). A screen is handed its release (its desired
 * document gains `agent`) only inside its gate's maintenance window and while no announcement is
 * active on it.
 */

/** `canary`: one screen per gate. A number: that percentage of all the rollout's screens, cumulative. */
export const waveSpecSchema = z.union([z.literal('canary'), z.number().int().min(1).max(100)]);
export type WaveSpec = z.infer<typeof waveSpecSchema>;

export const DEFAULT_WAVES: readonly WaveSpec[] = ['canary', 10, 50, 100];

export const rolloutTargetSchema = z
  .strictObject({
    gates: z.array(slugSchema).max(500).default([]),
    /** `gate/zone` pairs, e.g. `cat-bi-intl/arrivals`. */
    zones: z
      .array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must be gate/zone'))
      .max(500)
      .default([]),
    tags: z.array(tagSchema).max(100).default([]),
    devices: z.array(deviceIdSchema).max(10_000).default([]),
  })
  .refine(
    (target) => target.gates.length + target.zones.length + target.tags.length + target.devices.length > 0,
    'name at least one gate, zone, tag or screen',
  );
export type RolloutTarget = z.infer<typeof rolloutTargetSchema>;

export const createRolloutBodySchema = z.strictObject({
  version: releaseVersionSchema,
  target: rolloutTargetSchema,
  /** Strictly increasing percentages ending at 100; `canary` may only come first. */
  waves: z
    .array(waveSpecSchema)
    .min(1)
    .max(10)
    .default([...DEFAULT_WAVES]),
  /** The rollout pauses by itself once more screens than this failed (0: at the first failure). */
  maxFailures: z.number().int().min(0).max(10_000).default(0),
  /** Hand releases out at any time of day, not only in each gate's maintenance window. */
  ignoreMaintenanceWindows: z.boolean().default(false),
});
export type CreateRolloutBody = z.infer<typeof createRolloutBodySchema>;

export const rollbackRolloutBodySchema = z.strictObject({
  /**
   * The release to take the rollout's screens to. Screens refuse anything older than what they
   * run, so it must be newer than the rollout's version or a signed rollback release.
   */
  to: releaseVersionSchema,
});

export const ROLLOUT_STATES = ['running', 'paused', 'completed', 'aborted'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/**
 * One screen in a rollout:
 * - pending: in a later wave;
 * - waiting: in the current wave, not handed its release yet (see `waitingFor`);
 * - updating: handed its release (its desired document names it), not committed yet;
 * - committed: runs the version and committed it (or ran it already: `skipped`);
 * - failed: refused it or rolled back (see `problem`);
 * - cancelled: the rollout was aborted before this screen committed.
 */
export const ROLLOUT_SCREEN_STATES = [
  'pending',
  'waiting',
  'updating',
  'committed',
  'skipped',
  'failed',
  'cancelled',
] as const;
export type RolloutScreenState = (typeof ROLLOUT_SCREEN_STATES)[number];

export const WAITING_REASONS = ['maintenance-window', 'announcement'] as const;

const problemView = z.object({ code: z.string(), message: z.string() });

export const rolloutScreenViewSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  gateId: z.string(),
  zoneId: z.string().nullable(),
  /** Index into `waves`. */
  wave: z.number().int().nonnegative(),
  state: z.enum(ROLLOUT_SCREEN_STATES),
  waitingFor: z.enum(WAITING_REASONS).nullable(),
  /** What the screen ran when the rollout took it. */
  fromVersion: z.string().nullable(),
  /** What it reports now. */
  agentVersion: z.string().nullable(),
  /** Its reported update state (downloading, health-check, …), when it has one for this version. */
  updateState: z.string().nullable(),
  downloadedBytes: z.number().nullable(),
  problem: problemView.nullable(),
  online: z.boolean(),
  updatedAt: z.string(),
});
export type RolloutScreenView = z.infer<typeof rolloutScreenViewSchema>;

const countsSchema = z.object({
  screens: z.number().int(),
  pending: z.number().int(),
  waiting: z.number().int(),
  updating: z.number().int(),
  committed: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type RolloutCounts = z.infer<typeof countsSchema>;

export const rolloutWaveViewSchema = countsSchema.extend({
  index: z.number().int().nonnegative(),
  /** `canary`, `10 %`, … */
  label: z.string(),
  state: z.enum(['pending', 'active', 'done']),
});

export const rolloutSummarySchema = z.object({
  id: z.string(),
  version: z.string(),
  state: z.enum(ROLLOUT_STATES),
  /** Why it is paused: `by <user>`, or the failure threshold that paused it. */
  pauseReason: z.string().nullable(),
  target: z.object({
    gates: z.array(z.string()),
    zones: z.array(z.string()),
    tags: z.array(z.string()),
    devices: z.array(z.string()),
  }),
  waves: z.array(waveSpecSchema),
  currentWave: z.number().int().nonnegative(),
  maxFailures: z.number().int(),
  ignoreMaintenanceWindows: z.boolean(),
  /** The rollout this one takes back (created by `rollback`). */
  rollbackOf: z.string().nullable(),
  totals: countsSchema,
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RolloutSummary = z.infer<typeof rolloutSummarySchema>;

export const rolloutViewSchema = rolloutSummarySchema.extend({
  waveProgress: z.array(rolloutWaveViewSchema),
  screens: z.array(rolloutScreenViewSchema),
});
export type RolloutView = z.infer<typeof rolloutViewSchema>;

export const rolloutListSchema = z.object({ rollouts: z.array(rolloutSummarySchema) });

/** `PUT /api/v1/gates/:id/maintenance-window`: null lets releases out at any time. */
export const maintenanceWindowBodySchema = z.strictObject({ window: dailyWindowSchema.nullable() });

/**
 * Routes (all under /api/v1, JSON, errors as everywhere else):
 *   GET    /rollouts                    rollouts.read   → rolloutListSchema (scoped: rollouts touching a readable gate)
 *   POST   /rollouts                    rollouts.manage → 201 rolloutViewSchema (every targeted gate in scope)
 *   GET    /rollouts/:id                rollouts.read   → rolloutViewSchema
 *   POST   /rollouts/:id/pause          rollouts.manage → rolloutViewSchema
 *   POST   /rollouts/:id/resume         rollouts.manage → rolloutViewSchema
 *   POST   /rollouts/:id/abort          rollouts.manage → rolloutViewSchema
 *   POST   /rollouts/:id/rollback       rollouts.manage → 201 rolloutViewSchema (the new rollout)
 *   PUT    /gates/:id/maintenance-window rollouts.manage on that gate → { gateId, window }
 * Gate views (GET /gates, /gates/:id) gain `maintenanceWindow: {from,to} | null`.
 */
