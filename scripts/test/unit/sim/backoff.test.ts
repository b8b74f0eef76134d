import { describe, expect, it } from 'vitest';
import * as agent from '../../../../device/src/link/backoff.js';
import { afterConnection, agentPolicy, initialBackoff, nextBackoff } from '../../../sim/backoff.js';

/** The same pseudo-random sequence for both sides. */
function sequence(values: number[]) {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}

describe('the simulator reconnect backoff', () => {
  it('draws the same delays as the agent for the same randomness', () => {
    const policy = agentPolicy(30);
    const draws = [0.1, 0.9, 0.5, 0.99, 0, 0.7, 0.3, 0.95, 0.6, 0.2];
    const ours = sequence(draws);
    const theirs = sequence(draws);
    let mine = initialBackoff(policy);
    let real = agent.initialBackoff(policy);
    for (let attempt = 0; attempt < 20; attempt++) {
      const a = nextBackoff(policy, mine, ours);
      const b = agent.nextBackoff(policy, real, theirs);
      expect(a).toEqual(b);
      mine = a.state;
      real = b.state;
    }
    expect(mine.previousMs).toBeLessThanOrEqual(60_000);
  });

  it('uses the agent defaults: 1 s to 60 s, stable after two keepalives', () => {
    expect(agentPolicy(30)).toEqual({ minMs: 1_000, maxMs: 60_000, stableMs: 60_000 });
  });

  it('spreads the first retry of a storm over 1–3 s', () => {
    const policy = agentPolicy(30);
    expect(nextBackoff(policy, initialBackoff(policy), () => 0).delayMs).toBe(1_000);
    expect(nextBackoff(policy, initialBackoff(policy), () => 0.999999).delayMs).toBe(3_000);
  });

  it('starts over only after a stable connection', () => {
    const policy = agentPolicy(30);
    const grown = { attempt: 4, previousMs: 27_000 };
    expect(afterConnection(policy, grown, 59_999)).toEqual(grown);
    expect(afterConnection(policy, grown, 60_000)).toEqual(initialBackoff(policy));
  });
});
