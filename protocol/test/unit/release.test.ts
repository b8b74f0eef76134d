import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalManifestBytes,
  compareReleaseVersions,
  releaseManifestSchema,
  releaseVersionSchema,
  type ReleaseManifest,
} from '../../src/release.js';

const manifest: ReleaseManifest = releaseManifestSchema.parse({
  format: 1,
  version: '1.4.0',
  artifact: 'gatecast-agent-1.4.0.tgz',
  sha256: 'a'.repeat(64),
  size: 1234,
  minPreviousVersion: null,
  createdAt: '2026-11-26T08:00:00.000Z',
  expiresAt: '2027-11-26T08:00:00.000Z',
});

describe('release manifests', () => {
  it('orders versions numerically, a pre-release before its release', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-rc.1', '0.9.9', '1.2.1'].sort(compareReleaseVersions);
    expect(sorted).toEqual(['0.9.9', '1.2.0-rc.1', '1.2.0', '1.2.1', '1.10.0']);
    expect(compareReleaseVersions('1.4.0', '1.4.0')).toBe(0);
  });

  it('refuses what is not a version', () => {
    for (const bad of ['1.4', 'v1.4.0', '1.4.0 ', '1.4.0-']) {
      expect(releaseVersionSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('signs the same bytes whatever order the keys arrived in', () => {
    const shuffled = releaseManifestSchema.parse(
      Object.fromEntries(Object.entries(manifest).reverse()) as Record<string, unknown>,
    );
    expect(canonicalManifestBytes(shuffled).equals(canonicalManifestBytes(manifest))).toBe(true);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signature = sign(null, canonicalManifestBytes(manifest), privateKey);
    expect(verify(null, canonicalManifestBytes(shuffled), publicKey, signature)).toBe(true);
    const tampered = { ...manifest, size: manifest.size + 1 };
    expect(verify(null, canonicalManifestBytes(tampered), publicKey, signature)).toBe(false);
  });

  it('signs expiresAt, in its place after createdAt', () => {
    const bytes = canonicalManifestBytes(manifest).toString('utf8');
    expect(Object.keys(JSON.parse(bytes) as object)).toEqual([
      'format',
      'version',
      'artifact',
      'sha256',
      'size',
      'minPreviousVersion',
      'rollback',
      'createdAt',
      'expiresAt',
      'notes',
    ]);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signature = sign(null, canonicalManifestBytes(manifest), privateKey);
    // A manifest whose expiry was pushed out after signing no longer verifies.
    const extended = { ...manifest, expiresAt: '2036-11-26T08:00:00.000Z' };
    expect(verify(null, canonicalManifestBytes(extended), publicKey, signature)).toBe(false);
  });

  it('requires expiresAt', () => {
    const { expiresAt: _dropped, ...withoutExpiry } = manifest;
    const parsed = releaseManifestSchema.safeParse(withoutExpiry);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['expiresAt']);
  });
});
