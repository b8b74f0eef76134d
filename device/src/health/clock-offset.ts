import { performance } from 'node:perf_hooks';
import type { Clock } from '../lib/clock.js';

/** Beyond this round trip the estimate says more about the network than about the clock. */
export const MAX_ROUND_TRIP_MS = 2_000;

/**
 * The device clock minus the fleet's, from an HTTP `Date` header (negative: the device is behind).
 * The header has whole seconds, truncated, so the fleet's time lay in [date, date + 1 s): its
 * middle is compared with the middle of the round trip. Good to about ±0.5 s, plenty for drift
 * alerts; null for a header that does not parse or a round trip too slow to say.
 */
export function offsetFromDateHeader(
  dateHeader: string | null,
  deviceSentAt: Date,
  roundTripMs: number,
): number | null {
  const fleetMs = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
  if (!Number.isFinite(fleetMs) || roundTripMs < 0 || roundTripMs > MAX_ROUND_TRIP_MS) return null;
  const deviceMidpoint = deviceSentAt.getTime() + roundTripMs / 2;
  return Math.round(deviceMidpoint - (fleetMs + 500));
}

export interface ClockOffsetProbe {
  /** Asks the fleet now; null when it cannot be known. */
  read(): Promise<number | null>;
}

/**
 * Asks the fleet's `/healthz` (public, cheap, left out of its request log) and reads the `Date`
 * every HTTP answer carries. Without a fleet address the offset is unknown.
 */
export function createClockOffsetProbe(options: {
  fleetUrl: string | undefined;
  clock: Clock;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): ClockOffsetProbe {
  const fetchFn = options.fetch ?? fetch;
  return {
    async read() {
      if (options.fleetUrl === undefined) return null;
      const url = `${options.fleetUrl.replace(/\/+$/, '')}/healthz`;
      const sentAt = options.clock.now();
      const started = performance.now();
      try {
        const response = await fetchFn(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
        const roundTripMs = performance.now() - started;
        await response.body?.cancel();
        return offsetFromDateHeader(response.headers.get('date'), sentAt, roundTripMs);
      } catch {
        return null;
      }
    },
  };
}
