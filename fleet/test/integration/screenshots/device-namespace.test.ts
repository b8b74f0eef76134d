import { deflateSync } from 'node:zlib';
import type { AgentConfig } from '@gatecast/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

/** A real (tiny) PNG: signature, IHDR, one IDAT of a 2×1 RGB image, IEND. CRCs are not checked here. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const header = Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const pixels = deflateSync(Buffer.from([0, 255, 0, 0, 0, 0, 255]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('the device namespace /api/v1/device/, over real HTTP', () => {
  let fleet: RealFleet;
  let belt: AgentConfig;
  let pier: AgentConfig;

  const upload = (authorization: string | null, body: Buffer, type = 'image/png') =>
    fetch(`http://127.0.0.1:${fleet.running.httpPort}/api/v1/device/screenshots`, {
      method: 'POST',
      headers: { 'content-type': type, ...(authorization === null ? {} : { authorization }) },
      body,
    });
  const latest = (deviceId: string, authorization = `Bearer ${fleet.token}`) =>
    fetch(`http://127.0.0.1:${fleet.running.httpPort}/api/v1/devices/${deviceId}/screenshots/latest`, {
      headers: { authorization },
    });

  beforeAll(async () => {
    fleet = await startRealFleet();
    await fleet.api('POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    await fleet.api('POST', '/api/v1/gates/cat-bi-airport/zones', { id: 'arrivals', name: 'Arrivals' });
    const enrol = async (id: string) => {
      const answer = await fleet.api('POST', '/api/v1/devices', {
        id,
        name: id,
        gateId: 'cat-bi-airport',
        zoneId: 'arrivals',
      });
      expect(answer.status, answer.text).toBe(201);
      return answer.body.agentConfig as AgentConfig;
    };
    belt = await enrol('cat-bi-belt-01');
    pier = await enrol('cat-bi-belt-02');
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('hands enrolled screens the fleet HTTP address with the real port', () => {
    expect(belt.fleetUrl).toBe(`http://127.0.0.1:${fleet.running.httpPort}`);
  });

  it('stores an upload with the device credentials and serves it to operators as image/png', async () => {
    const png = tinyPng();
    const response = await upload(basic(belt.deviceId, belt.secret), png);
    expect(response.status).toBe(200);
    const receipt = (await response.json()) as { screenshotId: string; bytes: number };
    expect(receipt.bytes).toBe(png.length);
    const served = await latest(belt.deviceId);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-screenshot-id')).toBe(receipt.screenshotId);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
    // Nothing from one screen shows up as another's.
    expect((await latest(pier.deviceId)).status).toBe(404);
  });

  it.each([
    ['no credentials', () => null],
    ['a wrong secret', () => basic(belt.deviceId, `${belt.secret}x`)],
    ["another device's id with this secret", () => basic(pier.deviceId, belt.secret)],
    ['an unknown device', () => basic('cat-bi-belt-99', belt.secret)],
    ["a user's API token", () => `Bearer ${fleet.token}`],
    ['garbage', () => 'Basic %%%'],
  ])('refuses %s with 401', async (_what, authorization) => {
    const response = await upload(authorization(), tinyPng());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="gatecast-device"');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('refuses device credentials on user routes', async () => {
    const credentials = basic(belt.deviceId, belt.secret);
    expect((await latest(belt.deviceId, credentials)).status).toBe(401);
    const devices = await fetch(`http://127.0.0.1:${fleet.running.httpPort}/api/v1/devices`, {
      headers: { authorization: credentials },
    });
    expect(devices.status).toBe(401);
  });

  it('refuses an upload over 8 MiB with 413 and a body that is not a PNG with 400', async () => {
    const huge = Buffer.concat([tinyPng(), Buffer.alloc(8 * 1024 * 1024)]);
    const tooLarge = await upload(basic(belt.deviceId, belt.secret), huge);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const notPng = await upload(basic(belt.deviceId, belt.secret), Buffer.from('GIF89a not a png at all'));
    expect(notPng.status).toBe(400);
    const wrongType = await upload(basic(belt.deviceId, belt.secret), tinyPng(), 'image/jpeg');
    expect(wrongType.status).toBe(400);
  });
});
