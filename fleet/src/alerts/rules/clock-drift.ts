import { inactive, liveSample, type RuleEvaluator } from './rule-types.js';

/** The screen's clock is off by at least the threshold (seconds), or NTP says it is not synced. */
export const clockDriftRule: RuleEvaluator = (input, settings) => {
  const clock = liveSample(input)?.clock;
  if (!clock) return inactive(settings);
  const thresholdMs = (settings.threshold ?? 30) * 1000;
  const drifted = clock.offsetMs !== null && Math.abs(clock.offsetMs) >= thresholdMs;
  const unsynced = clock.synced === false;
  if (!drifted && !unsynced) return inactive(settings);
  return {
    active: true,
    severity: settings.severity,
    facts: { offsetMs: clock.offsetMs, synced: clock.synced, thresholdSec: thresholdMs / 1000 },
  };
};
