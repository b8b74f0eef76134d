import type { DeviceView } from '../../../web/src/api/types.js';

export const NOW = Date.parse('2025-03-01T08:00:00.000Z');

export const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

/** A device as the API lists it: online, heard a minute ago, in sync; override what a test needs. */
export function deviceView(overrides: Partial<DeviceView> = {}): DeviceView {
  return {
    id: 'cat-bi-belt-01',
    name: 'Arrivals hall, belt 1',
    gateId: 'cat-bi-airport',
    zoneId: 'arrivals-hall',
    tags: [],
    createdAt: minutesAgo(600),
    presence: { state: 'online', since: minutesAgo(60), lastSeenAt: minutesAgo(1) },
    connected: true,
    agentVersion: '0.1.0',
    desiredVersion: 3,
    appliedVersion: 3,
    inSync: true,
    reported: null,
    lastTelemetry: null,
    lastTelemetryAt: null,
    ...overrides,
  };
}
