import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  canonicalManifestBytes,
  releaseManifestSchema,
  type ReleaseManifest,
  type ReleasePublicKey,
  type SignedManifest,
} from '@gatecast/protocol';

/** A release-signing key as the operator's machine holds it, and its pinned public half. */
export interface TestSigningKey {
  privateKey: KeyObject;
  pinned: ReleasePublicKey;
}

export function newSigningKey(): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // The raw 32-byte key is the tail of the SPKI DER export.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return { privateKey, pinned: { keyId, publicKey: raw.toString('base64') } };
}

const DAY_MS = 86_400_000;

/**
 * A manifest as `gatecast release build` signs it, valid for 365 days. The default createdAt is one
 * fixed date, so releases a test builds are equally fresh; its expiry then counts from today, so
 * the fixture does not age out. A given createdAt expires 365 days after it.
 */
export function manifestFor(overrides: Partial<ReleaseManifest> = {}): ReleaseManifest {
  const createdAt = overrides.createdAt ?? '2026-11-26T12:00:00.000Z';
  const validFrom = overrides.createdAt === undefined ? Date.now() : Date.parse(createdAt);
  return releaseManifestSchema.parse({
    format: 1,
    version: '1.4.0',
    artifact: 'gatecast-agent-1.4.0.tgz',
    sha256: 'a'.repeat(64),
    size: 1234,
    minPreviousVersion: null,
    rollback: false,
    createdAt,
    expiresAt: new Date(validFrom + 365 * DAY_MS).toISOString(),
    notes: 'test release',
    ...overrides,
  });
}

export function signManifest(manifest: ReleaseManifest, key: TestSigningKey): SignedManifest {
  const signature = sign(null, canonicalManifestBytes(manifest), key.privateKey).toString('base64');
  return { manifest, signature: { keyId: key.pinned.keyId, signature } };
}
