import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  GatecastError,
  canonicalManifestBytes,
  releaseSignatureSchema,
  type ReleaseManifest,
  type ReleasePublicKey,
  type SignedManifest,
} from '@gatecast/protocol';

/**
 * Ed25519 release keys through node:crypto alone. The raw 32-byte public key is what screens pin;
 * it is the tail of the SPKI DER export (a fixed 12-byte header precedes it).
 */
const RAW_KEY_BYTES = 32;
/** The SPKI DER header of every Ed25519 public key, so a raw key can be turned back into a KeyObject. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** First 16 hex digits of the sha256 of the raw public key (releaseKeyIdSchema). */
export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 16);
}

function rawPublicKeyOf(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' }).subarray(-RAW_KEY_BYTES);
}

function describePublic(key: KeyObject): ReleasePublicKey {
  const raw = rawPublicKeyOf(key);
  return { keyId: keyIdOf(raw), publicKey: raw.toString('base64') };
}

/** A fresh key pair: the private key as PKCS#8 PEM (stays with the operator), the public key as screens pin it. */
export function generateReleaseKey(): { privateKeyPem: string; publicKey: ReleasePublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: describePublic(publicKey),
  };
}

function privateKeyFrom(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new GatecastError('CONFIG_INVALID', 'the signing key is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new GatecastError('CONFIG_INVALID', `the signing key is ${key.asymmetricKeyType}, not Ed25519`);
  }
  return key;
}

/** The public half of a PEM private key, as screens pin it. */
export function publicKeyOf(privateKeyPem: string): ReleasePublicKey {
  return describePublic(createPublicKey(privateKeyFrom(privateKeyPem)));
}

/** Signs the manifest's canonical bytes: the same bytes the fleet and every screen verify. */
export function signManifest(manifest: ReleaseManifest, privateKeyPem: string): SignedManifest {
  const key = privateKeyFrom(privateKeyPem);
  const signature = sign(null, canonicalManifestBytes(manifest), key).toString('base64');
  return { manifest, signature: { keyId: describePublic(createPublicKey(key)).keyId, signature } };
}

/** A pinned raw public key as a KeyObject; null when it is not 32 bytes of base64. */
export function publicKeyObject(base64: string): KeyObject | null {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== RAW_KEY_BYTES) return null;
  try {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/**
 * Checks a manifest's signature against trusted keys; throws UPDATE_UNSIGNED (no signature),
 * UPDATE_UNKNOWN_KEY (a key not trusted here) or UPDATE_BAD_SIGNATURE (it does not verify).
 */
export function verifyManifestSignature(
  manifest: ReleaseManifest,
  signature: unknown,
  trustedKeys: readonly ReleasePublicKey[],
): SignedManifest {
  if (isEmptySignature(signature)) {
    throw new GatecastError('UPDATE_UNSIGNED', `release ${manifest.version} has no signature`);
  }
  const parsed = releaseSignatureSchema.safeParse(signature);
  if (!parsed.success) {
    throw new GatecastError(
      'UPDATE_BAD_SIGNATURE',
      `release ${manifest.version}: the signature is malformed`,
    );
  }
  const trusted = trustedKeys.find((key) => key.keyId === parsed.data.keyId);
  const key = trusted ? publicKeyObject(trusted.publicKey) : null;
  if (!key) {
    throw new GatecastError(
      'UPDATE_UNKNOWN_KEY',
      `release ${manifest.version} is signed by key ${parsed.data.keyId}, which this fleet does not trust (GATECAST_RELEASE_KEYS)`,
    );
  }
  const bytes = Buffer.from(parsed.data.signature, 'base64');
  if (!verify(null, canonicalManifestBytes(manifest), key, bytes)) {
    throw new GatecastError(
      'UPDATE_BAD_SIGNATURE',
      `release ${manifest.version}: the signature does not match its manifest`,
    );
  }
  return { manifest, signature: parsed.data };
}

function isEmptySignature(signature: unknown): boolean {
  if (signature === undefined || signature === null || signature === '') return true;
  if (typeof signature !== 'object') return false;
  const { signature: value } = signature as { signature?: unknown };
  return value === undefined || value === null || value === '';
}
