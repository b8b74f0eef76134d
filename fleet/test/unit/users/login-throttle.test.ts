import { describe, expect, it } from 'vitest';
import {
  delayFor,
  LOCK_AFTER_FAILURES,
  LOCK_MS,
  lockedFor,
  lockUntil,
  ThrottleCounters,
} from '../../../src/users/login-throttle.js';

const NOW = new Date('2025-03-01T08:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('login throttle policy', () => {
  it('answers at once for the first three attempts, then waits 1 s, 2 s, 4 s, capped at 5 s', () => {
    const delays = Array.from({ length: 9 }, (_, failuresBefore) => delayFor(failuresBefore));
    expect(delays).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('locks for 15 minutes from the tenth failure on', () => {
    expect(lockUntil(LOCK_AFTER_FAILURES - 1, NOW)).toBeNull();
    expect(lockUntil(LOCK_AFTER_FAILURES, NOW)).toBe(later(15 * 60 * 1000).toISOString());
    expect(lockUntil(LOCK_AFTER_FAILURES + 3, NOW)).toBe(later(LOCK_MS).toISOString());
  });

  it('counts whole seconds left on a lock, at least one, and none once it is over', () => {
    const state = { failures: 10, lockedUntil: later(LOCK_MS).toISOString() };
    expect(lockedFor(state, NOW)).toBe(900);
    expect(lockedFor(state, later(LOCK_MS - 1))).toBe(1);
    expect(lockedFor(state, later(LOCK_MS))).toBe(0);
    expect(lockedFor({ failures: 3, lockedUntil: null }, NOW)).toBe(0);
  });
});

describe('ThrottleCounters', () => {
  it('counts failures per key, locks at the limit, and forgets on reset', () => {
    const counters = new ThrottleCounters();
    for (let i = 1; i < LOCK_AFTER_FAILURES; i++) expect(counters.countFailure('ip:10.0.0.5', NOW)).toBe(i);
    expect(counters.state('ip:10.0.0.5').lockedUntil).toBeNull();
    expect(counters.state('ip:10.0.0.6')).toEqual({ failures: 0, lockedUntil: null });
    counters.countFailure('ip:10.0.0.5', NOW);
    expect(lockedFor(counters.state('ip:10.0.0.5'), NOW)).toBe(900);
    counters.reset('ip:10.0.0.5');
    expect(counters.state('ip:10.0.0.5')).toEqual({ failures: 0, lockedUntil: null });
  });

  it('stays bounded when flooded from ever new addresses', () => {
    const counters = new ThrottleCounters();
    for (let i = 0; i < 12_000; i++)
      counters.countFailure(`ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, NOW);
    expect(counters.size).toBeLessThanOrEqual(10_000);
  });
});
