import {
  LAYERS,
  ZONES,
  deviceIdSchema,
  layoutSchema,
  multilingualTextSchema,
  sha256Schema,
  slugSchema,
  tagSchema,
} from '@gatecast/protocol';
import { z } from 'zod';
import type { ApprovalRecord } from '../approval/approval-workflow.js';

/** Within the protocol's bounds (content.ts): one second to one day. */
const durationSecSchema = z.number().int().min(1).max(86_400);

/** What an operator writes for each kind of item; media is named by its library sha256. */
export const itemSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('text'),
    title: multilingualTextSchema.optional(),
    body: multilingualTextSchema,
    durationSec: durationSecSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('image'),
    sha256: sha256Schema,
    durationSec: durationSecSchema.optional(),
  }),
  // A video plays to its end: the protocol has no duration for it.
  z.strictObject({ kind: z.literal('video'), sha256: sha256Schema }),
  z.strictObject({
    kind: z.literal('html-package'),
    sha256: sha256Schema,
    entry: z.string().min(1).max(256).optional(),
    durationSec: durationSecSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('web'),
    url: z.url({ protocol: /^https?$/ }),
    durationSec: durationSecSchema.optional(),
  }),
]);
export type ItemSpec = z.infer<typeof itemSpecSchema>;
export type ItemKind = ItemSpec['kind'];

const workIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and "-"');

export const playlistSpecSchema = z.strictObject({
  entries: z
    .array(z.strictObject({ itemId: workIdSchema, durationSec: durationSecSchema.optional() }))
    .min(1, 'a playlist needs at least one item')
    .max(500),
});
export type PlaylistSpec = z.infer<typeof playlistSpecSchema>;

const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 00:00-23:59');
const localDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

/** Who sees a schedule. Empty everywhere: every screen of its owner gate (or of the fleet). */
export const targetsSchema = z.strictObject({
  gates: z.array(slugSchema).max(100).default([]),
  zones: z
    .array(z.strictObject({ gateId: slugSchema, zoneId: slugSchema }))
    .max(500)
    .default([]),
  tags: z.array(tagSchema).max(50).default([]),
  devices: z.array(deviceIdSchema).max(1000).default([]),
});
export type Targets = z.infer<typeof targetsSchema>;

/**
 * A playlist in a zone on a layer. Dates, weekdays and windows are the gate's local time; a
 * window whose end is not after its start runs overnight; several windows are dayparting.
 */
export const scheduleSpecSchema = z
  .strictObject({
    playlistId: workIdSchema,
    zone: z.enum(ZONES).default('main'),
    // Announcements are fired, not scheduled (announcements/).
    layer: z.enum(LAYERS).exclude(['announcement']).default('operational'),
    dateFrom: localDateSchema.optional(),
    dateTo: localDateSchema.optional(),
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    windows: z
      .array(z.strictObject({ from: localTimeSchema, to: localTimeSchema }))
      .max(24)
      .default([]),
    targets: targetsSchema.default({ gates: [], zones: [], tags: [], devices: [] }),
  })
  .refine((spec) => !spec.dateFrom || !spec.dateTo || spec.dateFrom <= spec.dateTo, {
    message: 'dateFrom must not be after dateTo',
    path: ['dateTo'],
  });
export type ScheduleSpec = z.infer<typeof scheduleSpecSchema>;

export type WorkType = 'item' | 'playlist' | 'schedule';

export interface SpecOf {
  item: ItemSpec;
  playlist: PlaylistSpec;
  schedule: ScheduleSpec;
}

/** One item, playlist or schedule with where it stands in the approval workflow. */
export interface WorkOf<T extends WorkType> extends ApprovalRecord {
  id: string;
  type: T;
  /** Owner scope: the gate, or null for fleet-wide work. */
  gateId: string | null;
  name: string;
  spec: SpecOf[T];
  createdAt: string;
  updatedAt: string;
}

export type ContentItemWork = WorkOf<'item'>;
export type PlaylistWork = WorkOf<'playlist'>;
export type ScheduleWork = WorkOf<'schedule'>;
/** Any work; `type` tells which spec it carries. */
export type Work = ContentItemWork | PlaylistWork | ScheduleWork;

/** A layout set for a gate, a zone of it, or one device (device over zone over gate). */
export interface LayoutSetting {
  gateId: string;
  zoneId: string | null;
  deviceId: string | null;
  layout: z.infer<typeof layoutSchema>;
  updatedBy: string;
  updatedAt: string;
}

export const SPEC_SCHEMAS = {
  item: itemSpecSchema,
  playlist: playlistSpecSchema,
  schedule: scheduleSpecSchema,
} as const;

export { workIdSchema };
