import { afterEach, describe, expect, it } from 'vitest';
import { createFleet } from '../../../src/fleet.js';
import { recordingLog, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

interface DeviceAnswer {
  device: { desired: { version: number; content: { defaultLoop: unknown[]; layout: { kind: string } } } };
}

/** GATECAST_DEMO_CONTENT is read at start: a restart with it changed recomposes every screen. */
describe('switching the demo content on and off', () => {
  let fleet: RealFleet | null = null;

  afterEach(async () => {
    await fleet?.close();
    fleet = null;
  });

  async function restartWith(demoContent: boolean): Promise<void> {
    const real = fleet as RealFleet;
    await real.fleet.stop();
    // Same ports as before: the media URLs in the documents name the HTTP port.
    const { httpPort, mqttPort } = real.running;
    real.config = {
      ...real.config,
      demoContent,
      http: { ...real.config.http, port: httpPort },
      mqtt: { ...real.config.mqtt, port: mqttPort },
      publicHttpUrl: `http://127.0.0.1:${httpPort}`,
    };
    real.fleet = createFleet(real.config, recordingLog().log);
    real.running = await real.fleet.start();
    // fetch may still hold a kept-alive connection to the previous run; the first use of it fails.
    await real.api('GET', '/healthz').catch(() => undefined);
  }

  async function desired(): Promise<DeviceAnswer['device']['desired']> {
    const answer = await (fleet as RealFleet).api<DeviceAnswer>('GET', '/api/v1/devices/cat-bi-arrivals-01');
    expect(answer.status).toBe(200);
    return answer.body.device.desired;
  }

  it('adds the demo loop to screens enrolled before, removes it again, and keeps versions when nothing changed', async () => {
    fleet = await startRealFleet();
    expect((await fleet.api('POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Cat Bi' })).status).toBe(
      201,
    );
    const zone = { id: 'arrivals-hall', name: 'Arrivals hall' };
    expect((await fleet.api('POST', '/api/v1/gates/cat-bi-airport/zones', zone)).status).toBe(201);
    const screen = {
      id: 'cat-bi-arrivals-01',
      name: 'Arrivals 1',
      gateId: 'cat-bi-airport',
      zoneId: zone.id,
    };
    expect((await fleet.api('POST', '/api/v1/devices', screen)).status).toBe(201);
    const plain = await desired();
    expect(plain.content.defaultLoop).toEqual([]);

    await restartWith(true);
    const demo = await desired();
    expect(demo.version).toBe(plain.version + 1);
    expect(demo.content.layout.kind).toBe('main-ticker');
    expect(demo.content.defaultLoop).toHaveLength(5);

    await restartWith(true);
    expect((await desired()).version).toBe(demo.version);

    await restartWith(false);
    const off = await desired();
    expect(off.version).toBe(demo.version + 1);
    expect(off.content.defaultLoop).toEqual([]);
    expect(off.content.layout.kind).toBe('full');
  });
});
