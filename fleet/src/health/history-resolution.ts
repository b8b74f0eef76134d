import type { TelemetryRetention } from './retention.js';
import { HOUR_MS, MINUTE_MS } from './time-buckets.js';

export const HEALTH_RESOLUTIONS = ['raw', 'minute', 'hour'] as const;
export type HealthResolution = (typeof HEALTH_RESOLUTIONS)[number];

/** What a chart can draw legibly; auto aims at no more than this many points. */
export const TARGET_POINTS = 500;

/** Screens sample once a minute unless told otherwise (agent healthIntervalSec). */
const EXPECTED_SAMPLE_MS = MINUTE_MS;

/** Point widths auto rounds to, so buckets start on whole minutes, hours and days. */
const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map(
  (minutes) => minutes * MINUTE_MS,
);

export interface HistoryPlan {
  resolution: HealthResolution;
  /** Width of one point; null for raw, where each sample is a point. */
  stepMs: number | null;
}

/**
 * auto: raw when it still holds the whole range and that is few enough samples; otherwise the
 * finest rollup tier that still holds `from`, grouped into nice steps of about TARGET_POINTS.
 * Pure: `now` and the retention decide which tiers still hold the start of the range.
 */
export function planHistory(
  range: { fromMs: number; toMs: number },
  requested: HealthResolution | 'auto',
  context: { nowMs: number; retention: TelemetryRetention },
): HistoryPlan {
  if (requested === 'raw') return { resolution: 'raw', stepMs: null };
  if (requested === 'minute') return { resolution: 'minute', stepMs: MINUTE_MS };
  if (requested === 'hour') return { resolution: 'hour', stepMs: HOUR_MS };
  const spanMs = Math.max(0, range.toMs - range.fromMs);
  const holds = (retentionMs: number) => range.fromMs >= context.nowMs - retentionMs;
  const { retention } = context;
  if (spanMs / EXPECTED_SAMPLE_MS <= TARGET_POINTS && holds(retention.rawMs)) {
    return { resolution: 'raw', stepMs: null };
  }
  const wanted = spanMs / TARGET_POINTS;
  const stepMs = NICE_STEPS_MS.find((step) => step >= wanted) ?? Math.ceil(wanted / HOUR_MS) * HOUR_MS;
  if (stepMs < HOUR_MS && holds(retention.minuteMs)) return { resolution: 'minute', stepMs };
  return { resolution: 'hour', stepMs: Math.max(stepMs, HOUR_MS) };
}
