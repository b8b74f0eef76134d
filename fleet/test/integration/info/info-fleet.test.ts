import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

/**
 * The whole fleet manager as `gatecast serve` wires it (fleet-domains.ts, fleet.ts): a profile
 * change and the starter tree reach a lookup screen's document, and the bundle file is served on
 * the device media route to that screen's credentials.
 */
describe('the information tree in a running fleet', () => {
  let fleet: RealFleet | null = null;
  afterEach(async () => {
    await fleet?.close();
    fleet = null;
  });

  it('serves the seeded tree to a lookup screen and none to a signage screen', async () => {
    const real = await startRealFleet();
    fleet = real;
    expect((await real.api('POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Cat Bi' })).status).toBe(
      201,
    );
    const zone = { id: 'arrivals-hall', name: 'Arrivals hall' };
    expect((await real.api('POST', '/api/v1/gates/cat-bi-airport/zones', zone)).status).toBe(201);
    const enrol = async (id: string) => {
      const answer = await real.api('POST', '/api/v1/devices', {
        id,
        name: id,
        gateId: 'cat-bi-airport',
        zoneId: zone.id,
      });
      expect(answer.status).toBe(201);
      return answer.body.agentConfig as { deviceId: string; secret: string };
    };
    const kiosk = await enrol('cat-bi-kiosk-01');
    await enrol('cat-bi-arr-01');
    expect(
      (await real.api('PUT', '/api/v1/devices/cat-bi-kiosk-01/profile', { profile: 'lookup' })).status,
    ).toBe(200);
    expect((await real.api('POST', '/api/v1/info/seed-sample', { gateId: 'cat-bi-airport' })).status).toBe(
      201,
    );

    const desiredOf = async (id: string) =>
      (await real.api('GET', `/api/v1/devices/${id}`)).body.device.desired;
    const document = await eventually(
      () => desiredOf('cat-bi-kiosk-01'),
      (doc) => doc?.content?.infoTree !== undefined,
    );
    expect(document.device.profile).toBe('lookup');
    const ref = document.content.infoTree;
    expect(ref.url).toBe(`http://127.0.0.1:${real.running.httpPort}/api/v1/device/media/${ref.sha256}`);
    const signage = await desiredOf('cat-bi-arr-01');
    expect(signage.device.profile).toBe('signage');
    expect(signage.content.infoTree).toBeUndefined();

    const basic = Buffer.from(`${kiosk.deviceId}:${kiosk.secret}`).toString('base64');
    const file = await fetch(ref.url, { headers: { authorization: `Basic ${basic}` } });
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.sha256);
    expect(JSON.parse(bytes.toString('utf8')).nodes.length).toBeGreaterThanOrEqual(9);
    const withToken = await fetch(ref.url, { headers: { authorization: `Bearer ${real.token}` } });
    expect([401, 403]).toContain(withToken.status);

    const audit = await real.api('GET', '/api/v1/audit?action=info.seed-sample');
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((entry: { gateId: string }) => entry.gateId)).toEqual(['cat-bi-airport']);
  });
});
