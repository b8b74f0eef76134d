import type { DeviceView } from '../api/types.js';

/** What the overview shows for a screen: online, online but silent (stale), offline, never seen. */
export type ScreenState = 'online' | 'stale' | 'offline' | 'never-seen';

export const SCREEN_STATES: readonly ScreenState[] = ['online', 'stale', 'offline', 'never-seen'];

/** An agent sends health at least every minute; three minutes of silence means something is wrong. */
export const STALE_AFTER_MS = 3 * 60_000;

export interface ScreenStatus {
  state: ScreenState;
  /** Offline: since when. Stale: when it was last heard. Otherwise when it came online, if known. */
  since: string | null;
}

/**
 * The fleet's stored presence plus the dashboard's clock: "online" is only trusted while the
 * screen keeps talking. Times are the fleet's, so a screen's wrong clock cannot hide it.
 */
export function screenStatus(device: Pick<DeviceView, 'presence'>, nowMs: number): ScreenStatus {
  const { state, since, lastSeenAt } = device.presence;
  if (state === 'never-seen') return { state: 'never-seen', since: null };
  if (state === 'offline') return { state: 'offline', since: since ?? lastSeenAt };
  const heard = lastSeenAt === null ? NaN : Date.parse(lastSeenAt);
  if (Number.isNaN(heard) || nowMs - heard > STALE_AFTER_MS) return { state: 'stale', since: lastSeenAt };
  return { state: 'online', since };
}
