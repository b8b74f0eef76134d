import type { TelemetrySample } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrol } from '../store/fixtures.js';
import { startHealthApp, type HealthApp } from './health-app.js';
import { UNDER_VOLTAGE_AT, expectedStats, receivedAt, sampleAt, storeSamples } from './health-samples.js';

const NOW = '2026-11-26T12:00:30.000Z';
let health: HealthApp;
let admin: string;

beforeEach(async () => {
  health = await startHealthApp(NOW);
  admin = await health.addUser('admin', [{ role: 'admin', gateId: null }]);
});

afterEach(async () => {
  await health.close();
});

const history = (query: string, token = admin) =>
  health.get(token, `/api/v1/devices/cat-bi-arrivals-01/health${query}`);

describe('GET /api/v1/devices/:deviceId/health', () => {
  beforeEach(async () => {
    await enrol(health.devices, 'cat-bi-arrivals-01');
    await storeSamples(health.devices, 'cat-bi-arrivals-01', 0, 180);
  });

  it('gives the last 6 hours as raw samples by default', async () => {
    const answer = await history('');
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(body).toMatchObject({
      resolution: 'raw',
      stepSec: null,
      from: '2026-11-26T06:00:30.000Z',
      to: NOW,
      truncated: false,
    });
    expect(body.points).toHaveLength(540);
    expect(body.points[1]).toEqual({
      at: receivedAt(0, 20),
      samples: 1,
      cpuLoad: 1,
      temperatureC: 40.5,
      temperatureMaxC: 40.5,
      memoryPercent: 50,
      diskPercent: 25,
      agentRssBytes: 80e6,
      browserMemoryBytes: null,
      wifiSignalDbm: null,
      clockOffsetMs: null,
      underVoltage: false,
      throttled: false,
      displayBlack: false,
      displayFrozen: false,
      cecStandby: false,
    });
    const flagged = body.points.filter((point: { underVoltage: boolean }) => point.underVoltage);
    expect(flagged.map((point: { at: string }) => point.at)).toEqual([
      receivedAt(UNDER_VOLTAGE_AT.minute, UNDER_VOLTAGE_AT.second),
    ]);
  });

  it('reads the rollups: minutes, hours, and 10-minute points for two days', async () => {
    await health.rollup.runOnce();

    const minutes = (
      await history('?from=2026-11-26T09:00:00Z&to=2026-11-26T12:00:00Z&resolution=minute')
    ).json();
    expect(minutes).toMatchObject({ resolution: 'minute', stepSec: 60 });
    expect(minutes.points).toHaveLength(180);
    const minute47 = minutes.points[47];
    expect(minute47.at).toBe(receivedAt(47, 0));
    expect(minute47.cpuLoad).toBeCloseTo(expectedStats(47, 48).load.avg, 9);
    expect(minute47.temperatureMaxC).toBe(expectedStats(47, 48).temperature.max);

    const hours = (
      await history('?from=2026-11-26T00:00:00Z&to=2026-11-26T12:00:00Z&resolution=hour')
    ).json();
    expect(hours.points.map((point: { at: string }) => point.at)).toEqual([
      '2026-11-26T09:00:00.000Z',
      '2026-11-26T10:00:00.000Z',
      '2026-11-26T11:00:00.000Z',
    ]);
    expect(hours.points[1].temperatureC).toBeCloseTo(expectedStats(60, 120).temperature.avg, 9);
    expect(hours.points[1]).toMatchObject({ samples: 180, underVoltage: true, displayBlack: true });
    expect(hours.points[0]).toMatchObject({ samples: 180, underVoltage: false, displayBlack: false });

    const twoDays = (await history('?from=2026-11-24T12:00:30Z')).json();
    expect(twoDays).toMatchObject({ resolution: 'minute', stepSec: 600 });
    expect(twoDays.points).toHaveLength(18);
    expect(twoDays.points[1].at).toBe('2026-11-26T09:10:00.000Z');
    expect(twoDays.points[1].samples).toBe(30);
    expect(twoDays.points[1].cpuLoad).toBeCloseTo(expectedStats(10, 20).load.avg, 9);
  });

  it("refuses a caller without devices.read at the screen's gate, an unknown screen and a backwards range", async () => {
    const portViewer = await health.addUser('port.viewer', [{ role: 'viewer', gateId: 'hai-phong-port' }]);
    const airportViewer = await health.addUser('airport.viewer', [
      { role: 'viewer', gateId: 'cat-bi-airport' },
    ]);

    const denied = await history('', portViewer);
    expect(denied.status).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    expect(denied.text).not.toContain('cpuLoad');
    expect((await history('', airportViewer)).status).toBe(200);

    const unknown = await health.get(admin, '/api/v1/devices/cat-bi-nowhere-09/health');
    expect(unknown.status).toBe(404);
    const backwards = await history('?from=2026-11-26T12:00:00Z&to=2026-11-26T11:00:00Z');
    expect(backwards.status).toBe(400);
    expect(backwards.json().error).toEqual({ code: 'BAD_REQUEST', message: '`from` must be before `to`' });
    expect((await history('?resolution=daily')).status).toBe(400);
  });
});

