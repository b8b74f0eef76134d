/**
 * The contract between the alert engine (which decides) and the notifiers (which tell people).
 * The engine records a transition and hands it to the sink in the same store transaction, so a
 * transition is never lost between the two and never queued twice.
 */

/** What a rule watches; one open alert per screen and rule at most. */
export const ALERT_RULES = [
  'offline',
  'display-black',
  'display-frozen',
  'display-off',
  'temperature',
  'under-voltage',
  'disk',
  'storage-errors',
  'browser-crash-loop',
  'content-not-ready',
  'clock-drift',
  'update-failed',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** firing: the condition held past its delay; escalated: still firing, unacknowledged, past escalation. */
export const TRANSITION_KINDS = ['firing', 'escalated', 'resolved'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** Plain facts about what is wrong (e.g. `{ temperatureC: 84 }`); each channel phrases them in its language. */
export type AlertFacts = Record<string, string | number | boolean | null>;

export interface AlertTransition {
  /** Unique per transition; the outbox keys deliveries on (channel, transition id). */
  id: string;
  alertId: string;
  kind: TransitionKind;
  rule: AlertRule;
  severity: AlertSeverity;
  device: { id: string; name: string };
  gate: { id: string; name: string };
  zone: { id: string; name: string };
  /** When the condition began (ISO time, fleet clock). */
  since: string;
  /** When this transition happened (ISO time, fleet clock). */
  at: string;
  /** True when the alert covers a flapping condition (many changes folded into one alert). */
  flapping: boolean;
  facts: AlertFacts;
}
