import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policyOverrideSchema, resolvePolicy } from '../../../src/alerts/alert-policy.js';
import { inWindow, windowEndAfter } from '../../../src/alerts/daily-window.js';

describe('policy resolution', () => {
  it('zone overrides gate overrides defaults, field by field', () => {
    const gate = {
      rules: { offline: { delaySec: 60, severity: 'warning' as const } },
      quietHours: { from: '22:00', to: '06:00' },
    };
    const zone = { rules: { offline: { delaySec: 10 } } };
    const policy = resolvePolicy(DEFAULT_POLICY, gate, zone);
    expect(policy.rules.offline).toMatchObject({
      delaySec: 10,
      severity: 'warning',
      clearSec: DEFAULT_POLICY.rules.offline.clearSec,
    });
    expect(policy.rules.temperature).toEqual(DEFAULT_POLICY.rules.temperature);
    expect(policy.quietHours).toEqual({ from: '22:00', to: '06:00' });
  });

  it('a null window at the zone switches off what the gate set; an absent one inherits', () => {
    const gate = {
      quietHours: { from: '22:00', to: '06:00' },
      displayOnHours: { from: '05:00', to: '23:00' },
    };
    expect(resolvePolicy(DEFAULT_POLICY, gate, { quietHours: null }).quietHours).toBeNull();
    expect(resolvePolicy(DEFAULT_POLICY, gate, {}).displayOnHours).toEqual({ from: '05:00', to: '23:00' });
    expect(resolvePolicy(DEFAULT_POLICY, null, null)).toEqual(DEFAULT_POLICY);
  });

  it('refuses settings that make no sense, with the field named', () => {
    const bad = policyOverrideSchema.safeParse({ rules: { offline: { delaySec: -1 } } });
    expect(bad.success).toBe(false);
    expect(policyOverrideSchema.safeParse({ quietHours: { from: '25:00', to: '06:00' } }).success).toBe(
      false,
    );
    expect(policyOverrideSchema.safeParse({ rules: { 'no-such-rule': {} } }).success).toBe(false);
    expect(
      policyOverrideSchema.safeParse({ rules: { disk: { threshold: 95 } }, quietHours: null }).success,
    ).toBe(true);
  });
});

describe('daily windows in the gate time zone', () => {
  const zone = 'Asia/Ho_Chi_Minh'; // UTC+7
  it('handles overnight windows', () => {
    const night = { from: '22:00', to: '06:00' };
    expect(inWindow(night, zone, new Date('2026-12-01T16:00:00Z'))).toBe(true); // 23:00
    expect(inWindow(night, zone, new Date('2026-12-01T22:59:00Z'))).toBe(true); // 05:59
    expect(inWindow(night, zone, new Date('2026-12-01T23:00:00Z'))).toBe(false); // 06:00
    expect(inWindow(night, zone, new Date('2026-12-01T08:00:00Z'))).toBe(false); // 15:00
  });

  it('finds when the window ends', () => {
    const night = { from: '22:00', to: '06:00' };
    expect(windowEndAfter(night, zone, new Date('2026-12-01T16:00:00Z')).toISOString()).toBe(
      '2026-12-01T23:00:00.000Z',
    );
  });
});
