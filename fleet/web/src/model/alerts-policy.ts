import type {
  AlertRule,
  DailyWindow,
  PolicyBody,
  PolicyOverride,
  PolicySet,
  ResolvedPolicy,
  RuleSettings,
} from '../api/alerts-api.js';

/** Settings as the generic editor sees them: any object of plain values (one level nested at most). */
type AnySettings = object;

/**
 * The policy editor works on whatever settings the fleet's defaults name (delaySec, thresholds,
 * flap.changes…), so a new setting appears in the form without a dashboard change. Nested
 * settings are shown one level flat, as "flap.changes".
 */
export type FlatSettings = Record<string, number | boolean | string | null>;

export type SettingType = 'boolean' | 'number' | 'severity' | 'text';

export interface SettingField {
  key: string;
  type: SettingType;
}

export function flattenSettings(settings: AnySettings | undefined): FlatSettings {
  const flat: FlatSettings = {};
  for (const [key, value] of Object.entries(settings ?? {})) {
    if (value === null || ['number', 'boolean', 'string'].includes(typeof value))
      flat[key] = value as FlatSettings[string];
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        if (
          typeof innerValue === 'number' ||
          typeof innerValue === 'boolean' ||
          typeof innerValue === 'string'
        )
          flat[`${key}.${inner}`] = innerValue;
      }
    }
  }
  return flat;
}

export function unflattenSettings(flat: FlatSettings): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const [outer, inner] = key.split('.', 2) as [string, string | undefined];
    if (inner === undefined) settings[outer] = value;
    else
      settings[outer] = {
        ...((settings[outer] as Record<string, unknown> | undefined) ?? {}),
        [inner]: value,
      };
  }
  return settings;
}

/** The order a person reads a rule in: whether, how bad, at what value, how soon, then flapping. */
const FIELD_ORDER = [
  'enabled',
  'severity',
  'threshold',
  'delaySec',
  'clearSec',
  'escalateAfterMin',
  'flapChanges',
  'flapWindowSec',
];

/**
 * The editable fields of a rule, from its defaults: in FIELD_ORDER, then any other by name.
 * A null threshold means the rule has none; another null (escalateAfterMin) is "never".
 */
export function settingFields(defaults: AnySettings | undefined): SettingField[] {
  const rank = (key: string) => (FIELD_ORDER.includes(key) ? FIELD_ORDER.indexOf(key) : FIELD_ORDER.length);
  return Object.entries(flattenSettings(defaults))
    .filter(([key, value]) => !(key === 'threshold' && value === null))
    .map(([key, value]): SettingField => {
      if (key === 'severity') return { key, type: 'severity' };
      if (typeof value === 'boolean') return { key, type: 'boolean' };
      if (typeof value === 'number' || value === null) return { key, type: 'number' };
      return { key, type: 'text' };
    })
    .sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

/** What the form holds: per rule and field, '' to inherit, else the typed text. */
export interface PolicyDraft {
  rules: Partial<Record<AlertRule, Record<string, string>>>;
  quietFrom: string;
  quietTo: string;
  displayFrom: string;
  displayTo: string;
  /** "None at this level" (stored as null): e.g. a zone without its gate's quiet hours. */
  quietNone: boolean;
  displayNone: boolean;
}

export function findOverride(
  policies: PolicySet,
  gateId: string,
  zoneId: string | null,
): PolicyOverride | undefined {
  return policies.overrides.find((entry) => entry.gateId === gateId && entry.zoneId === zoneId);
}

/** The values a scope inherits: the defaults, and for a zone also its gate's override. */
export function inheritedSettings(
  policies: PolicySet,
  rule: AlertRule,
  gateId: string,
  zoneId: string | null,
): FlatSettings {
  const inherited = flattenSettings(policies.defaults.rules[rule]);
  if (zoneId === null) return inherited;
  return { ...inherited, ...flattenSettings(findOverride(policies, gateId, null)?.rules?.[rule]) };
}

/** The form for a scope, filled from its stored override (empty fields inherit). */
export function draftFromOverride(override: PolicyOverride | undefined): PolicyDraft {
  const rules: PolicyDraft['rules'] = {};
  for (const [rule, settings] of Object.entries(override?.rules ?? {})) {
    rules[rule as AlertRule] = Object.fromEntries(
      Object.entries(flattenSettings(settings)).map(([key, value]) => [key, String(value)]),
    );
  }
  return {
    rules,
    quietFrom: override?.quietHours?.from ?? '',
    quietTo: override?.quietHours?.to ?? '',
    displayFrom: override?.displayOnHours?.from ?? '',
    displayTo: override?.displayOnHours?.to ?? '',
    quietNone: override?.quietHours === null,
    displayNone: override?.displayOnHours === null,
  };
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

export type DraftProblem =
  { kind: 'number'; rule: AlertRule; key: string } | { kind: 'hours'; which: 'quiet' | 'display' };

/** undefined: both empty, the level inherits its hours; null: none at this level. */
function hoursOf(from: string, to: string, none: boolean): DailyWindow | null | undefined | 'invalid' {
  if (none) return null;
  if (from === '' && to === '') return undefined;
  return CLOCK.test(from) && CLOCK.test(to) && from !== to ? { from, to } : 'invalid';
}

/** The PUT body from the form, or what is wrong with it; only the fields a person filled in. */
export function bodyFromDraft(
  draft: PolicyDraft,
  defaults: ResolvedPolicy,
): { body: PolicyBody } | { problem: DraftProblem } {
  const rules: NonNullable<PolicyBody['rules']> = {};
  for (const [rule, values] of Object.entries(draft.rules) as Array<[AlertRule, Record<string, string>]>) {
    const fields = settingFields(defaults.rules[rule]);
    const flat: FlatSettings = {};
    for (const field of fields) {
      const text = (values[field.key] ?? '').trim();
      if (text === '') continue;
      if (field.type === 'boolean') flat[field.key] = text === 'true';
      else if (field.type === 'number') {
        const value = Number(text);
        if (!Number.isFinite(value) || value < 0)
          return { problem: { kind: 'number', rule, key: field.key } };
        flat[field.key] = value;
      } else flat[field.key] = text;
    }
    if (Object.keys(flat).length > 0) rules[rule] = unflattenSettings(flat) as Partial<RuleSettings>;
  }
  const quietHours = hoursOf(draft.quietFrom, draft.quietTo, draft.quietNone);
  if (quietHours === 'invalid') return { problem: { kind: 'hours', which: 'quiet' } };
  const displayOnHours = hoursOf(draft.displayFrom, draft.displayTo, draft.displayNone);
  if (displayOnHours === 'invalid') return { problem: { kind: 'hours', which: 'display' } };
  return {
    body: {
      rules,
      ...(quietHours === undefined ? {} : { quietHours }),
      ...(displayOnHours === undefined ? {} : { displayOnHours }),
    },
  };
}
