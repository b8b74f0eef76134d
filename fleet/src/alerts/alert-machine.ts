import type { RuleSettings } from './alert-policy.js';
import type { AlertFacts, AlertSeverity } from './alert-types.js';
import type { RuleResult, RuleScratch } from './rules/rule-types.js';

/** The alert a rule has open on one screen (at most one: deduplication). */
export interface OpenAlert {
  alertId: string;
  since: string;
  firedAt: string;
  flapping: boolean;
  escalatedAt: string | null;
  acknowledged: boolean;
  /** The firing was sent, or will be when quiet hours end; false while it is only held. */
  firingNotified: boolean;
}

/** What the engine remembers per screen and rule, persisted so a restart neither forgets nor repeats. */
export interface RuleMemory {
  condition: boolean;
  /** When the condition took its current value. */
  conditionSince: string;
  /** Recent changes of the condition, oldest first, within the flap window. */
  changes: string[];
  open: OpenAlert | null;
  /** Alerts with transitions held back by quiet hours, in order. */
  held: string[];
  scratch: RuleScratch | null;
}

export type AlertAction =
  | {
      type: 'fire';
      alertId: string;
      since: string;
      flapping: boolean;
      severity: AlertSeverity;
      facts: AlertFacts;
      notify: boolean;
    }
  | { type: 'flapping'; alertId: string }
  | { type: 'escalate'; alertId: string; facts: AlertFacts; notify: boolean }
  | { type: 'resolve'; alertId: string; facts: AlertFacts; notify: 'sent' | 'held' | 'suppressed' }
  /** Quiet hours are over: send what they held, in order. */
  | { type: 'release'; alertIds: string[] }
  /** The alert fired and resolved wholly inside quiet hours: its held transitions are never sent. */
  | { type: 'suppress'; alertId: string };

export interface StepContext {
  now: Date;
  /** Inside the quiet hours of the screen's gate or zone. */
  quiet: boolean;
  /** When the current quiet hours end; null outside them. */
  quietEndsAt: Date | null;
  newId: () => string;
}

export interface StepOutcome {
  memory: RuleMemory;
  actions: AlertAction[];
  /** When stepping again may change something even if the screen reports nothing new; null: never. */
  dueAt: string | null;
}

/**
 * One rule on one screen: delay, hysteresis, deduplication, flap suppression, quiet hours and
 * escalation. Pure: the same memory, observation and context always give the same outcome.
 */
export function stepAlert(
  previous: RuleMemory | null,
  observation: RuleResult,
  settings: RuleSettings,
  context: StepContext,
): StepOutcome {
  const nowMs = context.now.getTime();
  const now = context.now.toISOString();
  const active = settings.enabled && observation.active;
  const memory = track(previous, observation, active, settings, context.now);
  const actions: AlertAction[] = [];
  let open = memory.open ? { ...memory.open } : null;
  let held = [...memory.held];

  if (!context.quiet && held.length > 0) {
    actions.push({ type: 'release', alertIds: held });
    if (open) open.firingNotified = true;
    held = [];
  }
  const flappingNow = settings.enabled && memory.changes.length >= settings.flapChanges;
  const sinceMs = Date.parse(memory.conditionSince);

  if (!open) {
    const outlasted = active && nowMs - sinceMs >= settings.delaySec * 1000;
    if (outlasted || flappingNow) {
      const since = outlasted ? memory.conditionSince : (memory.changes[0] ?? memory.conditionSince);
      open = {
        alertId: context.newId(),
        since,
        firedAt: now,
        flapping: flappingNow,
        escalatedAt: null,
        acknowledged: false,
        firingNotified: !context.quiet,
      };
      const { severity, facts } = observation;
      actions.push({
        type: 'fire',
        alertId: open.alertId,
        since,
        flapping: flappingNow,
        severity,
        facts,
        notify: !context.quiet,
      });
      if (context.quiet) held.push(open.alertId);
    }
  } else {
    if (flappingNow && !open.flapping) {
      open.flapping = true;
      actions.push({ type: 'flapping', alertId: open.alertId });
    }
    if (!active && nowMs - sinceMs >= clearMs(settings, open)) {
      const notify = !context.quiet ? 'sent' : open.firingNotified ? 'held' : 'suppressed';
      actions.push({ type: 'resolve', alertId: open.alertId, facts: observation.facts, notify });
      if (notify === 'held' && !held.includes(open.alertId)) held.push(open.alertId);
      if (notify === 'suppressed') {
        actions.push({ type: 'suppress', alertId: open.alertId });
        held = held.filter((id) => id !== open?.alertId);
      }
      open = null;
    }
  }
  if (open && shouldEscalate(open, settings, nowMs)) {
    open.escalatedAt = now;
    actions.push({
      type: 'escalate',
      alertId: open.alertId,
      facts: observation.facts,
      notify: !context.quiet,
    });
    if (context.quiet && !held.includes(open.alertId)) held.push(open.alertId);
  }
  const next: RuleMemory = { ...memory, open, held };
  return { memory: next, actions, dueAt: dueAt(next, active, settings, context) };
}

