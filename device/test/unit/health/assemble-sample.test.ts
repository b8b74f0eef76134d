import { describe, expect, it } from 'vitest';
import { telemetrySchema, type TelemetrySample } from '@gatecast/protocol';
import { assembleSample } from '../../../src/health/assemble-sample.js';
import type { HostBlocks } from '../../../src/health/host-telemetry.js';
import { powerFlags } from '../../../src/health/pi-power.js';

const base: TelemetrySample = {
  at: '2026-11-26T08:00:00.000Z',
  uptimeSec: 86_400,
  cpu: { loadPercent: 12.5, temperatureC: 58.2 },
  memory: { totalBytes: 4e9, usedBytes: 1.2e9 },
  disk: { totalBytes: 32e9, usedBytes: 6e9 },
  agent: { version: '0.1.0', rssBytes: 60e6, uptimeSec: 3_600 },
};

const piHost: HostBlocks = {
  power: powerFlags(0x50005),
  storage: { errorCount: 0, readOnly: false },
  network: {
    interface: 'wlan0',
    kind: 'wifi',
    address: '192.168.1.40',
    wifiSignalDbm: -61,
    wifiSsid: 'CatBi',
  },
  clock: { synced: true, offsetMs: -120 },
  output: { hdmi: 'connected', preferredMode: { width: 1920, height: 1080 } },
};

const unknownHost: HostBlocks = {
  power: null,
  storage: { errorCount: null, readOnly: null },
  network: { interface: null, kind: null, address: null, wifiSignalDbm: null, wifiSsid: null },
  clock: { synced: null, offsetMs: null },
  output: { hdmi: 'unknown', preferredMode: null },
};

const screen = {
  display: { black: false, frozen: false, checkedAt: base.at, cecPower: 'on' as const },
  player: { up: true, restarts: 0, lastCause: null, jsHeapBytes: 30e6, memoryBytes: 410e6 },
};

describe('assembleSample', () => {
  it('builds a schema-valid sample of a Pi with a player', () => {
    const sample = assembleSample(base, screen, piHost, [0.42, 0.5, 0.613]);
    expect(telemetrySchema.parse(sample)).toEqual(sample);
    expect(sample.cpu.loadAverage).toEqual([0.42, 0.5, 0.61]);
    expect(sample.power).toMatchObject({ underVoltageNow: true, throttledNow: true });
    // The player does not know its window here: DRM's preferred mode stands in.
    expect(sample.display).toEqual({
      ...screen.display,
      hdmi: 'connected',
      resolution: { width: 1920, height: 1080 },
    });
    expect(sample.player?.memoryBytes).toBe(410e6);
  });

  it("prefers the player's own resolution to the display's preferred mode", () => {
    const withWindow = {
      ...screen,
      display: { ...screen.display, resolution: { width: 1280, height: 720 } },
    };
    const sample = assembleSample(base, withWindow, piHost, null);
    expect(sample.display?.resolution).toEqual({ width: 1280, height: 720 });
    expect(sample.cpu.loadAverage).toBeUndefined();
  });

  it('reports what it does not know as null, never a guess, and still validates', () => {
    const sample = assembleSample(base, {}, unknownHost, [Number.NaN, 0, 0]);
    expect(telemetrySchema.parse(sample)).toEqual(sample);
    expect(sample.power).toBeNull();
    expect(sample.storage).toEqual({ errorCount: null, readOnly: null });
    expect(sample.clock).toEqual({ synced: null, offsetMs: null });
    expect(sample.display).toBeUndefined();
    expect(sample.cpu.loadAverage).toBeUndefined();
  });

  it('gives an agent without a player a display block when DRM knows the HDMI state', () => {
    const host = { ...unknownHost, output: { hdmi: 'disconnected' as const, preferredMode: null } };
    const sample = assembleSample(base, {}, host, null);
    expect(telemetrySchema.parse(sample).display).toEqual({
      black: null,
      frozen: null,
      checkedAt: null,
      cecPower: 'unknown',
      hdmi: 'disconnected',
      resolution: null,
    });
  });

  it('leaves the basics alone without host probes', () => {
    expect(assembleSample(base, {}, null, null)).toEqual(base);
  });
});
