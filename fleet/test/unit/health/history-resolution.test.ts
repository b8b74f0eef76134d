import { describe, expect, it } from 'vitest';
import { planHistory } from '../../../src/health/history-resolution.js';
import { DEFAULT_TELEMETRY_RETENTION } from '../../../src/health/retention.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const nowMs = Date.parse('2026-11-26T09:00:00.000Z');
const context = { nowMs, retention: DEFAULT_TELEMETRY_RETENTION };
const last = (ms: number) => ({ fromMs: nowMs - ms, toMs: nowMs });

describe('planHistory (auto)', () => {
  it('reads raw samples for the last 6 hours', () => {
    expect(planHistory(last(6 * HOUR), 'auto', context)).toEqual({ resolution: 'raw', stepMs: null });
  });

  it('groups minutes into 10-minute points for 2 days (288 points)', () => {
    expect(planHistory(last(2 * DAY), 'auto', context)).toEqual({
      resolution: 'minute',
      stepMs: 10 * 60_000,
    });
  });

  it('reads hours for 30 days and groups them into days for a year', () => {
    expect(planHistory(last(30 * DAY), 'auto', context)).toEqual({ resolution: 'hour', stepMs: 2 * HOUR });
    expect(planHistory(last(365 * DAY), 'auto', context)).toEqual({ resolution: 'hour', stepMs: DAY });
  });

  it('falls back to a coarser tier when the finer one no longer holds the start of the range', () => {
    const threeDaysAgo = { fromMs: nowMs - 3 * DAY, toMs: nowMs - 3 * DAY + HOUR };
    expect(planHistory(threeDaysAgo, 'auto', context)).toEqual({ resolution: 'minute', stepMs: 60_000 });
    const twoMonthsAgo = { fromMs: nowMs - 60 * DAY, toMs: nowMs - 60 * DAY + HOUR };
    expect(planHistory(twoMonthsAgo, 'auto', context)).toEqual({ resolution: 'hour', stepMs: HOUR });
  });

  it('keeps an explicit resolution at its native step', () => {
    expect(planHistory(last(30 * DAY), 'raw', context)).toEqual({ resolution: 'raw', stepMs: null });
    expect(planHistory(last(DAY), 'minute', context)).toEqual({ resolution: 'minute', stepMs: 60_000 });
    expect(planHistory(last(DAY), 'hour', context)).toEqual({ resolution: 'hour', stepMs: HOUR });
  });
});
