import { describe, expect, it } from 'vitest';
import { orderOf, parseApiOptions, rowOf, summariseApi } from '../../../bench-api-stats.js';

describe('parseApiOptions', () => {
  it('defaults to 10k screens, 5 rounds of 15 s, 4 connections, the device list', () => {
    expect(parseApiOptions([])).toEqual({
      quick: false,
      screens: 10_000,
      rounds: 5,
      seconds: 15,
      connections: 4,
      settle: 40,
      path: '/api/v1/devices',
      profile: null,
    });
    expect(parseApiOptions(['--quick'])).toMatchObject({ screens: 1_000, rounds: 3, seconds: 5 });
  });

  it('explains what is wrong', () => {
    expect(() => parseApiOptions(['--screens', '0'])).toThrow('--screens: a whole number from 1');
    expect(() => parseApiOptions(['--path', 'http://elsewhere/'])).toThrow('--path');
  });
});

describe('B6 arithmetic', () => {
  it('reads the figures of one autocannon result, counting every kind of failure', () => {
    const result = {
      requests: { total: 40, average: 2.5 },
      latency: { p50: 300, p99: 900, max: 950 },
      throughput: { total: 40 * 1_000_000 },
      errors: 1,
      timeouts: 2,
      non2xx: 3,
    };
    expect(rowOf(result)).toEqual({
      requests: 40,
      rps: 2.5,
      p50: 300,
      p99: 900,
      max: 950,
      errors: 6,
      bytesPerResponse: 1_000_000,
    });
  });

  it('compares the medians of loaded and idle p99 against the 2 × goal', () => {
    const row = (subject: 'idle' | 'loaded', p99: number) => ({
      subject,
      requests: 10,
      rps: 1,
      p50: p99 / 2,
      p99,
      max: p99,
      errors: 0,
      bytesPerResponse: 1,
    });
    const met = summariseApi([row('idle', 100), row('loaded', 150), row('idle', 120), row('loaded', 210)]);
    expect(met.p99Ratio).toBeCloseTo(180 / 110);
    expect(met.met).toBe(true);
    expect(met.loaded.worstP99).toBe(210);
    const missed = summariseApi([row('idle', 100), row('loaded', 250)]);
    expect(missed.met).toBe(false);
  });

  it('swaps which subject goes first every round', () => {
    expect([1, 2, 3].map(orderOf)).toEqual([
      ['idle', 'loaded'],
      ['loaded', 'idle'],
      ['idle', 'loaded'],
    ]);
  });
});