/** A fresh sample `ageSec` before NOW, with its display block changed as given. */
async function report(
  deviceId: string,
  ageSec: number,
  change: (sample: TelemetrySample) => TelemetrySample = (sample) => sample,
): Promise<void> {
  const at = new Date(Date.parse(NOW) - ageSec * 1000).toISOString();
  await health.devices.setPresence(deviceId, 'online', at);
  await health.devices.saveTelemetry(deviceId, change({ ...sampleAt(0, 0), at }), at);
}

async function seedScreens(): Promise<void> {
  const { devices } = health;
  for (const id of ['cat-bi-up-01', 'cat-bi-dark-01', 'cat-bi-stale-01', 'cat-bi-off-01', 'cat-bi-new-01']) {
    await enrol(devices, id);
  }
  await enrol(devices, 'hp-port-up-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
  await report('cat-bi-up-01', 30, (sample) => ({
    ...sample,
    cpu: { loadPercent: 10, temperatureC: 60 },
    disk: { totalBytes: 100, usedBytes: 90 },
    power: { ...sample.power!, underVoltageNow: true },
  }));
  await report('cat-bi-dark-01', 30, (sample) => ({
    ...sample,
    cpu: { loadPercent: 10, temperatureC: 50 },
    display: { ...sample.display!, cecPower: 'standby' },
  }));
  // Stale: its last word (hot, full disk) is too old to count in the gate's readings.
  await report('cat-bi-stale-01', 600, (sample) => ({
    ...sample,
    cpu: { loadPercent: 10, temperatureC: 95 },
    disk: { totalBytes: 100, usedBytes: 99 },
  }));
  await report('cat-bi-off-01', 30);
  await devices.setPresence('cat-bi-off-01', 'offline', NOW);
  await report('hp-port-up-01', 10);
}

describe('GET /api/v1/gates/health', () => {
  it("counts each gate's screens by health, only at the gates the caller may read", async () => {
    await seedScreens();
    const everything = await health.get(admin, '/api/v1/gates/health');
    expect(everything.status).toBe(200);
    expect(everything.json().gates).toEqual([
      {
        gateId: 'cat-bi-airport',
        name: 'Cat Bi International Airport',
        screens: 5,
        up: 1,
        dark: 1,
        stale: 1,
        offline: 1,
        neverSeen: 1,
      },
      {
        gateId: 'hai-phong-port',
        name: 'Port of Hai Phong',
        screens: 1,
        up: 1,
        dark: 0,
        stale: 0,
        offline: 0,
        neverSeen: 0,
      },
    ]);

    const portViewer = await health.addUser('port.viewer', [{ role: 'viewer', gateId: 'hai-phong-port' }]);
    const scoped = (await health.get(portViewer, '/api/v1/gates/health')).json();
    expect(scoped.gates.map((gate: { gateId: string }) => gate.gateId)).toEqual(['hai-phong-port']);
  });
});

describe('/metrics per gate', () => {
  it('exposes screens by health and the readings of fresh samples per gate', async () => {
    await seedScreens();
    const answer = await health.get(admin, '/metrics');
    expect(answer.status).toBe(200);
    const lines = answer.text.split('\n');
    const expected = [
      'gatecast_gate_screens{gate="cat-bi-airport",state="up"} 1',
      'gatecast_gate_screens{gate="cat-bi-airport",state="dark"} 1',
      'gatecast_gate_screens{gate="cat-bi-airport",state="stale"} 1',
      'gatecast_gate_screens{gate="cat-bi-airport",state="offline"} 1',
      'gatecast_gate_screens{gate="cat-bi-airport",state="never-seen"} 1',
      'gatecast_gate_screens{gate="hai-phong-port",state="up"} 1',
      'gatecast_gate_screens{gate="hai-phong-port",state="dark"} 0',
      // Up (60 °C) and dark (50 °C) count; stale (95 °C) and offline (40 °C) do not.
      'gatecast_gate_temperature_celsius{gate="cat-bi-airport",stat="max"} 60',
      'gatecast_gate_temperature_celsius{gate="cat-bi-airport",stat="avg"} 55',
      'gatecast_gate_temperature_celsius{gate="hai-phong-port",stat="max"} 40',
      'gatecast_gate_disk_used_ratio{gate="cat-bi-airport",stat="max"} 0.9',
      'gatecast_gate_memory_used_ratio{gate="hai-phong-port",stat="max"} 0.25',
      'gatecast_gate_under_voltage_screens{gate="cat-bi-airport"} 1',
      'gatecast_gate_under_voltage_screens{gate="hai-phong-port"} 0',
    ];
    for (const line of expected) expect(lines).toContain(line);
  });

  it('leaves a reading out, rather than reporting 0, for a gate with no fresh sample', async () => {
    await enrol(health.devices, 'cat-bi-new-01');
    const text = (await health.get(admin, '/metrics')).text;
    expect(text).toContain('gatecast_gate_screens{gate="cat-bi-airport",state="never-seen"} 1');
    expect(text).not.toMatch(/gatecast_gate_temperature_celsius\{gate="cat-bi-airport"/);
    expect(text).not.toMatch(/gatecast_gate_disk_used_ratio\{gate="cat-bi-airport"/);
  });
});
