import type { ApiClient } from './client.js';

/** One point of a screen's health history (GET /api/v1/devices/:id/health). */
export interface HealthPoint {
  at: string;
  samples: number;
  cpuLoad: number | null;
  temperatureC: number | null;
  temperatureMaxC: number | null;
  memoryPercent: number | null;
  diskPercent: number | null;
  agentRssBytes: number | null;
  browserMemoryBytes: number | null;
  wifiSignalDbm: number | null;
  clockOffsetMs: number | null;
  underVoltage: boolean;
  throttled: boolean;
  displayBlack: boolean;
  displayFrozen: boolean;
  cecStandby: boolean;
}

export interface DeviceHealthHistory {
  resolution: 'raw' | 'minute' | 'hour';
  /** Width of one point; null for raw samples. */
  stepSec: number | null;
  from: string;
  to: string;
  truncated: boolean;
  points: HealthPoint[];
}

/** Screens per health state at one gate (GET /api/v1/gates/health). */
export interface GateHealthSummary {
  gateId: string;
  name: string;
  screens: number;
  up: number;
  dark: number;
  stale: number;
  offline: number;
  neverSeen: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The ranges the device page offers, newest data on the right. */
export const HEALTH_RANGES = {
  '6h': 6 * HOUR_MS,
  '2d': 2 * DAY_MS,
  '30d': 30 * DAY_MS,
  '1y': 365 * DAY_MS,
} as const;
export type HealthRange = keyof typeof HEALTH_RANGES;

/** The last `range` up to now; the fleet picks the resolution (about 500 points at most). */
export function fetchDeviceHealth(
  api: ApiClient,
  deviceId: string,
  range: HealthRange,
  nowMs: number,
): Promise<DeviceHealthHistory> {
  const query = new URLSearchParams({
    from: new Date(nowMs - HEALTH_RANGES[range]).toISOString(),
    to: new Date(nowMs).toISOString(),
  });
  return api.get<DeviceHealthHistory>(`/api/v1/devices/${encodeURIComponent(deviceId)}/health?${query}`);
}

export async function fetchGatesHealth(api: ApiClient): Promise<GateHealthSummary[]> {
  return (await api.get<{ gates: GateHealthSummary[] }>('/api/v1/gates/health')).gates;
}
