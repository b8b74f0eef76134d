import type { RuleSettings } from '../../../src/alerts/alert-policy.js';
import { stepAlert, type AlertAction, type RuleMemory } from '../../../src/alerts/alert-machine.js';

export const T0 = Date.parse('2026-12-01T08:00:00.000Z');

export function settings(overrides: Partial<RuleSettings> = {}): RuleSettings {
  return {
    enabled: true,
    severity: 'critical',
    threshold: null,
    delaySec: 60,
    clearSec: 30,
    flapChanges: 6,
    flapWindowSec: 600,
    escalateAfterMin: null,
    ...overrides,
  };
}

export interface Step {
  /** Seconds after T0. */
  at: number;
  active: boolean;
  quiet?: boolean;
  quietEndsAt?: number;
  /** Seconds after T0 at which the rule says the condition took its current value. */
  since?: number;
}

/**
 * Drives one rule's machine through observations the way the engine does (it also steps again at
 * each dueAt the machine asks for), collecting every action with the second it happened.
 */
export function run(
  steps: Step[],
  ruleSettings: RuleSettings,
  options: { followDue?: boolean; memory?: RuleMemory | null } = {},
): { actions: Array<AlertAction & { atSec: number }>; memory: RuleMemory | null } {
  let memory: RuleMemory | null = options.memory ?? null;
  let ids = 0;
  const actions: Array<AlertAction & { atSec: number }> = [];
  let due: number | null = null;
  let last: Step | undefined;
  const stepAt = (atSec: number, step: Step) => {
    const outcome = stepAlert(
      memory,
      {
        active: step.active,
        severity: ruleSettings.severity,
        facts: { n: atSec },
        ...(step.since === undefined ? {} : { since: new Date(T0 + step.since * 1000).toISOString() }),
      },
      ruleSettings,
      {
        now: new Date(T0 + atSec * 1000),
        quiet: step.quiet ?? false,
        quietEndsAt: step.quietEndsAt === undefined ? null : new Date(T0 + step.quietEndsAt * 1000),
        newId: () => `alert-${++ids}`,
      },
    );
    memory = outcome.memory;
    due = outcome.dueAt === null ? null : (Date.parse(outcome.dueAt) - T0) / 1000;
    for (const action of outcome.actions) actions.push({ ...action, atSec });
  };
  for (const step of steps) {
    // Deadlines that fall before this observation are met first, as the engine's tick would.
    while (options.followDue !== false && last && due !== null && due < step.at) {
      const before: number = due;
      stepAt(due, { ...last, at: due, quiet: quietAt(last, due) });
      if (due === before) break;
    }
    stepAt(step.at, step);
    last = step;
  }
  return { actions, memory };
}

function quietAt(step: Step, atSec: number): boolean {
  if (!step.quiet) return false;
  return step.quietEndsAt === undefined || atSec < step.quietEndsAt;
}

export function kinds(actions: AlertAction[]): string[] {
  return actions.map((action) => action.type);
}
