import { ENROLMENT_STATES, deviceIdSchema, pairingCodeSchema, slugSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { deviceViewSchema } from '../http/api-schemas.js';

/**
 * The enrolment API for people, shared by the routes, the CLI and the dashboard. The screens' side
 * (asking and polling) is in protocol/src/provisioning.ts.
 */

export const DEFAULT_TOKEN_HOURS = 72;

export const createEnrolmentTokenBodySchema = z.strictObject({
  gateId: slugSchema,
  /** Screens approved with this token go to this zone unless the approver names another. */
  zoneId: slugSchema.optional(),
  expiresInHours: z.number().int().min(1).max(720).default(DEFAULT_TOKEN_HOURS),
  note: z.string().trim().max(200).optional(),
});
export type CreateEnrolmentTokenBody = z.infer<typeof createEnrolmentTokenBodySchema>;

export const TOKEN_STATES = ['active', 'expired', 'revoked'] as const;

export const enrolmentTokenViewSchema = z.object({
  id: z.string(),
  gateId: z.string(),
  zoneId: z.string().nullable(),
  note: z.string(),
  state: z.enum(TOKEN_STATES),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type EnrolmentTokenView = z.infer<typeof enrolmentTokenViewSchema>;

/** The token itself is in this answer only. */
export const createdEnrolmentTokenSchema = enrolmentTokenViewSchema.extend({ token: z.string() });
export type CreatedEnrolmentToken = z.infer<typeof createdEnrolmentTokenSchema>;

export const enrolmentRequestViewSchema = z.object({
  id: z.string(),
  state: z.enum(ENROLMENT_STATES),
  serial: z.string(),
  model: z.string(),
  agentVersion: z.string(),
  network: z
    .object({ interface: z.string().nullable(), address: z.string().nullable(), kind: z.string().nullable() })
    .nullable(),
  pairingCode: z.string(),
  /** The token's gate and zone: where the screen may go. */
  gateId: z.string(),
  zoneId: z.string().nullable(),
  /** What the technician wrote in provision.json. */
  requestedGateId: z.string().nullable(),
  requestedZoneId: z.string().nullable(),
  tokenId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  deviceId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export type EnrolmentRequestView = z.infer<typeof enrolmentRequestViewSchema>;

export const listEnrolmentRequestsQuerySchema = z.object({
  state: z.enum(ENROLMENT_STATES).optional(),
  gate: slugSchema.optional(),
});

export const approveEnrolmentBodySchema = z.strictObject({
  /** Accepted in any case, with or without the dash. */
  pairingCode: z.preprocess(normalisePairingCode, pairingCodeSchema),
  gateId: slugSchema,
  zoneId: slugSchema.optional(),
  name: z.string().trim().min(1).max(120),
  deviceId: deviceIdSchema.optional(),
});
export type ApproveEnrolmentBody = z.infer<typeof approveEnrolmentBodySchema>;

export const approvedEnrolmentSchema = z.object({
  device: deviceViewSchema,
  request: enrolmentRequestViewSchema,
});
export type ApprovedEnrolment = z.infer<typeof approvedEnrolmentSchema>;

/** `k7mq42xv` or `K7MQ 42XV` as typed by a person → `K7MQ-42XV`; anything else is left to fail. */
export function normalisePairingCode(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const compact = value.toUpperCase().replace(/[\s-]/g, '');
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : value;
}
