import type { TelemetrySample } from '@gatecast/protocol';

/** What the host says about itself; each reading is null when its probe failed or does not know. */
export interface HealthReadings {
  uptimeSec: number | null;
  cpuLoadPercent: number | null;
  cpuTemperatureC: number | null;
  memory: { totalBytes: number; usedBytes: number } | null;
  disk: { totalBytes: number; usedBytes: number } | null;
}

/** The host edge; the real one asks systeminformation, tests feed readings. */
export interface HealthSampler {
  read(): Promise<HealthReadings>;
}

export interface AgentReadings {
  version: string;
  rssBytes: number;
  uptimeSec: number;
}

export type TelemetryResult = { ok: true; sample: TelemetrySample } | { ok: false; missing: string[] };

/**
 * Maps readings onto a telemetry sample. Unknown stays unknown: temperature and disk become null.
 * The protocol has no null for load, memory or uptime, so a sample without them is not sent.
 */
export function toTelemetry(readings: HealthReadings, agent: AgentReadings, at: Date): TelemetryResult {
  const load = finiteOrNull(readings.cpuLoadPercent);
  const uptime = finiteOrNull(readings.uptimeSec);
  const memory = readings.memory;
  const missing = [
    ...(load === null ? ['cpu.loadPercent'] : []),
    ...(uptime === null ? ['uptimeSec'] : []),
    ...(memory === null ? ['memory'] : []),
  ];
  if (load === null || uptime === null || memory === null) return { ok: false, missing };
  return {
    ok: true,
    sample: {
      at: at.toISOString(),
      uptimeSec: Math.max(0, uptime),
      cpu: { loadPercent: clamp(load, 0, 100), temperatureC: normalizeTemperature(readings.cpuTemperatureC) },
      memory: nonNegative(memory),
      disk: readings.disk ? nonNegative(readings.disk) : null,
      agent: { version: agent.version, rssBytes: agent.rssBytes, uptimeSec: Math.max(0, agent.uptimeSec) },
    },
  };
}

/**
 * Probes report "unknown" as null, -1 or 0 depending on the platform; a running Pi is never at
 * or below 0 °C, so those and anything outside the sensor range become null rather than a guess.
 */
export function normalizeTemperature(value: number | null): number | null {
  if (value === null || !Number.isFinite(value) || value <= 0 || value > 150) return null;
  return Math.round(value * 10) / 10;
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value * 10) / 10));
}

function nonNegative(pair: { totalBytes: number; usedBytes: number }): {
  totalBytes: number;
  usedBytes: number;
} {
  return { totalBytes: Math.max(0, pair.totalBytes), usedBytes: Math.max(0, pair.usedBytes) };
}
