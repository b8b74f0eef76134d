// The agent's reconnect policy (device/src/link/backoff.ts, ADR 3), mirrored for the simulator so a
// reconnect storm is shaped like a real fleet's: decorrelated jitter, each delay drawn between the
// minimum and three times the previous one, capped; a connection that stayed up long enough starts
// over. Pure; a unit test checks it against the agent's own functions.

/** The agent's defaults (protocol/src/agent-config.ts) and its stable link: two keepalives. */
export function agentPolicy(keepaliveSec) {
  return { minMs: 1_000, maxMs: 60_000, stableMs: 2_000 * keepaliveSec };
}

export function initialBackoff(policy) {
  return { attempt: 0, previousMs: policy.minMs };
}

/** The delay before the next attempt and the state after it; `random` returns [0, 1). */
export function nextBackoff(policy, state, random) {
  const min = policy.minMs;
  const max = Math.max(policy.maxMs, min);
  const upper = Math.min(max, Math.max(min, state.previousMs * 3));
  const delayMs = Math.round(min + clamp01(random()) * (upper - min));
  return { delayMs, state: { attempt: state.attempt + 1, previousMs: delayMs } };
}

export function afterConnection(policy, state, upForMs) {
  return upForMs >= policy.stableMs ? initialBackoff(policy) : state;
}

function clamp01(value) {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
