import type { TelemetrySample } from '@gatecast/protocol';
import { DEFAULT_POLICY } from '../../../src/alerts/alert-policy.js';
import type { AlertRule } from '../../../src/alerts/alert-types.js';
import {
  RULE_EVALUATORS,
  type DeviceHealthInput,
  type RuleScratch,
} from '../../../src/alerts/rules/index.js';

export const NOW = new Date('2026-12-01T08:00:00.000Z'); // 15:00 in Hai Phong

export function sample(overrides: Partial<TelemetrySample> = {}): TelemetrySample {
  return {
    at: NOW.toISOString(),
    uptimeSec: 1000,
    cpu: { loadPercent: 10, temperatureC: 50 },
    memory: { totalBytes: 4e9, usedBytes: 1e9 },
    disk: { totalBytes: 32e9, usedBytes: 8e9 },
    agent: { version: '1.0.0', rssBytes: 5e7, uptimeSec: 1000 },
    ...overrides,
  };
}

export function input(overrides: Partial<DeviceHealthInput> = {}): DeviceHealthInput {
  return {
    deviceId: 'cat-bi-arrivals-01',
    createdAt: '2026-11-01T00:00:00.000Z',
    presence: { state: 'online', since: '2026-12-01T07:00:00.000Z', lastSeenAt: NOW.toISOString() },
    presenceChanges: [],
    reported: null,
    lastTelemetry: sample(),
    lastTelemetryAt: NOW.toISOString(),
    desired: null,
    timeZone: 'Asia/Ho_Chi_Minh',
    displayOnHours: null,
    updateFailure: null,
    ...overrides,
  };
}

export function check(
  rule: AlertRule,
  given: DeviceHealthInput,
  scratch: RuleScratch | null = null,
  now = NOW,
) {
  return RULE_EVALUATORS[rule](given, DEFAULT_POLICY.rules[rule], now, scratch);
}

export const display = (overrides: Partial<NonNullable<TelemetrySample['display']>>) =>
  sample({
    display: {
      black: false,
      frozen: false,
      checkedAt: NOW.toISOString(),
      cecPower: 'on',
      hdmi: 'connected',
      ...overrides,
    },
  });
