import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Both hex. */
export interface SecretHash {
  salt: string;
  hash: string;
}

const SECRET_BYTES = 32;
const SALT_BYTES = 16;

/** 32 random bytes as base64url: 43 characters, safe in a config file and as an MQTT password. */
export function generateDeviceSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * sha256(salt ‖ secret) with a fresh 16-byte salt. The secrets are 256-bit random values, so
 * there is nothing to brute-force and a slow KDF would only make reconnect storms expensive
 * (docs/adr/0004-store-and-secrets.md).
 */
export function hashSecret(secret: string): SecretHash {
  const salt = randomBytes(SALT_BYTES);
  return { salt: salt.toString('hex'), hash: digest(salt, Buffer.from(secret, 'utf8')).toString('hex') };
}

/** Constant-time check; a malformed stored hash never matches. */
export function verifySecret(secret: string | Buffer, stored: SecretHash): boolean {
  const expected = Buffer.from(stored.hash, 'hex');
  if (expected.length !== 32) return false;
  const given = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const actual = digest(Buffer.from(stored.salt, 'hex'), given);
  return timingSafeEqual(actual, expected);
}

function digest(salt: Buffer, secret: Buffer): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

/** The broker's device check as the fleet wires it: the stored salted hash decides. */
export function storedSecretAuthenticator(devices: {
  credential(id: string): Promise<SecretHash | undefined>;
}): { authenticate(deviceId: string, secret: Buffer): Promise<boolean> } {
  return {
    authenticate: async (deviceId, secret) => {
      const stored = await devices.credential(deviceId);
      return stored !== undefined && verifySecret(secret, stored);
    },
  };
}
