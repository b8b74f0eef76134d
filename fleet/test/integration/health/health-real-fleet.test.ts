import { deviceTopic, encodePayload } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { sampleAt } from './health-samples.js';

let fleet: RealFleet;

beforeEach(async () => {
  fleet = await startRealFleet({ GATECAST_TELEMETRY_RETENTION: 'raw=3d' });
  expect((await fleet.api('POST', '/api/v1/gates', { id: 'cat-bi', name: 'Cat Bi' })).status).toBe(201);
  expect(
    (await fleet.api('POST', '/api/v1/gates/cat-bi/zones', { id: 'arrivals', name: 'Arrivals' })).status,
  ).toBe(201);
});

afterEach(async () => {
  await fleet.close();
});

// The whole path on a real fleet: a screen publishes telemetry over MQTT, the broker stores it, and
// the history API, the gate summary and /metrics read it.
describe('health on a real fleet', () => {
  it("serves a screen's samples from MQTT as history, gate health and per-gate metrics", async () => {
    expect(fleet.config.telemetryRetention.rawMs).toBe(3 * 86_400_000);
    const enrolled = await fleet.api('POST', '/api/v1/devices', {
      name: 'Belt 1',
      gateId: 'cat-bi',
      zoneId: 'arrivals',
    });
    expect(enrolled.status).toBe(201);
    const { deviceId } = enrolled.body.agentConfig;
    const client = await fleet.device(enrolled.body.agentConfig);
    for (const load of [10, 30]) {
      const sample = {
        ...sampleAt(0, 0),
        at: new Date().toISOString(),
        cpu: { loadPercent: load, temperatureC: 61 },
      };
      await client.publishAsync(deviceTopic(deviceId, 'telemetry'), encodePayload('telemetry', sample), {
        qos: 1,
      });
    }

    const history = await eventually(
      async () => (await fleet.api('GET', `/api/v1/devices/${deviceId}/health`)).body,
      (body) => body.points.length === 2,
    );
    expect(history.resolution).toBe('raw');
    expect(history.points.map((point: { cpuLoad: number }) => point.cpuLoad)).toEqual([10, 30]);

    const gates = (await fleet.api('GET', '/api/v1/gates/health')).body.gates;
    expect(gates).toEqual([
      { gateId: 'cat-bi', name: 'Cat Bi', screens: 1, up: 1, dark: 0, stale: 0, offline: 0, neverSeen: 0 },
    ]);
    const metrics = (await fleet.api('GET', '/metrics')).text;
    expect(metrics).toContain('gatecast_gate_screens{gate="cat-bi",state="up"} 1');
    expect(metrics).toContain('gatecast_gate_temperature_celsius{gate="cat-bi",stat="max"} 61');
  });
});
