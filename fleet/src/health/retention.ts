import { z } from 'zod';

/** How long each tier of telemetry history is kept (GATECAST_TELEMETRY_RETENTION). */
export interface TelemetryRetention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export const DEFAULT_TELEMETRY_RETENTION_TEXT = 'raw=2d,minute=30d,hour=2y';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A year is 365 days: retention is about disk space, not calendars. */
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: MINUTE_MS,
  h: 60 * MINUTE_MS,
  d: DAY_MS,
  w: 7 * DAY_MS,
  y: 365 * DAY_MS,
};

const TIER_KEYS = { raw: 'rawMs', minute: 'minuteMs', hour: 'hourMs' } as const;

export const DEFAULT_TELEMETRY_RETENTION: TelemetryRetention = {
  rawMs: 2 * DAY_MS,
  minuteMs: 30 * DAY_MS,
  hourMs: 2 * 365 * DAY_MS,
};

export type RetentionParse = { ok: true; retention: TelemetryRetention } | { ok: false; reason: string };

/**
 * `raw=2d,minute=30d,hour=2y`; a tier left out keeps its default. Units: s, m (minutes), h, d, w, y.
 * A tier must keep at least a minute, or its rows would go before they are folded into the next.
 */
export function parseTelemetryRetention(text: string): RetentionParse {
  const retention = { ...DEFAULT_TELEMETRY_RETENTION };
  const seen = new Set<string>();
  for (const part of text.split(',').map((piece) => piece.trim())) {
    const match = /^([a-z]+)\s*=\s*(\d+)\s*([a-z]+)$/.exec(part);
    if (!match) return { ok: false, reason: `"${part}" is not tier=duration, e.g. raw=2d` };
    const [, tier = '', amount = '', unit = ''] = match;
    if (!(tier in TIER_KEYS))
      return { ok: false, reason: `unknown tier "${tier}" (use raw, minute or hour)` };
    if (seen.has(tier)) return { ok: false, reason: `tier "${tier}" is given twice` };
    seen.add(tier);
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) {
      return { ok: false, reason: `unknown unit "${unit}" in "${part}" (use s, m, h, d, w or y)` };
    }
    const ms = Number(amount) * unitMs;
    if (ms < MINUTE_MS) return { ok: false, reason: `${tier} must be kept for at least 1m` };
    retention[TIER_KEYS[tier as keyof typeof TIER_KEYS]] = ms;
  }
  return { ok: true, retention };
}

/** For loadFleetConfig: the reason becomes CONFIG_INVALID naming the variable. */
export const telemetryRetentionSchema = z.string().transform((text, context) => {
  const parsed = parseTelemetryRetention(text);
  if (parsed.ok) return parsed.retention;
  context.addIssue({ code: 'custom', message: parsed.reason });
  return z.NEVER;
});
