import { describe, expect, it } from 'vitest';
import { verifyRelease } from '../../../src/update/verify-release.js';
import { manifestFor, newSigningKey, signManifest } from './release-signing.js';

const key = newSigningKey();
const otherKey = newSigningKey();
const RUNNING = '1.3.2';

describe('verifyRelease', () => {
  it('accepts a newer release signed by a pinned key and returns its manifest', () => {
    const signed = signManifest(manifestFor({ version: '1.4.0' }), key);
    const result = verifyRelease(signed, [otherKey.pinned, key.pinned], RUNNING);
    expect(result).toEqual({ ok: true, manifest: signed.manifest });
  });

  it.each([
    ['a manifest without signature', { manifest: manifestFor() }],
    ['a null signature', { manifest: manifestFor(), signature: null }],
    ['a bare string', 'gatecast-agent-1.4.0.tgz'],
    ['nothing', undefined],
  ])('refuses %s as UPDATE_UNSIGNED', (_label, input) => {
    const result = verifyRelease(input, [key.pinned], RUNNING);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNSIGNED' });
  });

  it('refuses a signed object whose manifest is not a release manifest as UPDATE_UNSIGNED', () => {
    const signed = signManifest(manifestFor(), key);
    const result = verifyRelease(
      { ...signed, manifest: { ...signed.manifest, sha256: 'xyz' } },
      [key.pinned],
      RUNNING,
    );
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNSIGNED' });
    expect(!result.ok && result.message).toContain('sha256');
  });

  it('refuses a release signed by a key that is not pinned as UPDATE_UNKNOWN_KEY', () => {
    const signed = signManifest(manifestFor(), otherKey);
    const result = verifyRelease(signed, [key.pinned], RUNNING);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNKNOWN_KEY' });
    expect(!result.ok && result.message).toContain(otherKey.pinned.keyId);
  });

  it('refuses every release when no key is pinned as UPDATE_UNKNOWN_KEY', () => {
    const result = verifyRelease(signManifest(manifestFor(), key), [], RUNNING);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNKNOWN_KEY' });
    expect(!result.ok && result.message).toContain('updates.publicKeys');
  });

  it('refuses a manifest changed after signing as UPDATE_BAD_SIGNATURE', () => {
    const signed = signManifest(manifestFor(), key);
    const tampered = { ...signed, manifest: { ...signed.manifest, sha256: 'b'.repeat(64) } };
    expect(verifyRelease(tampered, [key.pinned], RUNNING)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('refuses a signature made by another key under a pinned key id as UPDATE_BAD_SIGNATURE', () => {
    const forged = signManifest(manifestFor(), otherKey);
    forged.signature.keyId = key.pinned.keyId;
    expect(verifyRelease(forged, [key.pinned], RUNNING)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('refuses a malformed signature as UPDATE_BAD_SIGNATURE', () => {
    const signed = signManifest(manifestFor(), key);
    const broken = { ...signed, signature: { keyId: key.pinned.keyId, signature: 'not base64' } };
    expect(verifyRelease(broken, [key.pinned], RUNNING)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('does not let an unsigned extra field ride along: it is dropped before checking', () => {
    const signed = signManifest(manifestFor(), key);
    const padded = { ...signed, manifest: { ...signed.manifest, postInstall: 'node unsigned.js' } };
    const result = verifyRelease(padded, [key.pinned], RUNNING);
    expect(result.ok && Object.keys(result.manifest)).not.toContain('postInstall');
  });

  it.each([
    ['older', '1.2.9'],
    ['equal', RUNNING],
    ['a pre-release of the running version', '1.3.2-rc.1'],
  ])('refuses an %s release that is not a rollback as UPDATE_DOWNGRADE', (_label, version) => {
    const signed = signManifest(manifestFor({ version }), key);
    const result = verifyRelease(signed, [key.pinned], RUNNING);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_DOWNGRADE' });
  });

  it('accepts an older release that is a signed rollback', () => {
    const signed = signManifest(manifestFor({ version: '1.2.9', rollback: true }), key);
    expect(verifyRelease(signed, [key.pinned], RUNNING)).toMatchObject({ ok: true });
  });

  it('refuses a rollback flag added after signing: the signature covers it', () => {
    const signed = signManifest(manifestFor({ version: '1.2.9' }), key);
    const flipped = { ...signed, manifest: { ...signed.manifest, rollback: true } };
    expect(verifyRelease(flipped, [key.pinned], RUNNING)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('refuses a release whose minPreviousVersion is newer than what runs, as UPDATE_FAILED', () => {
    const signed = signManifest(manifestFor({ version: '2.0.0', minPreviousVersion: '1.4.0' }), key);
    const result = verifyRelease(signed, [key.pinned], RUNNING);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_FAILED' });
    expect(!result.ok && result.message).toContain('needs 1.4.0 or later');
    expect(verifyRelease(signed, [key.pinned], '1.4.0')).toMatchObject({ ok: true });
  });
});
