import { isoTimeSchema, slugSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { AUDIT_OUTCOMES, MAX_AUDIT_LIMIT } from './audit-log.js';

const term = z.string().min(1).max(200);

export const auditQuerySchema = z.strictObject({
  user: term.optional(),
  gate: slugSchema.optional(),
  objectType: term.optional(),
  objectId: term.optional(),
  action: term.optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  since: isoTimeSchema.optional(),
  until: isoTimeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_LIMIT).optional(),
  before: z.coerce.number().int().positive().optional(),
});

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  gateId: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  status: z.number().int(),
  before: z.unknown(),
  after: z.unknown(),
});

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  nextBefore: z.number().int().nullable(),
});
