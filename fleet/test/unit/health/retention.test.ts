import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { loadFleetConfig } from '../../../src/config.js';
import { parseTelemetryRetention } from '../../../src/health/retention.js';

const DAY = 86_400_000;

function configError(value: string): GatecastError {
  try {
    loadFleetConfig({ GATECAST_TELEMETRY_RETENTION: value });
  } catch (error) {
    if (error instanceof GatecastError) return error;
    throw error;
  }
  throw new Error('expected loadFleetConfig to throw');
}

describe('GATECAST_TELEMETRY_RETENTION', () => {
  it('defaults to raw for 2 days, minutes for 30 days and hours for 2 years', () => {
    expect(loadFleetConfig({}).telemetryRetention).toEqual({
      rawMs: 2 * DAY,
      minuteMs: 30 * DAY,
      hourMs: 730 * DAY,
    });
  });

  it('reads every unit, and keeps the default of a tier left out', () => {
    const config = loadFleetConfig({ GATECAST_TELEMETRY_RETENTION: 'raw=36h, minute=2w' });
    expect(config.telemetryRetention).toEqual({
      rawMs: 36 * 3_600_000,
      minuteMs: 14 * DAY,
      hourMs: 730 * DAY,
    });
    expect(parseTelemetryRetention('raw=90m,minute=600s,hour=1y')).toEqual({
      ok: true,
      retention: { rawMs: 90 * 60_000, minuteMs: 600_000, hourMs: 365 * DAY },
    });
  });

  it('refuses what it cannot read with CONFIG_INVALID naming the variable and the fault', () => {
    const cases: Array<[string, string]> = [
      ['raw=2d,daily=1y', 'unknown tier "daily" (use raw, minute or hour)'],
      ['raw=2 days', 'unknown unit "days" in "raw=2 days" (use s, m, h, d, w or y)'],
      ['raw=two days', '"raw=two days" is not tier=duration, e.g. raw=2d'],
      ['raw=2d,minute=30mo', 'unknown unit "mo" in "minute=30mo" (use s, m, h, d, w or y)'],
      ['raw=2d,raw=3d', 'tier "raw" is given twice'],
      ['hour=30s', 'hour must be kept for at least 1m'],
      ['raw=-1d', '"raw=-1d" is not tier=duration, e.g. raw=2d'],
    ];
    for (const [value, reason] of cases) {
      const error = configError(value);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toBe(`GATECAST_TELEMETRY_RETENTION: ${reason} (got ${JSON.stringify(value)})`);
    }
  });
});
