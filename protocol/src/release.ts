import { z } from 'zod';
import { isoTimeSchema, sha256Schema } from './common.js';

/**
 * Agent releases (OTA). A release is one artifact (the bundled agent) and a manifest signed with
 * Ed25519. Screens pin the public keys in their config and refuse anything unsigned, tampered with,
 * signed by a key they do not pin, or older than what they run, except a signed rollback.
 */

/** Semantic version, as the agent reports it (`1.4.0`, `1.5.0-rc.1`). */
export const releaseVersionSchema = z
  .string()
  .regex(/^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,40})?$/, 'must be a version such as 1.4.0');

/** A key's id: the first 16 hex digits of the sha256 of its raw 32-byte public key. */
export const releaseKeyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits');

/** The signed part. Its canonical bytes (see `canonicalManifestBytes`) are what the key signs. */
export const releaseManifestSchema = z.object({
  format: z.literal(1),
  version: releaseVersionSchema,
  /** The artifact's file name, e.g. `gatecast-agent-1.4.0.tgz`. */
  artifact: z.string().regex(/^[A-Za-z0-9._-]{1,120}$/),
  sha256: sha256Schema,
  size: z.number().int().positive(),
  /** A screen running an older version must first update to this one (migrations of its state). */
  minPreviousVersion: releaseVersionSchema.nullable(),
  /** A rollback release may be older than what screens run; it must say so, and is signed like any other. */
  rollback: z.boolean().default(false),
  createdAt: isoTimeSchema,
  /**
   * After this a screen refuses the manifest, so an old signed release cannot be held back and
   * offered later (freeze). Signed like the rest; must be after createdAt.
   */
  expiresAt: isoTimeSchema,
  notes: z.string().max(2000).default(''),
});

export const releaseSignatureSchema = z.object({
  keyId: releaseKeyIdSchema,
  /** Ed25519 signature of the canonical manifest bytes, base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
});

/** What the fleet stores and hands to screens: the manifest and its signature, together. */
export const signedManifestSchema = z.object({
  manifest: releaseManifestSchema,
  signature: releaseSignatureSchema,
});

/** A pinned public key in the agent config: raw 32-byte Ed25519 key, base64. */
export const releasePublicKeySchema = z.object({
  keyId: releaseKeyIdSchema,
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 Ed25519 public key'),
});

export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;
export type ReleaseSignature = z.infer<typeof releaseSignatureSchema>;
export type SignedManifest = z.infer<typeof signedManifestSchema>;
export type ReleasePublicKey = z.infer<typeof releasePublicKeySchema>;

/**
 * The bytes a key signs: the manifest as JSON with its keys in a fixed order, so the fleet, the
 * operator's machine and the screen agree whatever order a JSON encoder chose.
 */
export function canonicalManifestBytes(manifest: ReleaseManifest): Buffer {
  const ordered = {
    format: manifest.format,
    version: manifest.version,
    artifact: manifest.artifact,
    sha256: manifest.sha256,
    size: manifest.size,
    minPreviousVersion: manifest.minPreviousVersion,
    rollback: manifest.rollback,
    createdAt: manifest.createdAt,
    expiresAt: manifest.expiresAt,
    notes: manifest.notes,
  };
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

/** Compares two release versions: negative when a < b. A pre-release sorts before its release. */
export function compareReleaseVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core = '', pre] = version.split(/-(.*)/s, 2);
    return { parts: core.split('.').map(Number), pre: pre ?? null };
  };
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i++) {
    const diff = (left.parts[i] ?? 0) - (right.parts[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (left.pre === right.pre) return 0;
  if (left.pre === null) return 1;
  if (right.pre === null) return -1;
  return left.pre < right.pre ? -1 : 1;
}
