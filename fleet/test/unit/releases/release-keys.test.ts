import { createHash, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalManifestBytes, type ReleaseManifest } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import {
  generateReleaseKey,
  publicKeyObject,
  publicKeyOf,
  signManifest,
  verifyManifestSignature,
} from '../../../src/releases/release-keys.js';
import { loadTrustedReleaseKeys, parseTrustedReleaseKeys } from '../../../src/releases/trusted-keys.js';

const MANIFEST: ReleaseManifest = {
  format: 1,
  version: '1.4.0',
  artifact: 'gatecast-agent-1.4.0.tgz',
  sha256: 'a'.repeat(64),
  size: 7_000_000,
  minPreviousVersion: '1.2.0',
  rollback: false,
  createdAt: '2026-11-26T03:00:00.000Z',
  expiresAt: '2027-11-26T03:00:00.000Z',
  notes: 'Cửa ra 3',
};

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('release keys', () => {
  const key = generateReleaseKey();

  it('names a key by the sha256 of its raw 32-byte public key, the tail of its SPKI export', () => {
    const spki = createPublicKey(key.privateKeyPem).export({ type: 'spki', format: 'der' });
    const raw = spki.subarray(-32);
    expect(key.publicKey.publicKey).toBe(raw.toString('base64'));
    expect(key.publicKey.keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(publicKeyOf(key.privateKeyPem)).toEqual(key.publicKey);
    expect(publicKeyObject(key.publicKey.publicKey)?.asymmetricKeyType).toBe('ed25519');
    expect(publicKeyObject(Buffer.alloc(31).toString('base64'))).toBeNull();
  });

  it('signs the canonical bytes, whatever order the manifest keys came in', () => {
    const signed = signManifest(MANIFEST, key.privateKeyPem);
    const reordered = Object.fromEntries(Object.entries(MANIFEST).reverse()) as ReleaseManifest;
    expect(canonicalManifestBytes(reordered)).toEqual(canonicalManifestBytes(MANIFEST));
    expect(verifyManifestSignature(reordered, signed.signature, [key.publicKey])).toEqual(signed);
  });

  it('refuses unsigned, unknown-key and wrong signatures with their codes', () => {
    const signed = signManifest(MANIFEST, key.privateKeyPem);
    const trusted = [key.publicKey];
    for (const missing of [undefined, null, '', { keyId: key.publicKey.keyId, signature: '' }]) {
      expect(codeOf(() => verifyManifestSignature(MANIFEST, missing, trusted))).toBe('UPDATE_UNSIGNED');
    }
    expect(codeOf(() => verifyManifestSignature(MANIFEST, signed.signature, []))).toBe('UPDATE_UNKNOWN_KEY');
    const other = generateReleaseKey();
    const byOther = signManifest(MANIFEST, other.privateKeyPem).signature;
    expect(codeOf(() => verifyManifestSignature(MANIFEST, byOther, trusted))).toBe('UPDATE_UNKNOWN_KEY');
    // Another key's signature presented under the trusted key's id.
    const forged = { keyId: key.publicKey.keyId, signature: byOther.signature };
    expect(codeOf(() => verifyManifestSignature(MANIFEST, forged, trusted))).toBe('UPDATE_BAD_SIGNATURE');
    const edited = { ...MANIFEST, rollback: true };
    expect(codeOf(() => verifyManifestSignature(edited, signed.signature, trusted))).toBe(
      'UPDATE_BAD_SIGNATURE',
    );
    const junk = { keyId: key.publicKey.keyId, signature: 'abc' };
    expect(codeOf(() => verifyManifestSignature(MANIFEST, junk, trusted))).toBe('UPDATE_BAD_SIGNATURE');
  });

  it('refuses a signing key that is not an Ed25519 PEM', () => {
    expect(codeOf(() => signManifest(MANIFEST, 'not a key'))).toBe('CONFIG_INVALID');
  });
});

describe('GATECAST_RELEASE_KEYS', () => {
  const one = generateReleaseKey().publicKey;
  const two = generateReleaseKey().publicKey;
  const pair = (key: typeof one) => `${key.keyId}:${key.publicKey}`;

  it('reads comma-separated pairs, or a file of them with comments; unset trusts nobody', () => {
    expect(loadTrustedReleaseKeys(undefined)).toEqual([]);
    expect(loadTrustedReleaseKeys(` ${pair(one)} , ${pair(two)} `)).toEqual([one, two]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatecast-keys-'));
    const file = path.join(dir, 'release-keys');
    fs.writeFileSync(file, `# the release team's keys\n${pair(one)}\n\n${pair(two)}\n`);
    expect(loadTrustedReleaseKeys(file)).toEqual([one, two]);
    fs.rmSync(dir, { recursive: true });
  });

  it('says which entry is wrong: a malformed key, an id that is not its key, a missing file', () => {
    expect(() => parseTrustedReleaseKeys(`${one.keyId}:short`)).toThrow(
      /GATECAST_RELEASE_KEYS: ".*:short": must be a base64 Ed25519 public key/,
    );
    expect(() => parseTrustedReleaseKeys(`${one.keyId}:${two.publicKey}`)).toThrow(
      `GATECAST_RELEASE_KEYS: key id ${one.keyId} does not belong to its public key (its id is ${two.keyId})`,
    );
    expect(codeOf(() => loadTrustedReleaseKeys('/nonexistent/keys'))).toBe('CONFIG_INVALID');
  });
});
