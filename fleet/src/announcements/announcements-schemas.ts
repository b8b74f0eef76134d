import { isoTimeSchema, multilingualTextSchema, slugSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { APPROVAL_STATES } from '../approval/approval-workflow.js';
import { ANNOUNCEMENT_STATES, MAX_DURATION_SEC, targetsSchema } from './announcement-model.js';

/** The API's shapes for announcements, templates and receipts (OpenAPI comes from these). */

const titleSchema = z.record(z.string(), z.string());

export const announcementParamsSchema = z.object({ announcementId: z.string().regex(/^[a-f0-9]{12}$/) });
export const templateParamsSchema = z.object({ templateId: z.string().min(1).max(120) });

const timingFields = {
  startAt: isoTimeSchema.optional().describe('go live at this time; now when left out or past'),
  expiresAt: isoTimeSchema.optional().describe('taken off the screens at this time'),
  durationSec: z
    .number()
    .int()
    .min(60)
    .max(MAX_DURATION_SEC)
    .optional()
    .describe('instead of expiresAt: how long after the start; 1 h when neither is given'),
};

export const fireBodySchema = z.strictObject({
  template: z.string().min(1).max(120).describe('template id or name; it must be published'),
  targets: targetsSchema,
  ...timingFields,
});

export const sendBodySchema = z.strictObject({
  title: multilingualTextSchema.optional(),
  body: multilingualTextSchema,
  targets: targetsSchema,
  ...timingFields,
});

export const reviewBodySchema = z.strictObject({ comment: z.string().trim().min(1).max(2000) });

export const listQuerySchema = z.strictObject({
  state: z
    .string()
    .optional()
    .describe('comma-separated: awaiting-approval, rejected, scheduled, live, expired, cancelled')
    .transform((value, context) => {
      if (value === undefined) return undefined;
      const states = value.split(',').map((state) => state.trim());
      for (const state of states) {
        if (!(ANNOUNCEMENT_STATES as readonly string[]).includes(state)) {
          context.addIssue({ code: 'custom', message: `unknown state ${state}` });
        }
      }
      return states as Array<(typeof ANNOUNCEMENT_STATES)[number]>;
    }),
});

export const announcementViewSchema = z.object({
  id: z.string(),
  entryId: z.string(),
  state: z.enum(ANNOUNCEMENT_STATES),
  templateId: z.string().nullable(),
  title: titleSchema,
  body: titleSchema,
  targets: targetsSchema,
  createdBy: z.string(),
  createdByName: z.string(),
  createdAt: z.string(),
  approvedBy: z.string().nullable(),
  approvedByName: z.string().nullable(),
  reviewComment: z.string().nullable(),
  startsAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  requestedStartAt: z.string().nullable(),
  requestedExpiresAt: z.string().nullable(),
  durationSec: z.number().nullable(),
  firedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  capIdentifier: z.string().nullable(),
  capSender: z.string().nullable(),
  targeted: z.number().int(),
  shown: z.number().int(),
});

export const screenReceiptSchema = z.object({
  deviceId: z.string(),
  deviceName: z.string(),
  gateId: z.string(),
  zoneId: z.string(),
  shown: z.boolean(),
  shownAt: z.string().nullable(),
  screenshotSha256: z.string().nullable(),
  language: z.string().nullable(),
  receivedAt: z.string().nullable(),
  secondsFromFire: z.number().nullable(),
});

export const receiptsViewSchema = z.object({
  announcementId: z.string(),
  state: z.enum(ANNOUNCEMENT_STATES),
  firedAt: z.string().nullable(),
  startsAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  targeted: z.number().int(),
  shown: z.number().int(),
  screens: z.array(screenReceiptSchema),
});

export const templateBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  gateId: slugSchema.nullable().default(null).describe('null: a fleet-wide template'),
  title: multilingualTextSchema.optional(),
  body: multilingualTextSchema,
  autoFire: z.boolean().default(false).describe('a CAP alert naming this template fires it at once'),
});

export const templatePatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  gateId: slugSchema.nullable().optional(),
  title: multilingualTextSchema.optional(),
  body: multilingualTextSchema.optional(),
  autoFire: z.boolean().optional(),
});

export const templateStepParamsSchema = templateParamsSchema.extend({
  step: z.enum(['submit', 'approve', 'reject', 'publish', 'unpublish']),
});

export const templateStepBodySchema = z
  .strictObject({ comment: z.string().max(2000).optional() })
  .default({});

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  gateId: z.string().nullable(),
  title: titleSchema,
  body: titleSchema,
  autoFire: z.boolean(),
  state: z.enum(APPROVAL_STATES),
  revision: z.number().int(),
  authorId: z.string(),
  reviewerId: z.string().nullable(),
  reviewComment: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const capResultSchema = z.object({
  outcome: z.enum(['fired', 'awaiting-approval', 'cancelled', 'already-received']),
  announcements: z.array(announcementViewSchema),
});

/** The answers as the dashboard and the CLI read them: inferred here, so no client keeps a copy. */
export type AnnouncementView = z.infer<typeof announcementViewSchema>;
export type ScreenReceiptView = z.infer<typeof screenReceiptSchema>;
export type ReceiptsViewAnswer = z.infer<typeof receiptsViewSchema>;
export type TemplateView = z.infer<typeof templateSchema>;
