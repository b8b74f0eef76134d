import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterConnection, initialBackoff, nextBackoff, type BackoffPolicy } from '../../src/link/backoff.js';

const policy: BackoffPolicy = { minMs: 1_000, maxMs: 60_000, stableMs: 60_000 };

function delays(count: number, random: () => number, from = initialBackoff(policy)): number[] {
  const out: number[] = [];
  let state = from;
  for (let i = 0; i < count; i++) {
    const next = nextBackoff(policy, state, random);
    out.push(next.delayMs);
    state = next.state;
  }
  return out;
}

describe('reconnect backoff', () => {
  it('keeps every delay between the minimum and the maximum, whatever the randomness', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (rolls) => {
          let index = 0;
          const random = (): number => rolls[index++ % rolls.length] ?? 0;
          for (const delay of delays(60, random)) {
            expect(delay).toBeGreaterThanOrEqual(policy.minMs);
            expect(delay).toBeLessThanOrEqual(policy.maxMs);
          }
        },
      ),
    );
  });

  it('stays in bounds even when the random source misbehaves', () => {
    for (const bad of [-1, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const delay of delays(20, () => bad)) {
        expect(delay).toBeGreaterThanOrEqual(policy.minMs);
        expect(delay).toBeLessThanOrEqual(policy.maxMs);
      }
    }
  });

  it('grows geometrically up to the cap when the dice roll high', () => {
    expect(delays(6, () => 0.999999)).toEqual([3_000, 9_000, 27_000, 60_000, 60_000, 60_000]);
  });

  it('grows on average: late attempts wait far longer than the first ones', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const runs = Array.from({ length: 200 }, () => delays(12, random));
    const mean = (attempt: number): number =>
      runs.reduce((sum, run) => sum + (run[attempt] ?? 0), 0) / runs.length;
    expect(mean(0)).toBeLessThan(3_000);
    expect(mean(10)).toBeGreaterThan(5 * mean(0));
  });

  it('spreads a fleet: screens that fail together do not retry together', () => {
    const firstDelays = new Set(
      Array.from(
        { length: 100 },
        (_, i) => nextBackoff(policy, initialBackoff(policy), () => i / 100).delayMs,
      ),
    );
    expect(firstDelays.size).toBeGreaterThan(90);
  });

  it('counts attempts', () => {
    const first = nextBackoff(policy, initialBackoff(policy), () => 0.5);
    const second = nextBackoff(policy, first.state, () => 0.5);
    expect([first.state.attempt, second.state.attempt]).toEqual([1, 2]);
  });

  it('starts over after a connection that stayed up, not after a short one', () => {
    let state = initialBackoff(policy);
    for (let i = 0; i < 8; i++) state = nextBackoff(policy, state, () => 0.9).state;
    expect(afterConnection(policy, state, 5_000)).toEqual(state);
    const reset = afterConnection(policy, state, policy.stableMs);
    expect(reset).toEqual(initialBackoff(policy));
    expect(nextBackoff(policy, reset, () => 0.999999).delayMs).toBe(3_000);
  });

  it('treats a maximum below the minimum as the minimum', () => {
    const odd: BackoffPolicy = { minMs: 5_000, maxMs: 1_000, stableMs: 1 };
    expect(nextBackoff(odd, initialBackoff(odd), () => 0.9).delayMs).toBe(5_000);
  });
});
