import { describe, expect, it } from 'vitest';
import { isClockTrusted } from '../../../src/evaluation/clock-trust.js';

const buildTime = new Date('2025-05-20T00:00:00Z');

describe('isClockTrusted', () => {
  it.each([
    ['after the build, synchronised', '2025-06-02T12:00Z', true, true],
    ['after the build, synchronisation unknown (no timedatectl)', '2025-06-02T12:00Z', null, true],
    ['exactly the build time', '2025-05-20T00:00Z', true, true],
    ['after the build, but never synchronised', '2025-06-02T12:00Z', false, false],
    ['before the build: a board without RTC booting in 1970', '1970-01-01T00:00:10Z', null, false],
    ['before the build, even if it claims to be synchronised', '2025-05-19T23:59Z', true, false],
  ] as const)('%s → %s', (_case, now, synchronized, expected) => {
    expect(isClockTrusted({ now: new Date(now), buildTime, synchronized })).toBe(expected);
  });

  it('does not trust a clock that reads no time at all', () => {
    expect(isClockTrusted({ now: new Date(Number.NaN), buildTime, synchronized: true })).toBe(false);
  });
});