/** Condition bookkeeping: its current value, since when, and its recent changes. */
function track(
  previous: RuleMemory | null,
  observation: RuleResult,
  active: boolean,
  settings: RuleSettings,
  nowDate: Date,
): RuleMemory {
  const now = nowDate.toISOString();
  const base: RuleMemory = previous ?? {
    condition: false,
    conditionSince: observation.since ?? now,
    changes: [],
    open: null,
    held: [],
    scratch: null,
  };
  const changed = active !== base.condition;
  // A rule that knows when its condition began (presence.since) is believed over the engine.
  const conditionSince =
    settings.enabled && observation.since !== undefined && observation.since <= now
      ? observation.since
      : changed
        ? now
        : base.conditionSince;
  let changes = observation.changedAt
    ? [...observation.changedAt]
    : changed
      ? [...base.changes, now]
      : base.changes;
  const windowStart = nowDate.getTime() - settings.flapWindowSec * 1000;
  changes = changes.filter((at) => Date.parse(at) > windowStart);
  return {
    ...base,
    condition: active,
    conditionSince,
    changes,
    scratch: observation.scratch ?? null,
  };
}

/** A flapping alert resolves only once the condition has been stable for the whole flap window. */
function clearMs(settings: RuleSettings, open: OpenAlert): number {
  if (!settings.enabled) return 0;
  const clear = settings.clearSec * 1000;
  return open.flapping ? Math.max(clear, settings.flapWindowSec * 1000) : clear;
}

function shouldEscalate(open: OpenAlert, settings: RuleSettings, nowMs: number): boolean {
  if (settings.escalateAfterMin === null || open.escalatedAt !== null || open.acknowledged) return false;
  return nowMs - Date.parse(open.firedAt) >= settings.escalateAfterMin * 60_000;
}

function dueAt(
  memory: RuleMemory,
  active: boolean,
  settings: RuleSettings,
  context: StepContext,
): string | null {
  const candidates: number[] = [];
  const sinceMs = Date.parse(memory.conditionSince);
  const { open } = memory;
  if (!open && active) candidates.push(sinceMs + settings.delaySec * 1000);
  if (open && !active) candidates.push(sinceMs + clearMs(settings, open));
  if (open && settings.escalateAfterMin !== null && open.escalatedAt === null && !open.acknowledged) {
    candidates.push(Date.parse(open.firedAt) + settings.escalateAfterMin * 60_000);
  }
  if (memory.held.length > 0 && context.quietEndsAt) candidates.push(context.quietEndsAt.getTime());
  const due = Math.min(...candidates.filter(Number.isFinite));
  return Number.isFinite(due) ? new Date(Math.max(due, context.now.getTime())).toISOString() : null;
}
