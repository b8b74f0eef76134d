import { inactive, type RuleEvaluator } from './rule-types.js';

/**
 * A self-update did not commit. Clears when the device later starts the target version, or when
 * someone acknowledges the alert for that failure.
 */
export const updateFailedRule: RuleEvaluator = (input, settings) => {
  const failure = input.updateFailure;
  if (!failure || failure.committed || failure.dismissed) return inactive(settings);
  return {
    active: true,
    severity: settings.severity,
    since: failure.at,
    facts: {
      eventId: failure.eventId,
      targetVersion: failure.targetVersion,
      runningVersion: failure.runningVersion,
      stage: failure.stage,
      problem: failure.message,
    },
  };
};
