import type { TelemetrySample } from '@gatecast/protocol';
import type { PresenceState } from '../devices/device-row.js';

/** One screen's health at a glance, for the gate summary, /metrics and alerts. Pure. */
export const SCREEN_HEALTH_STATES = ['up', 'dark', 'stale', 'offline', 'never-seen'] as const;
export type ScreenHealth = (typeof SCREEN_HEALTH_STATES)[number];

/** 3 × the agent's default telemetry interval (healthIntervalSec = 60): two lost samples are not yet stale. */
export const DEFAULT_STALE_AFTER_MS = 180_000;

/** DeviceRecord satisfies this as it is. */
export interface ScreenHealthInput {
  presence: { state: PresenceState; lastSeenAt: string | null };
  lastTelemetry: TelemetrySample | null;
  lastTelemetryAt: string | null;
}

export type DarkReason = 'display-black' | 'cec-standby' | 'hdmi-disconnected';

/**
 * offline and never-seen come from presence. An online screen whose last sample (or, before its
 * first, its last sign of life) is older than staleAfterMs is stale: what it last said about its
 * display can no longer be trusted, so staleness wins over darkness. Then dark, else up.
 */
export function classifyScreen(
  screen: ScreenHealthInput,
  options: { now: Date; staleAfterMs?: number },
): ScreenHealth {
  if (screen.presence.state !== 'online') return screen.presence.state;
  const heardAt = screen.lastTelemetryAt ?? screen.presence.lastSeenAt;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  if (heardAt === null || options.now.getTime() - Date.parse(heardAt) > staleAfterMs) return 'stale';
  return darkReason(screen.lastTelemetry) ? 'dark' : 'up';
}

/** Why the sample says nothing is seen on the screen; null when it does not say so. */
export function darkReason(sample: TelemetrySample | null): DarkReason | null {
  const display = sample?.display;
  if (!display) return null;
  if (display.hdmi === 'disconnected') return 'hdmi-disconnected';
  if (display.cecPower === 'standby') return 'cec-standby';
  if (display.black === true) return 'display-black';
  return null;
}
