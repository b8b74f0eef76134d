import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, screenStatus } from '../../../web/src/model/screen-state.js';
import { NOW, deviceView, minutesAgo } from './device-fixture.js';

describe('screenStatus', () => {
  it('is online while the screen keeps talking, since it came online', () => {
    const device = deviceView({
      presence: { state: 'online', since: minutesAgo(60), lastSeenAt: minutesAgo(2) },
    });
    expect(screenStatus(device, NOW)).toEqual({ state: 'online', since: minutesAgo(60) });
  });

  it('is stale when online but nothing was heard for three minutes, since it was last heard', () => {
    const heard = new Date(NOW - STALE_AFTER_MS - 1).toISOString();
    const device = deviceView({ presence: { state: 'online', since: minutesAgo(60), lastSeenAt: heard } });
    expect(screenStatus(device, NOW)).toEqual({ state: 'stale', since: heard });
    const justInTime = new Date(NOW - STALE_AFTER_MS).toISOString();
    expect(
      screenStatus(deviceView({ presence: { state: 'online', since: null, lastSeenAt: justInTime } }), NOW)
        .state,
    ).toBe('online');
  });

  it('is stale when online without any time heard (a damaged row is not trusted)', () => {
    expect(
      screenStatus(deviceView({ presence: { state: 'online', since: null, lastSeenAt: null } }), NOW).state,
    ).toBe('stale');
  });

  it('is offline since the moment it went offline, or since last heard when that is unknown', () => {
    expect(
      screenStatus(
        deviceView({ presence: { state: 'offline', since: minutesAgo(5), lastSeenAt: minutesAgo(6) } }),
        NOW,
      ),
    ).toEqual({
      state: 'offline',
      since: minutesAgo(5),
    });
    expect(
      screenStatus(
        deviceView({ presence: { state: 'offline', since: null, lastSeenAt: minutesAgo(6) } }),
        NOW,
      ),
    ).toEqual({
      state: 'offline',
      since: minutesAgo(6),
    });
  });

  it('is never seen for a screen that has not connected yet', () => {
    expect(
      screenStatus(deviceView({ presence: { state: 'never-seen', since: null, lastSeenAt: null } }), NOW),
    ).toEqual({
      state: 'never-seen',
      since: null,
    });
  });
});
