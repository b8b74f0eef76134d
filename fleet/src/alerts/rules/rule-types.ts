import type { DesiredDocument, ReportedState, TelemetrySample } from '@gatecast/protocol';
import type { PresenceState } from '../../devices/device-row.js';
import type { RuleSettings } from '../alert-policy.js';
import type { AlertFacts, AlertSeverity } from '../alert-types.js';
import type { DailyWindow } from '../daily-window.js';

/** A failed self-update as the rules see it: the latest `update-failed` event and what followed it. */
export interface UpdateFailure {
  eventId: string;
  at: string;
  targetVersion: string;
  runningVersion: string;
  stage: string;
  message: string;
  /** The device later started the target version (a successful update after all). */
  committed: boolean;
  /** Someone acknowledged the alert raised for this very event. */
  dismissed: boolean;
}

/** Everything the rules read about one screen, gathered by the engine from the store. */
export interface DeviceHealthInput {
  deviceId: string;
  createdAt: string;
  presence: { state: PresenceState; since: string | null; lastSeenAt: string | null };
  /** Fleet-clock times of recent presence changes (presence_log), oldest first: flap counting. */
  presenceChanges: string[];
  reported: ReportedState | null;
  lastTelemetry: TelemetrySample | null;
  lastTelemetryAt: string | null;
  desired: DesiredDocument | null;
  /** The gate's time zone, for local hours. */
  timeZone: string;
  displayOnHours: DailyWindow | null;
  updateFailure: UpdateFailure | null;
}

/** A rule's own short memory between evaluations (e.g. recent restart counts), kept by the engine. */
export type RuleScratch = Record<string, unknown>;

export interface RuleResult {
  active: boolean;
  severity: AlertSeverity;
  facts: AlertFacts;
  /** When the condition began, if the rule knows better than "when the engine saw it". */
  since?: string;
  /** Every change of the condition the rule can see in history; replaces the engine's own count. */
  changedAt?: string[];
  /** The rule's memory for next time; absent keeps none. */
  scratch?: RuleScratch;
}

export type RuleEvaluator = (
  input: DeviceHealthInput,
  settings: RuleSettings,
  now: Date,
  scratch: RuleScratch | null,
) => RuleResult;

export function inactive(settings: RuleSettings, facts: AlertFacts = {}): RuleResult {
  return { active: false, severity: settings.severity, facts };
}

/** A sample says something about the screen only while it is connected; offline is its own rule. */
export function liveSample(input: DeviceHealthInput): TelemetrySample | null {
  return input.presence.state === 'online' ? input.lastTelemetry : null;
}
