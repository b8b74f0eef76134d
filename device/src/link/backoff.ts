/**
 * Reconnect delays with decorrelated jitter (each delay is drawn between the minimum and three
 * times the previous delay, capped). Hundreds of screens that lose the fleet at the same moment
 * then come back spread out instead of in one storm, and a long outage costs one attempt per
 * `maxMs` at most. Pure: the caller keeps the state and supplies the randomness.
 */
export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
  /** A connection that stayed up at least this long proves the link works: start over. */
  stableMs: number;
}

export interface BackoffState {
  /** Failed attempts since the last stable connection. */
  attempt: number;
  previousMs: number;
}

export function initialBackoff(policy: BackoffPolicy): BackoffState {
  return { attempt: 0, previousMs: policy.minMs };
}

/** The delay before the next attempt, and the state after it. `random` returns [0, 1). */
export function nextBackoff(
  policy: BackoffPolicy,
  state: BackoffState,
  random: () => number,
): { delayMs: number; state: BackoffState } {
  const min = policy.minMs;
  const max = Math.max(policy.maxMs, min);
  const upper = Math.min(max, Math.max(min, state.previousMs * 3));
  const delayMs = Math.round(min + clamp01(random()) * (upper - min));
  return { delayMs, state: { attempt: state.attempt + 1, previousMs: delayMs } };
}

/** Called when a connection ends: one that lasted long enough resets the growth. */
export function afterConnection(policy: BackoffPolicy, state: BackoffState, upForMs: number): BackoffState {
  return upForMs >= policy.stableMs ? initialBackoff(policy) : state;
}

function clamp01(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
