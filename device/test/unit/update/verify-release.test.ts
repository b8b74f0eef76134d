import { describe, expect, it } from 'vitest';
import { verifyRelease } from '../../../src/update/verify-release.js';
import { manifestFor, newSigningKey, signManifest } from './release-signing.js';

const key = newSigningKey();
const otherKey = newSigningKey();
const RUNNING = '1.3.2';
/** A few days into the validity of manifestFor's default (created 2026-11-26, valid 365 days). */
const NOW = new Date('2026-12-01T00:00:00.000Z');
const AT = { runningVersion: RUNNING, now: NOW, trustedCreatedAt: null };
const DAY_MS = 86_400_000;

describe('verifyRelease', () => {
  it('accepts a newer release signed by a pinned key and returns its manifest', () => {
    const signed = signManifest(manifestFor({ version: '1.4.0' }), key);
    const result = verifyRelease(signed, [otherKey.pinned, key.pinned], AT);
    expect(result).toEqual({ ok: true, manifest: signed.manifest });
  });

  it.each([
    ['a manifest without signature', { manifest: manifestFor() }],
    ['a null signature', { manifest: manifestFor(), signature: null }],
    ['a bare string', 'gatecast-agent-1.4.0.tgz'],
    ['nothing', undefined],
  ])('refuses %s as UPDATE_UNSIGNED', (_label, input) => {
    const result = verifyRelease(input, [key.pinned], AT);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNSIGNED' });
  });

  it('refuses a signed object whose manifest is not a release manifest as UPDATE_UNSIGNED', () => {
    const signed = signManifest(manifestFor(), key);
    const result = verifyRelease(
      { ...signed, manifest: { ...signed.manifest, sha256: 'xyz' } },
      [key.pinned],
      AT,
    );
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNSIGNED' });
    expect(!result.ok && result.message).toContain('sha256');
  });

  it('refuses a release signed by a key that is not pinned as UPDATE_UNKNOWN_KEY', () => {
    const signed = signManifest(manifestFor(), otherKey);
    const result = verifyRelease(signed, [key.pinned], AT);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNKNOWN_KEY' });
    expect(!result.ok && result.message).toContain(otherKey.pinned.keyId);
  });

  it('refuses every release when no key is pinned as UPDATE_UNKNOWN_KEY', () => {
    const result = verifyRelease(signManifest(manifestFor(), key), [], AT);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_UNKNOWN_KEY' });
    expect(!result.ok && result.message).toContain('updates.publicKeys');
  });

  it('refuses a manifest changed after signing as UPDATE_BAD_SIGNATURE', () => {
    const signed = signManifest(manifestFor(), key);
    const tampered = { ...signed, manifest: { ...signed.manifest, sha256: 'b'.repeat(64) } };
    expect(verifyRelease(tampered, [key.pinned], AT)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('refuses a signature made by another key under a pinned key id as UPDATE_BAD_SIGNATURE', () => {
    const forged = signManifest(manifestFor(), otherKey);
    forged.signature.keyId = key.pinned.keyId;
    expect(verifyRelease(forged, [key.pinned], AT)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('refuses a malformed signature as UPDATE_BAD_SIGNATURE', () => {
    const signed = signManifest(manifestFor(), key);
    const broken = { ...signed, signature: { keyId: key.pinned.keyId, signature: 'not base64' } };
    expect(verifyRelease(broken, [key.pinned], AT)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('does not let an unsigned extra field ride along: it is dropped before checking', () => {
    const signed = signManifest(manifestFor(), key);
    const padded = { ...signed, manifest: { ...signed.manifest, postInstall: 'node unsigned.js' } };
    const result = verifyRelease(padded, [key.pinned], AT);
    expect(result.ok && Object.keys(result.manifest)).not.toContain('postInstall');
  });

  it.each([
    ['older', '1.2.9'],
    ['equal', RUNNING],
    ['a pre-release of the running version', '1.3.2-rc.1'],
  ])('refuses an %s release that is not a rollback as UPDATE_DOWNGRADE', (_label, version) => {
    const signed = signManifest(manifestFor({ version }), key);
    const result = verifyRelease(signed, [key.pinned], AT);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_DOWNGRADE' });
  });

  it('accepts an older release that is a signed rollback', () => {
    const signed = signManifest(manifestFor({ version: '1.2.9', rollback: true }), key);
    expect(verifyRelease(signed, [key.pinned], AT)).toMatchObject({ ok: true });
  });

  it('refuses a rollback flag added after signing: the signature covers it', () => {
    const signed = signManifest(manifestFor({ version: '1.2.9' }), key);
    const flipped = { ...signed, manifest: { ...signed.manifest, rollback: true } };
    expect(verifyRelease(flipped, [key.pinned], AT)).toMatchObject({
      ok: false,
      code: 'UPDATE_BAD_SIGNATURE',
    });
  });

  it('refuses a release whose minPreviousVersion is newer than what runs, as UPDATE_FAILED', () => {
    const signed = signManifest(manifestFor({ version: '2.0.0', minPreviousVersion: '1.4.0' }), key);
    const result = verifyRelease(signed, [key.pinned], AT);
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_FAILED' });
    expect(!result.ok && result.message).toContain('needs 1.4.0 or later');
    expect(verifyRelease(signed, [key.pinned], { ...AT, runningVersion: '1.4.0' })).toMatchObject({
      ok: true,
    });
  });
});

describe('verifyRelease: expiry and freshness', () => {
  const CREATED = '2026-11-26T12:00:00.000Z';
  const EXPIRES = '2027-11-26T12:00:00.000Z';
  const after = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY_MS);

  it('accepts a manifest until just before its expiry, and refuses it at and after as UPDATE_EXPIRED', () => {
    const signed = signManifest(
      manifestFor({ version: '1.4.0', createdAt: CREATED, expiresAt: EXPIRES }),
      key,
    );
    const at = (now: Date) => verifyRelease(signed, [key.pinned], { ...AT, now });
    expect(at(new Date(Date.parse(EXPIRES) - 1))).toMatchObject({ ok: true });
    expect(at(new Date(EXPIRES))).toMatchObject({ ok: false, code: 'UPDATE_EXPIRED' });
    const later = at(after(EXPIRES, 30));
    expect(later).toMatchObject({ ok: false, code: 'UPDATE_EXPIRED' });
    expect(!later.ok && later.message).toContain(`expired at ${EXPIRES}`);
  });

  it('refuses a manifest that expires no later than it was created, whatever the clock says', () => {
    for (const expiresAt of [CREATED, '2026-11-25T12:00:00.000Z']) {
      const signed = signManifest(manifestFor({ version: '1.4.0', createdAt: CREATED, expiresAt }), key);
      const result = verifyRelease(signed, [key.pinned], { ...AT, now: new Date('2026-11-20T00:00:00Z') });
      expect(result).toMatchObject({ ok: false, code: 'UPDATE_EXPIRED' });
      expect(!result.ok && result.message).toContain('no later than it was created');
    }
  });

  it('refuses an expired manifest on a clock set back, once the screen trusts a newer release', () => {
    const signed = signManifest(
      manifestFor({ version: '1.4.0', createdAt: CREATED, expiresAt: EXPIRES }),
      key,
    );
    const behind = new Date('2026-12-01T00:00:00.000Z');
    // The clock alone would let it through; the newest trusted createdAt (after the expiry) does not.
    expect(verifyRelease(signed, [key.pinned], { ...AT, now: behind })).toMatchObject({ ok: true });
    const trustedCreatedAt = after(EXPIRES, 10).toISOString();
    const result = verifyRelease(signed, [key.pinned], { ...AT, now: behind, trustedCreatedAt });
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_EXPIRED' });
  });

  it('refuses an expired manifest on a clock set back, when the fleet issued its document after the expiry', () => {
    const signed = signManifest(
      manifestFor({ version: '1.4.0', createdAt: CREATED, expiresAt: EXPIRES }),
      key,
    );
    const behind = new Date('2026-12-01T00:00:00.000Z');
    const fleetIssuedAt = after(EXPIRES, 1).toISOString();
    const result = verifyRelease(signed, [key.pinned], { ...AT, now: behind, fleetIssuedAt });
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_EXPIRED' });
    // The fleet's time is only a floor: an old document's time never makes an expired manifest valid.
    const old = verifyRelease(signed, [key.pinned], {
      ...AT,
      now: after(EXPIRES, 1),
      fleetIssuedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(old).toMatchObject({ ok: false, code: 'UPDATE_EXPIRED' });
  });

  it('refuses a release signed before the newest release this screen trusts as UPDATE_DOWNGRADE', () => {
    const oldRollback = signManifest(
      manifestFor({ version: '1.2.9', rollback: true, createdAt: CREATED, expiresAt: EXPIRES }),
      key,
    );
    const trustedCreatedAt = after(CREATED, 20).toISOString();
    const now = after(CREATED, 40);
    const replayed = verifyRelease(oldRollback, [key.pinned], { ...AT, now, trustedCreatedAt });
    expect(replayed).toMatchObject({ ok: false, code: 'UPDATE_DOWNGRADE' });
    expect(!replayed.ok && replayed.message).toContain('before the newest release this screen trusts');
    // A newer version signed before the floor is refused the same way.
    const oldNewer = signManifest(
      manifestFor({ version: '1.5.0', createdAt: CREATED, expiresAt: EXPIRES }),
      key,
    );
    expect(verifyRelease(oldNewer, [key.pinned], { ...AT, now, trustedCreatedAt })).toMatchObject({
      ok: false,
      code: 'UPDATE_DOWNGRADE',
    });
    // Without a trusted release, the same rollback is accepted: the floor is what refuses it.
    expect(verifyRelease(oldRollback, [key.pinned], { ...AT, now })).toMatchObject({ ok: true });
  });

  it('accepts a rollback built after the newest trusted release, and one signed at the floor itself', () => {
    const trustedCreatedAt = after(CREATED, 20).toISOString();
    const now = after(CREATED, 40);
    const rebuilt = signManifest(
      manifestFor({ version: '1.2.9', rollback: true, createdAt: after(CREATED, 30).toISOString() }),
      key,
    );
    expect(verifyRelease(rebuilt, [key.pinned], { ...AT, now, trustedCreatedAt })).toMatchObject({
      ok: true,
    });
    const atFloor = signManifest(manifestFor({ version: '1.4.0', createdAt: trustedCreatedAt }), key);
    expect(verifyRelease(atFloor, [key.pinned], { ...AT, now, trustedCreatedAt })).toMatchObject({
      ok: true,
    });
  });
});
