import { describe, expect, it } from 'vitest';
import { percentOf, uptimeIn, type PresenceChange } from '../../../src/reports/uptime.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
const window = { from: T0, to: T0 + 100 * HOUR };

describe('uptime from presence history', () => {
  it('counts online time inside the window, from enrolment, offline before the first connect', () => {
    const history: PresenceChange[] = [
      { state: 'enrolled', at: at(10) },
      { state: 'online', at: at(20) },
      { state: 'offline', at: at(50) },
      { state: 'online', at: at(60) },
    ];
    expect(uptimeIn(history, window)).toEqual({ observedMs: 90 * HOUR, onlineMs: 70 * HOUR });
  });

  it('carries the state from before the window in, and clips at both ends', () => {
    const history: PresenceChange[] = [
      { state: 'enrolled', at: at(-500) },
      { state: 'online', at: at(-400) },
      { state: 'offline', at: at(40) },
      { state: 'online', at: at(90) },
      { state: 'offline', at: at(150) },
    ];
    expect(uptimeIn(history, window)).toEqual({ observedMs: 100 * HOUR, onlineMs: 50 * HOUR });
  });

  it('stops observing at removal', () => {
    const history: PresenceChange[] = [
      { state: 'enrolled', at: at(0) },
      { state: 'online', at: at(0) },
      { state: 'removed', at: at(25) },
    ];
    expect(uptimeIn(history, window)).toEqual({ observedMs: 25 * HOUR, onlineMs: 25 * HOUR });
  });

  it('starts from knownSince for a screen enrolled before presence was recorded', () => {
    expect(uptimeIn([{ state: 'online', at: at(30) }], window, T0 - 10 * HOUR)).toEqual({
      observedMs: 100 * HOUR,
      onlineMs: 70 * HOUR,
    });
    expect(uptimeIn([], window, T0 + 50 * HOUR)).toEqual({ observedMs: 50 * HOUR, onlineMs: 0 });
  });

  it('observes nothing for a screen enrolled after the window, and gives no share of nothing', () => {
    expect(uptimeIn([{ state: 'enrolled', at: at(120) }], window)).toEqual({ observedMs: 0, onlineMs: 0 });
    expect(percentOf(0, 0)).toBeNull();
    expect(percentOf(355, 365)).toBe(97.3);
    expect(percentOf(1, 1)).toBe(100);
  });
});
