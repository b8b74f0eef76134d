import type { AlertRule } from '../alert-types.js';
import { browserCrashLoopRule } from './browser-crash-loop.js';
import { clockDriftRule } from './clock-drift.js';
import { contentNotReadyRule } from './content-not-ready.js';
import { displayBlackRule, displayFrozenRule, displayOffRule } from './display.js';
import { diskRule, storageErrorsRule, temperatureRule, underVoltageRule } from './hardware.js';
import { offlineRule } from './offline.js';
import type { RuleEvaluator } from './rule-types.js';
import { updateFailedRule } from './update-failed.js';

export type {
  DeviceHealthInput,
  RuleEvaluator,
  RuleResult,
  RuleScratch,
  UpdateFailure,
} from './rule-types.js';

/** Every rule's evaluator; a rule without one does not compile. */
export const RULE_EVALUATORS: Readonly<Record<AlertRule, RuleEvaluator>> = {
  offline: offlineRule,
  'display-black': displayBlackRule,
  'display-frozen': displayFrozenRule,
  'display-off': displayOffRule,
  temperature: temperatureRule,
  'under-voltage': underVoltageRule,
  disk: diskRule,
  'storage-errors': storageErrorsRule,
  'browser-crash-loop': browserCrashLoopRule,
  'content-not-ready': contentNotReadyRule,
  'clock-drift': clockDriftRule,
  'update-failed': updateFailedRule,
};
