import { z } from 'zod';
import { ALERT_RULES, ALERT_SEVERITIES, type AlertRule, type AlertSeverity } from './alert-types.js';
import { dailyWindowSchema, type DailyWindow } from './daily-window.js';

/** How one rule behaves; `threshold` is the rule's own number (its unit is in DEFAULT_POLICY). */
export interface RuleSettings {
  enabled: boolean;
  severity: AlertSeverity;
  threshold: number | null;
  /** The condition must hold this long before the alert fires. */
  delaySec: number;
  /** The condition must be gone this long before the alert resolves (hysteresis). */
  clearSec: number;
  /** This many condition changes within flapWindowSec mark the condition as flapping. */
  flapChanges: number;
  flapWindowSec: number;
  /** One escalation when still firing and unacknowledged this long after firing; null: never. */
  escalateAfterMin: number | null;
}

export interface ResolvedPolicy {
  rules: Record<AlertRule, RuleSettings>;
  /** Transitions are recorded but not sent during these hours (gate time); null: none. */
  quietHours: DailyWindow | null;
  /** When the screen should be on (gate time); null: always. */
  displayOnHours: DailyWindow | null;
}

/** What a gate or zone changes; an absent field inherits, a null window switches it off at that level. */
export interface PolicyOverride {
  rules?: Partial<Record<AlertRule, Partial<RuleSettings>>>;
  quietHours?: DailyWindow | null;
  displayOnHours?: DailyWindow | null;
}

const FLAP = { flapChanges: 6, flapWindowSec: 600 };

function rule(
  severity: AlertSeverity,
  threshold: number | null,
  delaySec: number,
  clearSec: number,
  escalateAfterMin: number | null,
): RuleSettings {
  return { enabled: true, severity, threshold, delaySec, clearSec, ...FLAP, escalateAfterMin };
}

/** The fleet's defaults; the comments give each threshold's unit. */
export const DEFAULT_POLICY: ResolvedPolicy = {
  rules: {
    offline: rule('critical', null, 180, 60, 30),
    'display-black': rule('critical', null, 120, 60, 30),
    'display-frozen': rule('critical', null, 120, 60, 30),
    'display-off': rule('warning', null, 120, 60, 60),
    temperature: rule('warning', 80, 120, 120, 60), // °C
    'under-voltage': rule('warning', null, 60, 300, null),
    disk: rule('warning', 90, 300, 300, null), // percent used
    'storage-errors': rule('critical', null, 0, 3600, null),
    'browser-crash-loop': rule('warning', 3, 0, 600, 60), // restarts within 10 minutes
    'content-not-ready': rule('warning', 30, 60, 60, null), // minutes before go-live
    'clock-drift': rule('warning', 30, 300, 300, null), // seconds of offset
    'update-failed': rule('warning', null, 0, 0, null),
  },
  quietHours: null,
  displayOnHours: null,
};

/** Zone overrides gate overrides defaults, field by field. Pure. */
export function resolvePolicy(
  defaults: ResolvedPolicy,
  gate: PolicyOverride | null | undefined,
  zone: PolicyOverride | null | undefined,
): ResolvedPolicy {
  const rules = {} as Record<AlertRule, RuleSettings>;
  for (const name of ALERT_RULES) {
    rules[name] = {
      ...defaults.rules[name],
      ...defined(gate?.rules?.[name]),
      ...defined(zone?.rules?.[name]),
    };
  }
  return {
    rules,
    quietHours: pick('quietHours', defaults, gate, zone),
    displayOnHours: pick('displayOnHours', defaults, gate, zone),
  };
}

function pick(
  key: 'quietHours' | 'displayOnHours',
  defaults: ResolvedPolicy,
  gate: PolicyOverride | null | undefined,
  zone: PolicyOverride | null | undefined,
): DailyWindow | null {
  if (zone && zone[key] !== undefined) return zone[key] ?? null;
  if (gate && gate[key] !== undefined) return gate[key] ?? null;
  return defaults[key];
}

/** Drops undefined fields so a sparse override never blanks a default. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const seconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400);

export const ruleSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  threshold: z.number().min(0).max(1_000_000).nullable().optional(),
  delaySec: seconds.optional(),
  clearSec: seconds.optional(),
  flapChanges: z.number().int().min(2).max(1000).optional(),
  flapWindowSec: seconds.min(1).optional(),
  escalateAfterMin: z
    .number()
    .int()
    .min(1)
    .max(7 * 1440)
    .nullable()
    .optional(),
});

export const policyOverrideSchema = z.strictObject({
  rules: z.partialRecord(z.enum(ALERT_RULES), ruleSettingsSchema).optional(),
  quietHours: dailyWindowSchema.nullable().optional(),
  displayOnHours: dailyWindowSchema.nullable().optional(),
});
