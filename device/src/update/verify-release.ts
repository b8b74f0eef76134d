import { createPublicKey, verify } from 'node:crypto';
import {
  canonicalManifestBytes,
  compareReleaseVersions,
  releaseManifestSchema,
  releaseSignatureSchema,
  type ErrorCode,
  type ReleaseManifest,
  type ReleasePublicKey,
} from '@gatecast/protocol';

export interface VerifyContext {
  runningVersion: string;
  /** The device clock. */
  now: Date;
  /**
   * When the fleet issued the desired document that carries the release, over the authenticated
   * link: the fleet's clock. Like the trusted createdAt, only ever a floor for time, so a device
   * clock set back cannot revive an expired manifest. Null when unknown.
   */
  fleetIssuedAt?: string | null;
  /**
   * The newest createdAt of a release this screen installed (see trusted-release-state), or null
   * before its first. It is a floor for both time and freshness.
   */
  trustedCreatedAt: string | null;
}

export type VerifyResult =
  { ok: true; manifest: ReleaseManifest } | { ok: false; code: ErrorCode; message: string };

/**
 * Decides whether this screen may install a release, before a byte of the artifact is fetched:
 * it must be signed by a pinned key over its canonical bytes, and newer than what runs unless it
 * is a signed rollback. The manifest is parsed (defaults applied, unknown keys dropped) before the
 * canonical bytes are computed, so no unsigned field can ride along with a signed one.
 *
 * An equal version is refused unless it is a signed rollback: re-installing what runs is the
 * caller's "nothing to do", and refusing it here keeps a replayed manifest from restarting a screen.
 *
 * A signed manifest also has to be current: not expired (a clock set back cannot revive one once
 * the screen has trusted a newer release) and not signed before the newest release this screen
 * trusts, so a replayed old rollback cannot take it back. A rollback built later still installs.
 */
export function verifyRelease(
  signed: unknown,
  pinnedKeys: readonly ReleasePublicKey[],
  context: VerifyContext,
): VerifyResult {
  const record = isRecord(signed) ? signed : null;
  if (!record || record.signature === undefined || record.signature === null) {
    return refuse('UPDATE_UNSIGNED', 'the release has no signature; only signed releases are installed');
  }
  const manifest = releaseManifestSchema.safeParse(record.manifest);
  if (!manifest.success) {
    const issue = manifest.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return refuse('UPDATE_UNSIGNED', `not a signed release manifest: ${issue?.message ?? 'invalid'}${where}`);
  }
  const signature = releaseSignatureSchema.safeParse(record.signature);
  if (!signature.success) return refuse('UPDATE_BAD_SIGNATURE', 'the release signature is malformed');

  const { keyId } = signature.data;
  if (pinnedKeys.length === 0) {
    return refuse(
      'UPDATE_UNKNOWN_KEY',
      'no release keys are pinned in the agent config (updates.publicKeys)',
    );
  }
  const pinned = pinnedKeys.find((key) => key.keyId === keyId);
  if (!pinned)
    return refuse('UPDATE_UNKNOWN_KEY', `the release is signed by key ${keyId}, which is not pinned`);
  if (!signatureMatches(manifest.data, signature.data.signature, pinned.publicKey)) {
    return refuse('UPDATE_BAD_SIGNATURE', `the signature by key ${keyId} does not match the manifest`);
  }
  return checkCurrent(manifest.data, context) ?? checkVersion(manifest.data, context.runningVersion);
}

function checkCurrent(manifest: ReleaseManifest, context: VerifyContext): VerifyResult | null {
  const { version, createdAt, expiresAt } = manifest;
  const created = Date.parse(createdAt);
  const expires = Date.parse(expiresAt);
  if (expires <= created) {
    return refuse(
      'UPDATE_EXPIRED',
      `release ${version} expires (${expiresAt}) no later than it was created (${createdAt})`,
    );
  }
  const floor = context.trustedCreatedAt === null ? Number.NaN : Date.parse(context.trustedCreatedAt);
  const issued = context.fleetIssuedAt ? Date.parse(context.fleetIssuedAt) : Number.NaN;
  // A clock behind the newest release this screen trusts, or behind the fleet's, is wrong by at
  // least that much; the later of the three is the earliest it can really be.
  const now = Math.max(context.now.getTime(), ...[floor, issued].filter(Number.isFinite));
  if (expires <= now) {
    return refuse(
      'UPDATE_EXPIRED',
      `release ${version} expired at ${expiresAt} (now ${new Date(now).toISOString()}); build and sign it again`,
    );
  }
  // Equal is the release already trusted (or one signed with it): that is the version check's case.
  if (Number.isFinite(floor) && created < floor) {
    return refuse(
      'UPDATE_DOWNGRADE',
      `release ${version} was signed (${createdAt}) before the newest release this screen trusts ` +
        `(${context.trustedCreatedAt}); a rollback must be built again to be installed`,
    );
  }
  return null;
}

function checkVersion(manifest: ReleaseManifest, runningVersion: string): VerifyResult {
  const { version, rollback, minPreviousVersion } = manifest;
  if (compareReleaseVersions(version, runningVersion) <= 0 && !rollback) {
    return refuse(
      'UPDATE_DOWNGRADE',
      `release ${version} is not newer than the running ${runningVersion} and is not a signed rollback`,
    );
  }
  // The catalogue has no code of its own for this; UPDATE_FAILED says the screen stays where it is.
  if (minPreviousVersion !== null && compareReleaseVersions(runningVersion, minPreviousVersion) < 0) {
    return refuse(
      'UPDATE_FAILED',
      `release ${version} needs ${minPreviousVersion} or later installed first; this screen runs ${runningVersion}`,
    );
  }
  return { ok: true, manifest };
}

function signatureMatches(manifest: ReleaseManifest, signature: string, publicKey: string): boolean {
  try {
    // A pinned key is the raw 32 bytes; as a JWK it needs no hand-made SPKI prefix.
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') },
      format: 'jwk',
    });
    return verify(null, canonicalManifestBytes(manifest), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

function refuse(code: ErrorCode, message: string): VerifyResult {
  return { ok: false, code, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
