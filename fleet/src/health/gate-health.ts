import type { DeviceRecord } from '../devices/device-row.js';
import { classifyScreen, type ScreenHealth } from './screen-health.js';

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

const COUNTER_OF: Record<ScreenHealth, 'up' | 'dark' | 'stale' | 'offline' | 'neverSeen'> = {
  up: 'up',
  dark: 'dark',
  stale: 'stale',
  offline: 'offline',
  'never-seen': 'neverSeen',
};

/** Screens per state for each gate, every gate listed even without screens. Pure. */
export function summariseGates(
  gates: ReadonlyArray<{ id: string; name: string }>,
  devices: ReadonlyArray<Pick<DeviceRecord, 'gateId' | 'presence' | 'lastTelemetry' | 'lastTelemetryAt'>>,
  options: { now: Date; staleAfterMs?: number },
): GateHealthSummary[] {
  const byGate = new Map<string, GateHealthSummary>();
  for (const gate of gates) {
    byGate.set(gate.id, {
      gateId: gate.id,
      name: gate.name,
      screens: 0,
      up: 0,
      dark: 0,
      stale: 0,
      offline: 0,
      neverSeen: 0,
    });
  }
  for (const device of devices) {
    const summary = byGate.get(device.gateId);
    if (!summary) continue;
    summary.screens += 1;
    summary[COUNTER_OF[classifyScreen(device, options)]] += 1;
  }
  return [...byGate.values()];
}
