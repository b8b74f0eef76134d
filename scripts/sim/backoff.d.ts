// Types for backoff.js, for its unit test (scripts/test/unit/sim/).
export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
  stableMs: number;
}
export interface BackoffState {
  attempt: number;
  previousMs: number;
}
export function agentPolicy(keepaliveSec: number): BackoffPolicy;
export function initialBackoff(policy: BackoffPolicy): BackoffState;
export function nextBackoff(
  policy: BackoffPolicy,
  state: BackoffState,
  random: () => number,
): { delayMs: number; state: BackoffState };
export function afterConnection(policy: BackoffPolicy, state: BackoffState, upForMs: number): BackoffState;
