import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from '@gatecast/protocol';
import { generateDeviceSecret, hashSecret, verifySecret } from '../../../src/devices/device-secrets.js';

describe('device secrets', () => {
  it('generates 43-character base64url secrets that differ each time and fit the agent config', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateDeviceSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
    const [secret] = secrets;
    const config = agentConfigSchema.safeParse({
      deviceId: 'cat-bi-arr-01',
      secret,
      mqtt: { url: 'mqtt://fleet:1883' },
    });
    expect(config.success).toBe(true);
  });

  it('verifies the right secret, as a string or as the MQTT password buffer', () => {
    const secret = generateDeviceSecret();
    const stored = hashSecret(secret);
    expect(verifySecret(secret, stored)).toBe(true);
    expect(verifySecret(Buffer.from(secret, 'utf8'), stored)).toBe(true);
  });

  it('refuses a wrong, truncated, extended or empty secret', () => {
    const secret = generateDeviceSecret();
    const stored = hashSecret(secret);
    expect(verifySecret(generateDeviceSecret(), stored)).toBe(false);
    expect(verifySecret(secret.slice(0, -1), stored)).toBe(false);
    expect(verifySecret(`${secret}x`, stored)).toBe(false);
    expect(verifySecret('', stored)).toBe(false);
    expect(verifySecret(Buffer.alloc(0), stored)).toBe(false);
  });

  it('uses a fresh 16-byte salt per hash, so equal secrets give different hashes', () => {
    const a = hashSecret('the same secret for both');
    const b = hashSecret('the same secret for both');
    expect(a.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(verifySecret('the same secret for both', a)).toBe(true);
    expect(verifySecret('the same secret for both', b)).toBe(true);
  });

  it('never matches a malformed stored hash instead of throwing', () => {
    const secret = generateDeviceSecret();
    const stored = hashSecret(secret);
    expect(verifySecret(secret, { salt: stored.salt, hash: stored.hash.slice(0, 10) })).toBe(false);
    expect(verifySecret(secret, { salt: stored.salt, hash: 'not hex at all' })).toBe(false);
  });
});
