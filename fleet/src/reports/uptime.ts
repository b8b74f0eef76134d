/** One row of a screen's presence history, oldest first. */
export interface PresenceChange {
  state: 'enrolled' | 'online' | 'offline' | 'removed';
  /** ISO instant. */
  at: string;
}

export interface Uptime {
  /** How long the screen existed inside the window (enrolment to removal, clipped). */
  observedMs: number;
  onlineMs: number;
}

/**
 * How long a screen was online inside [from, to), from its presence history. Pure.
 *
 * `history` is every change up to `to`, oldest first, including the last one before `from` (it
 * carries the state into the window). The screen is observed from its enrolment (or, for a
 * screen enrolled before presence was recorded, from `knownSince` or its first change) until its
 * removal; before its first `online` it counts as offline, never as unknown: a screen nobody saw
 * showed nothing.
 */
export function uptimeIn(
  history: readonly PresenceChange[],
  window: { from: number; to: number },
  knownSince?: number,
): Uptime {
  let observedMs = 0;
  let onlineMs = 0;
  let state: PresenceChange['state'] | 'unknown' = knownSince === undefined ? 'unknown' : 'enrolled';
  let since = knownSince ?? Number.NaN;
  const close = (until: number) => {
    if (state === 'unknown' || state === 'removed') return;
    const start = Math.max(since, window.from);
    const end = Math.min(until, window.to);
    if (end <= start) return;
    observedMs += end - start;
    if (state === 'online') onlineMs += end - start;
  };
  for (const change of history) {
    const at = Date.parse(change.at);
    if (Number.isNaN(at) || at >= window.to) break;
    // A first row that is not the enrolment still starts the observation (history kept from mid-life).
    if (state === 'unknown') {
      state = change.state;
      since = at;
      continue;
    }
    close(at);
    state = change.state;
    since = at;
  }
  close(window.to);
  return { observedMs, onlineMs };
}

/** A share in percent with one decimal, or null when nothing was observed. */
export function percentOf(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}
