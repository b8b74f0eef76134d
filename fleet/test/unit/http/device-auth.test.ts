import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/devices/device-secrets.js';
import { authenticateDevice, basicCredentials, isDeviceRoute } from '../../../src/http/device-auth.js';

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

describe('device credentials', () => {
  it('reads id and secret from a Basic header; the secret may contain colons', () => {
    expect(basicCredentials(basic('cat-bi-arr-01:s3cret'))).toEqual({
      deviceId: 'cat-bi-arr-01',
      secret: 's3cret',
    });
    expect(basicCredentials(basic('cat-bi-arr-01:a:b'))).toEqual({
      deviceId: 'cat-bi-arr-01',
      secret: 'a:b',
    });
  });

  it.each([
    undefined,
    '',
    'Bearer gct_x',
    'Basic',
    'Basic !!!',
    basic('no-colon'),
    basic(':secret'),
    `Basic ${'A'.repeat(600)}`,
  ])('finds no credentials in %j', (header) => {
    expect(basicCredentials(header)).toBeUndefined();
  });

  it('proves a device only with its own secret', async () => {
    const stored = new Map([
      ['cat-bi-arr-01', hashSecret('secret-one')],
      ['cat-bi-arr-02', hashSecret('secret-two')],
    ]);
    const devices = { credential: async (id: string) => stored.get(id) };
    expect(await authenticateDevice(basic('cat-bi-arr-01:secret-one'), devices)).toBe('cat-bi-arr-01');
    expect(await authenticateDevice(basic('cat-bi-arr-01:secret-two'), devices)).toBeNull();
    expect(await authenticateDevice(basic('cat-bi-arr-03:secret-one'), devices)).toBeNull();
    expect(await authenticateDevice(basic('../etc:secret-one'), devices)).toBeNull();
    expect(await authenticateDevice(basic('cat-bi-arr-01:secret-one'), undefined)).toBeNull();
  });

  it('puts only routes under /api/v1/device/ in the device namespace', () => {
    expect(isDeviceRoute('/api/v1/device/screenshots')).toBe(true);
    expect(isDeviceRoute('/api/v1/device/media/:sha256')).toBe(true);
    expect(isDeviceRoute('/api/v1/devices/:deviceId')).toBe(false);
    expect(isDeviceRoute('/api/v1/device')).toBe(false);
    expect(isDeviceRoute(undefined)).toBe(false);
  });
});
