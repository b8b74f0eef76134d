/** Quick first retries: a screen must be back within 5 s of a crash (W1). */
const DELAYS_MS = [250, 1_000, 2_000, 3_000, 4_000];
const MAX_DELAY_MS = 30_000;
/** A browser that stayed up this long counts as healthy again. */
export const STABLE_AFTER_MS = 60_000;

/** Delay before relaunch number `attempt` (0-based) of a run of failures. */
export function restartDelayMs(attempt: number): number {
  if (attempt < DELAYS_MS.length) return DELAYS_MS[attempt] ?? 0;
  return Math.min(MAX_DELAY_MS, 4_000 * 2 ** (attempt - DELAYS_MS.length + 1));
}
