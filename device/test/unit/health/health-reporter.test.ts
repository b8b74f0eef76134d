import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { telemetrySchema, type TelemetrySample } from '@gatecast/protocol';
import { createHealthReporter } from '../../../src/health/health-reporter.js';
import type { HostBlocks } from '../../../src/health/host-telemetry.js';
import { powerFlags } from '../../../src/health/pi-power.js';
import type { HealthReadings } from '../../../src/health/readings.js';

const readings: HealthReadings = {
  uptimeSec: 100,
  cpuLoadPercent: 5,
  cpuTemperatureC: 50,
  memory: { totalBytes: 4e9, usedBytes: 1e9 },
  disk: null,
};

function hostWith(raw: number): HostBlocks {
  return {
    power: powerFlags(raw),
    storage: { errorCount: 0, readOnly: false },
    network: {
      interface: 'eth0',
      kind: 'ethernet',
      address: '10.0.0.7',
      wifiSignalDbm: null,
      wifiSsid: null,
    },
    clock: { synced: true, offsetMs: 12 },
    output: { hdmi: 'connected', preferredMode: { width: 1920, height: 1080 } },
  };
}

describe('the health reporter', () => {
  it('follows a sample under way with a fresh one when the host changed meanwhile', async () => {
    const published: TelemetrySample[] = [];
    let power = 0;
    let releaseFirst: () => void = () => undefined;
    const firstRead = new Promise<void>((resolve) => (releaseFirst = resolve));
    let reads = 0;
    let hostCalled: () => void = () => undefined;
    const firstHostRead = new Promise<void>((resolve) => (hostCalled = resolve));
    const reporter = createHealthReporter({
      sampler: { read: async () => readings },
      intervalSec: 3_600,
      agentVersion: '0.1.0',
      clock: { now: () => new Date('2026-11-26T08:00:00.000Z') },
      log: pino({ level: 'silent' }),
      publish: (sample) => published.push(sample),
      host: {
        read: async () => {
          const raw = power;
          if (reads++ === 0) {
            hostCalled();
            await firstRead;
          }
          return hostWith(raw);
        },
        watchKey: async () => String(power),
      },
      loadAverage: () => [0.1, 0.2, 0.3],
    });

    const first = reporter.sampleNow();
    await firstHostRead;
    power = 0x50005; // The supply sags while the first sample is being read.
    const fresh = reporter.sampleFresh();
    expect(reporter.sampleNow()).toBe(first); // A plain request joins the one under way.
    releaseFirst();
    await Promise.all([first, fresh]);

    expect(published.map((sample) => sample.power?.raw)).toEqual([0, 0x50005]);
    for (const sample of published) expect(telemetrySchema.parse(sample)).toEqual(sample);
    expect(published[0]?.cpu.loadAverage).toEqual([0.1, 0.2, 0.3]);
    await reporter.stop();
  });

  it('sends the sample without the host blocks when the host probes fail', async () => {
    const published: TelemetrySample[] = [];
    const reporter = createHealthReporter({
      sampler: { read: async () => readings },
      intervalSec: 3_600,
      agentVersion: '0.1.0',
      clock: { now: () => new Date('2026-11-26T08:00:00.000Z') },
      log: pino({ level: 'silent' }),
      publish: (sample) => published.push(sample),
      host: { read: () => Promise.reject(new Error('sysfs gone')), watchKey: async () => '' },
    });
    await reporter.sampleNow();
    expect(published).toHaveLength(1);
    expect(published[0]?.power).toBeUndefined();
    expect(telemetrySchema.safeParse(published[0]).success).toBe(true);
    await reporter.stop();
  });
});
