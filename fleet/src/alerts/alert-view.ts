import { z } from 'zod';
import { ALERT_RULES, ALERT_SEVERITIES, TRANSITION_KINDS } from './alert-types.js';
import type { AlertRecord, TransitionRecord } from './alerts-repo.js';
import { policyOverrideSchema } from './alert-policy.js';
import { dailyWindowSchema } from './daily-window.js';

const factsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const alertViewSchema = z.object({
  id: z.string(),
  rule: z.enum(ALERT_RULES),
  severity: z.enum(ALERT_SEVERITIES),
  state: z.enum(['open', 'resolved']),
  flapping: z.boolean(),
  deviceId: z.string(),
  deviceName: z.string(),
  gateId: z.string(),
  gateName: z.string(),
  zoneId: z.string(),
  zoneName: z.string(),
  since: z.string(),
  firedAt: z.string(),
  escalatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  acknowledged: z.object({ by: z.string(), at: z.string(), note: z.string().nullable() }).nullable(),
  facts: factsSchema,
});
export type AlertView = z.infer<typeof alertViewSchema>;

export const transitionViewSchema = z.object({
  id: z.string(),
  kind: z.enum(TRANSITION_KINDS),
  at: z.string(),
  facts: factsSchema,
  notified: z.enum(['sent', 'held', 'suppressed']),
});

export const alertDetailSchema = alertViewSchema.extend({ transitions: z.array(transitionViewSchema) });

const ruleSettingsViewSchema = z.object({
  enabled: z.boolean(),
  severity: z.enum(ALERT_SEVERITIES),
  threshold: z.number().nullable(),
  delaySec: z.number(),
  clearSec: z.number(),
  flapChanges: z.number(),
  flapWindowSec: z.number(),
  escalateAfterMin: z.number().nullable(),
});

export const resolvedPolicySchema = z.object({
  rules: z.record(z.enum(ALERT_RULES), ruleSettingsViewSchema),
  quietHours: dailyWindowSchema.nullable(),
  displayOnHours: dailyWindowSchema.nullable(),
});

export const storedOverrideSchema = policyOverrideSchema.extend({
  gateId: z.string(),
  zoneId: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

export function toAlertView(alert: AlertRecord): AlertView {
  return {
    id: alert.id,
    rule: alert.rule,
    severity: alert.severity,
    state: alert.state,
    flapping: alert.flapping,
    deviceId: alert.device.id,
    deviceName: alert.device.name,
    gateId: alert.gate.id,
    gateName: alert.gate.name,
    zoneId: alert.zone.id,
    zoneName: alert.zone.name,
    since: alert.since,
    firedAt: alert.firedAt,
    escalatedAt: alert.escalatedAt,
    resolvedAt: alert.resolvedAt,
    acknowledged: alert.acknowledged,
    facts: alert.facts,
  };
}

export function toTransitionView(transition: TransitionRecord): z.infer<typeof transitionViewSchema> {
  return { ...transition };
}
