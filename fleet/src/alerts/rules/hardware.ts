import { inactive, liveSample, type RuleEvaluator } from './rule-types.js';

/** CPU temperature at or above the threshold (°C). */
export const temperatureRule: RuleEvaluator = (input, settings) => {
  const temperatureC = liveSample(input)?.cpu.temperatureC ?? null;
  const threshold = settings.threshold ?? 80;
  if (temperatureC === null || temperatureC < threshold) return inactive(settings);
  return { active: true, severity: settings.severity, facts: { temperatureC, thresholdC: threshold } };
};

/** The Pi's firmware says the supply is too weak, or it is throttling, right now. */
export const underVoltageRule: RuleEvaluator = (input, settings) => {
  const power = liveSample(input)?.power;
  if (!power || (!power.underVoltageNow && !power.throttledNow)) return inactive(settings);
  return {
    active: true,
    severity: settings.severity,
    facts: { underVoltage: power.underVoltageNow, throttled: power.throttledNow },
  };
};

/** The data disk used at or above the threshold (percent). */
export const diskRule: RuleEvaluator = (input, settings) => {
  const disk = liveSample(input)?.disk;
  if (!disk || disk.totalBytes <= 0) return inactive(settings);
  const usedPercent = Math.round((disk.usedBytes / disk.totalBytes) * 1000) / 10;
  const threshold = settings.threshold ?? 90;
  if (usedPercent < threshold) return inactive(settings);
  return {
    active: true,
    severity: settings.severity,
    facts: { usedPercent, thresholdPercent: threshold, freeBytes: disk.totalBytes - disk.usedBytes },
  };
};

/**
 * The SD card's filesystem went read-only, or its error count rose since the last sample. A rise
 * is a single observation; clearSec keeps the alert open for a while after it.
 */
export const storageErrorsRule: RuleEvaluator = (input, settings, _now, scratch) => {
  const storage = liveSample(input)?.storage;
  const previous = typeof scratch?.errorCount === 'number' ? scratch.errorCount : null;
  const errorCount = storage?.errorCount ?? null;
  const keep = { errorCount: errorCount ?? previous };
  const rose = errorCount !== null && previous !== null && errorCount > previous;
  const readOnly = storage?.readOnly === true;
  if (!rose && !readOnly) return { ...inactive(settings), scratch: keep };
  return {
    active: true,
    severity: settings.severity,
    facts: { errorCount, previousErrorCount: previous, readOnly },
    scratch: keep,
  };
};
