import {
  counterPageSchema,
  deviceIdSchema,
  languageTagSchema,
  multilingualTextSchema,
  slugSchema,
} from '@gatecast/protocol';
import { z } from 'zod';

/** The API's shapes for counters: the tablet's calls and the operators' (OpenAPI comes from these). */

/** Tablets send their pairing token in the body: no cookie, so no cross-site request can use it. */
const tokenSchema = z.string().min(20).max(100).describe('the token the pairing returned');

export const pairBodySchema = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'the pairing code is the 6 digits the counter screen shows'),
});
export const tokenBodySchema = z.strictObject({ token: tokenSchema });
export const pushBodySchema = z.strictObject({
  token: tokenSchema,
  nodeId: z.string().min(1).max(128),
  language: languageTagSchema,
  minutes: z
    .union([z.literal(5), z.literal(15), z.literal(30), z.literal(60)])
    .nullable()
    .describe('5, 15, 30 or 60 minutes, or null for until cleared'),
});

const screenSchema = z.object({ deviceId: z.string(), name: z.string(), gateId: z.string() });

export const pairAnswerSchema = z.object({ token: z.string(), pairingId: z.string(), screen: screenSchema });

/** A node of the published tree as the tablet lists it: no blocks, the screen renders those. */
const treeNodeSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: z.enum(['category', 'page']),
  title: multilingualTextSchema,
  summary: multilingualTextSchema.optional(),
  missing: z.array(z.string()),
  sample: z.boolean(),
});

export const sessionAnswerSchema = z.object({
  pairingId: z.string(),
  screen: screenSchema,
  languages: z.array(z.object({ tag: z.string(), name: z.string() })),
  minutes: z.array(z.number()),
  shown: counterPageSchema.nullable(),
  /** null: the gate has published no information yet. */
  tree: z.object({ version: z.number(), nodes: z.array(treeNodeSchema) }).nullable(),
});

export const shownAnswerSchema = z.object({ shown: counterPageSchema.nullable() });

const pairingSchema = z.object({
  id: z.string(),
  deviceId: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});

export const counterViewSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  gateId: z.string(),
  /** Left out for callers without devices.command at the gate. */
  code: z.object({ code: z.string(), expiresAt: z.string() }).nullable().optional(),
  page: counterPageSchema.nullable(),
  pairings: z.array(pairingSchema),
});

export const countersAnswerSchema = z.object({ counters: z.array(counterViewSchema) });
export const listCountersQuerySchema = z.strictObject({ gate: slugSchema.optional() });
export const counterParamsSchema = z.object({ deviceId: deviceIdSchema });
export const pairingParamsSchema = z.object({ pairingId: z.string().regex(/^[a-f0-9]{12}$/) });
export const pairingAnswerSchema = z.object({ pairing: pairingSchema, revoked: z.boolean() });
export const codeAnswerSchema = z.object({ deviceId: z.string(), code: z.string(), expiresAt: z.string() });
