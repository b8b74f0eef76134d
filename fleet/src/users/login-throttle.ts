/**
 * How sign-in attempts are slowed and locked, per username and per client address. The policy is
 * pure; the per-address counters live in memory (they matter for minutes, not across restarts).
 */
export const DELAY_AFTER_FAILURES = 3;
export const LOCK_AFTER_FAILURES = 10;
export const LOCK_MS = 15 * 60 * 1000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5_000;
/** Addresses are forgotten once quiet this long, so a scan of many addresses cannot grow memory forever. */
const FORGET_AFTER_MS = LOCK_MS;
const MAX_TRACKED_KEYS = 10_000;

export interface ThrottleState {
  failures: number;
  lockedUntil: string | null;
}

/** 0 for the first attempts, then 1 s, 2 s, 4 s… capped at 5 s, given the failures before this attempt. */
export function delayFor(failuresBefore: number): number {
  if (failuresBefore < DELAY_AFTER_FAILURES) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failuresBefore - DELAY_AFTER_FAILURES), MAX_DELAY_MS);
}

/** Whole seconds until the lock ends (at least 1), or 0 when not locked. */
export function lockedFor(state: ThrottleState, now: Date): number {
  if (state.lockedUntil === null) return 0;
  const left = Date.parse(state.lockedUntil) - now.getTime();
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/** When `failures` reaches the limit, the lock's end; null below it. */
export function lockUntil(failures: number, now: Date): string | null {
  return failures >= LOCK_AFTER_FAILURES ? new Date(now.getTime() + LOCK_MS).toISOString() : null;
}

interface Tracked extends ThrottleState {
  lastAt: number;
}

/** Failure counters for keys that have no row of their own: client addresses and unknown usernames. */
export class ThrottleCounters {
  private readonly entries = new Map<string, Tracked>();

  state(key: string): ThrottleState {
    const entry = this.entries.get(key);
    return entry
      ? { failures: entry.failures, lockedUntil: entry.lockedUntil }
      : { failures: 0, lockedUntil: null };
  }

  /** Counts one more failure and returns the new count, locking at the limit. */
  countFailure(key: string, now: Date): number {
    this.forgetQuiet(now);
    const entry = this.entries.get(key) ?? { failures: 0, lockedUntil: null, lastAt: 0 };
    entry.failures += 1;
    entry.lastAt = now.getTime();
    entry.lockedUntil = lockUntil(entry.failures, now) ?? entry.lockedUntil;
    this.entries.set(key, entry);
    return entry.failures;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private forgetQuiet(now: Date): void {
    if (this.entries.size < MAX_TRACKED_KEYS) return;
    for (const [key, entry] of this.entries) {
      const lockOver = lockedFor(entry, now) === 0;
      if (lockOver && now.getTime() - entry.lastAt > FORGET_AFTER_MS) this.entries.delete(key);
    }
    // Still full: a flood from ever new addresses. Dropping the oldest keeps memory bounded.
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_TRACKED_KEYS) break;
      this.entries.delete(key);
    }
  }
}
