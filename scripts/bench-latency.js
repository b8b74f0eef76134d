// Pure parts of B4 (bench-offline.js): each screen's last outgoing packet, last packet → detection
// latencies, their summary, and the goal. Times are milliseconds on this machine's clock.
import { percentile } from './bench-support.js';

/** The latest outgoing packet per screen, as the simulator workers report them. */
export class LastPackets {
  constructor() {
    this.latest = new Map();
  }

  record(deviceId, at) {
    if (!(this.latest.get(deviceId) >= at)) this.latest.set(deviceId, at);
  }

  /**
   * Each screen's last packet at or before `cut` (the moment its worker was frozen or killed).
   * A screen whose latest packet is after `cut` has no answer: its earlier packet was not kept.
   */
  snapshot(cut = Infinity) {
    const result = new Map();
    for (const [deviceId, at] of this.latest) if (at <= cut) result.set(deviceId, at);
    return result;
  }
}

/**
 * For every screen in `deviceIds`: its detection time minus its last packet. A screen with no
 * detection (or no known last packet) counts as missing, never as a zero.
 */
export function detectionLatencies(deviceIds, lastPacketAt, detectedAt) {
  const values = [];
  let missing = 0;
  for (const deviceId of deviceIds) {
    const last = lastPacketAt.get(deviceId);
    const detected = detectedAt.get(deviceId);
    if (last === undefined || detected === undefined) missing += 1;
    else values.push(detected - last);
  }
  return { values, missing };
}

/** p50 / p95 / p99 / max of one round's latencies (nearest rank); NaN when nothing was detected. */
export function summarise(values) {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? NaN : Math.max(...values),
  };
}

/** The B4 goal for half-open links: detected within 1.05 × 1.5 × keepalive at p99. */
export function halfOpenGoalMs(keepaliveSec) {
  return 1.05 * 1.5 * keepaliveSec * 1000;
}

/** The B4 goal for links that close: detected within a second. */
export const CLOSE_GOAL_MS = 1_000;

/**
 * The transitions in one request of the generic `webhook` alert channel: `{ deliveries: [{ transition }] }`
 * (one element per alert, many when the outbox sends a burst together), or a single transition, bare or
 * wrapped. Each as its screen, kind, rule, id and the fleet's time it was recorded; a body that holds
 * none (e.g. the channel's test message) gives an empty list.
 */
export function transitionsOf(body) {
  const candidates = Array.isArray(body?.deliveries)
    ? body.deliveries.map((delivery) => delivery?.transition)
    : [body?.transition ?? body];
  return candidates.flatMap((transition) => {
    const deviceId = transition?.device?.id;
    const kind = transition?.kind;
    if (typeof deviceId !== 'string' || typeof kind !== 'string') return [];
    const recordedAt = typeof transition.at === 'string' ? Date.parse(transition.at) : NaN;
    return [{ deviceId, kind, rule: transition.rule ?? null, id: transition.id ?? null, recordedAt }];
  });
}
