import { inWindow } from '../daily-window.js';
import { inactive, liveSample, type RuleEvaluator } from './rule-types.js';

/** The screen's periodic capture found it black. */
export const displayBlackRule: RuleEvaluator = (input, settings) => {
  const display = liveSample(input)?.display;
  if (display?.black !== true) return inactive(settings);
  return { active: true, severity: settings.severity, facts: { checkedAt: display.checkedAt } };
};

/** The screen's periodic capture found the picture unchanged for too long. */
export const displayFrozenRule: RuleEvaluator = (input, settings) => {
  const display = liveSample(input)?.display;
  if (display?.frozen !== true) return inactive(settings);
  return { active: true, severity: settings.severity, facts: { checkedAt: display.checkedAt } };
};

/** The TV is in standby or unplugged while the policy says it should be on (gate time). */
export const displayOffRule: RuleEvaluator = (input, settings, now) => {
  const display = liveSample(input)?.display;
  if (!display) return inactive(settings);
  const standby = display.cecPower === 'standby';
  const unplugged = display.hdmi === 'disconnected';
  if (!standby && !unplugged) return inactive(settings);
  const shouldBeOn = input.displayOnHours === null || inWindow(input.displayOnHours, input.timeZone, now);
  if (!shouldBeOn) return inactive(settings);
  return {
    active: true,
    severity: settings.severity,
    facts: { cecPower: display.cecPower, hdmi: display.hdmi ?? 'unknown' },
  };
};
