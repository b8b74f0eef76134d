import { describe, expect, it } from 'vitest';
import { telemetrySchema } from '@gatecast/protocol';
import { normalizeTemperature, toTelemetry, type HealthReadings } from '../../src/health/readings.js';

const at = new Date('2026-11-26T08:00:00.000Z');
const agent = { version: '0.1.0', rssBytes: 60_000_000, uptimeSec: 120 };
const readings: HealthReadings = {
  uptimeSec: 86_400,
  cpuLoadPercent: 23.456,
  cpuTemperatureC: 61.27,
  memory: { totalBytes: 4e9, usedBytes: 1.5e9 },
  disk: { totalBytes: 32e9, usedBytes: 8e9 },
};

describe('toTelemetry', () => {
  it('maps a full set of readings onto a valid telemetry sample', () => {
    const result = toTelemetry(readings, agent, at);
    expect(result).toEqual({
      ok: true,
      sample: {
        at: '2026-11-26T08:00:00.000Z',
        uptimeSec: 86_400,
        cpu: { loadPercent: 23.5, temperatureC: 61.3 },
        memory: { totalBytes: 4e9, usedBytes: 1.5e9 },
        disk: { totalBytes: 32e9, usedBytes: 8e9 },
        agent,
      },
    });
    if (result.ok) expect(telemetrySchema.safeParse(result.sample).success).toBe(true);
  });

  it.each([null, -1, 0, Number.NaN, 400])('reports an unknown temperature (%s) as null', (temperature) => {
    const result = toTelemetry({ ...readings, cpuTemperatureC: temperature }, agent, at);
    expect(result.ok && result.sample.cpu.temperatureC).toBeNull();
    if (result.ok) expect(telemetrySchema.safeParse(result.sample).success).toBe(true);
  });

  it('sends null for a disk it could not read, and keeps the rest', () => {
    const result = toTelemetry({ ...readings, disk: null }, agent, at);
    expect(result.ok && result.sample.disk).toBeNull();
    expect(result.ok && result.sample.cpu.loadPercent).toBe(23.5);
  });

  it('clamps a load reading outside 0..100', () => {
    const high = toTelemetry({ ...readings, cpuLoadPercent: 100.4 }, agent, at);
    const low = toTelemetry({ ...readings, cpuLoadPercent: -3 }, agent, at);
    expect([high.ok && high.sample.cpu.loadPercent, low.ok && low.sample.cpu.loadPercent]).toEqual([100, 0]);
  });

  it('names what is missing instead of guessing a reading the protocol cannot leave null', () => {
    const result = toTelemetry({ ...readings, cpuLoadPercent: null, memory: null }, agent, at);
    expect(result).toEqual({ ok: false, missing: ['cpu.loadPercent', 'memory'] });
  });
});

describe('normalizeTemperature', () => {
  it('keeps a plausible reading, rounded to a tenth', () => {
    expect(normalizeTemperature(48.04)).toBe(48);
    expect(normalizeTemperature(85.55)).toBe(85.6);
  });
});
