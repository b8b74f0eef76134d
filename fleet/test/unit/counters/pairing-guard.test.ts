import { describe, expect, it } from 'vitest';
import {
  CLIENT_LOCK_MS,
  CLIENT_MAX_FAILURES,
  FLEET_WRONG_CODE_BUDGET,
  PairingGuard,
} from '../../../src/counters/pairing-guard.js';

const MINUTE = 60_000;

describe('PairingGuard', () => {
  it('locks a client after its wrong codes and lets it try again after the lock', () => {
    const guard = new PairingGuard();
    const left = [];
    for (let n = 0; n < CLIENT_MAX_FAILURES; n += 1) left.push(guard.fail('10.0.0.7', n * 1000).triesLeft);
    expect(left).toEqual([4, 3, 2, 1, 0]);
    const lockedAt = (CLIENT_MAX_FAILURES - 1) * 1000;
    expect(guard.check('10.0.0.7', lockedAt + MINUTE)).toEqual({
      locked: true,
      retryAfterMs: CLIENT_LOCK_MS - MINUTE,
    });
    expect(guard.check('10.0.0.8', lockedAt)).toEqual({ locked: false });
    expect(guard.check('10.0.0.7', lockedAt + CLIENT_LOCK_MS)).toEqual({ locked: false });
    // A new run of wrong codes starts from a full count.
    expect(guard.fail('10.0.0.7', lockedAt + CLIENT_LOCK_MS).triesLeft).toBe(CLIENT_MAX_FAILURES - 1);
  });

  it('forgets an old run of wrong codes and a client that typed the right one', () => {
    const guard = new PairingGuard();
    guard.fail('a', 0);
    guard.fail('a', 1000);
    expect(guard.fail('a', CLIENT_LOCK_MS + 2000).triesLeft).toBe(CLIENT_MAX_FAILURES - 1);
    guard.fail('b', 0);
    guard.succeed('b');
    expect(guard.fail('b', 1).triesLeft).toBe(CLIENT_MAX_FAILURES - 1);
  });

  it('asks for every code to be replaced once the fleet saw its budget of wrong codes', () => {
    const guard = new PairingGuard();
    const rotations = [];
    for (let n = 0; n < FLEET_WRONG_CODE_BUDGET * 2; n += 1)
      rotations.push(guard.fail(`client-${n}`, n).rotateAll);
    expect(rotations.filter(Boolean)).toHaveLength(2);
    expect(rotations[FLEET_WRONG_CODE_BUDGET - 1]).toBe(true);
    expect(rotations[FLEET_WRONG_CODE_BUDGET - 2]).toBe(false);
  });
});
