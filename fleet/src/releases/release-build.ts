import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GatecastError,
  releaseManifestSchema,
  type ReleaseManifest,
  type SignedManifest,
} from '@gatecast/protocol';
import { create as createTar } from 'tar';
import {
  AGENT_ASSET_DIRS,
  AGENT_ENTRY,
  DEVICE_PACKAGE_DIR,
  LAUNCHER_ENTRY,
  RELEASE_INFO_FILE,
  bundleAgent,
  bundleLauncher,
} from './agent-bundle.js';
import { signManifest } from './release-keys.js';

export interface ReleaseBuildInput {
  version: string;
  minPreviousVersion: string | null;
  rollback: boolean;
  notes: string;
  /** How long screens accept the manifest, from its createdAt; DEFAULT_EXPIRES_IN_DAYS if unset. */
  expiresInDays?: number;
  privateKeyPem: string;
  outDir: string;
  /** One line per step, for people watching (stderr). */
  progress?: (line: string) => void;
  now?: () => Date;
  deviceDir?: string;
}

export interface BuiltRelease {
  artifactFile: string;
  manifestFile: string;
  signed: SignedManifest;
}

/**
 * A year: long enough for a release to wait through a slow rollout, short enough that a manifest
 * held back and replayed later is refused. Ten years is the most a build may ask for.
 */
export const DEFAULT_EXPIRES_IN_DAYS = 365;
export const MAX_EXPIRES_IN_DAYS = 3650;
const DAY_MS = 86_400_000;

/** `--expires-in-days`: a whole number of days, 1 to MAX_EXPIRES_IN_DAYS. */
export function parseExpiresInDays(text: string): number {
  const days = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  checkExpiresInDays(days);
  return days;
}

function checkExpiresInDays(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRES_IN_DAYS) {
    throw new GatecastError(
      'BAD_REQUEST',
      `--expires-in-days must be a whole number of days from 1 to ${MAX_EXPIRES_IN_DAYS}`,
    );
  }
}

/** `gatecast-agent-1.4.0.tgz`, and its signed manifest beside it. */
export const artifactNameOf = (version: string): string => `gatecast-agent-${version}.tgz`;
export const manifestFileOf = (artifactFile: string): string => `${artifactFile}.manifest.json`;

/**
 * Builds a release on the operator's machine: bundles the agent and the launcher, packs them with
 * the pages and a release.json into a versioned .tgz, and signs the manifest (version, sha256, size) with the
 * operator's key. The key is only read here; nothing sends it anywhere.
 */
export async function buildRelease(input: ReleaseBuildInput): Promise<BuiltRelease> {
  const progress = input.progress ?? (() => undefined);
  // Refused before minutes of bundling, not after.
  checkExpiresInDays(input.expiresInDays ?? DEFAULT_EXPIRES_IN_DAYS);
  const artifact = artifactNameOf(input.version);
  const artifactFile = join(input.outDir, artifact);
  const manifestFile = manifestFileOf(artifactFile);
  await refuseExisting(artifactFile);
  const deviceDir = input.deviceDir ?? DEVICE_PACKAGE_DIR;
  const staging = await mkdtemp(join(tmpdir(), 'gatecast-release-'));
  try {
    progress(`bundling the agent ${input.version}…`);
    const bundleBytes = await bundleAgent(join(staging, AGENT_ENTRY), deviceDir);
    progress(`bundled ${AGENT_ENTRY} (${(bundleBytes / 1024 / 1024).toFixed(1)} MB)`);
    const launcherBytes = await bundleLauncher(join(staging, LAUNCHER_ENTRY), deviceDir);
    progress(`bundled ${LAUNCHER_ENTRY} (${(launcherBytes / 1024).toFixed(0)} kB)`);
    for (const dir of AGENT_ASSET_DIRS)
      await cp(join(deviceDir, dir), join(staging, dir), { recursive: true });
    await writeFile(join(staging, RELEASE_INFO_FILE), `${JSON.stringify({ version: input.version })}\n`);
    await mkdir(input.outDir, { recursive: true });
    progress(`packing ${artifact}…`);
    await createTar({ gzip: true, file: artifactFile, cwd: staging, portable: true }, [
      AGENT_ENTRY,
      LAUNCHER_ENTRY,
      RELEASE_INFO_FILE,
      ...AGENT_ASSET_DIRS,
    ]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const { sha256, size } = await digestFile(artifactFile);
  const manifest = releaseManifestOf(input, artifact, sha256, size);
  const signed = signManifest(manifest, input.privateKeyPem);
  await writeFile(manifestFile, `${JSON.stringify(signed, null, 2)}\n`);
  progress(`signed with key ${signed.signature.keyId}: ${manifestFile}`);
  return { artifactFile, manifestFile, signed };
}

/** The manifest the build signs, valid from now for `expiresInDays`. */
export function releaseManifestOf(
  input: Pick<
    ReleaseBuildInput,
    'version' | 'minPreviousVersion' | 'rollback' | 'notes' | 'expiresInDays' | 'now'
  >,
  artifact: string,
  sha256: string,
  size: number,
): ReleaseManifest {
  const days = input.expiresInDays ?? DEFAULT_EXPIRES_IN_DAYS;
  checkExpiresInDays(days);
  const createdAt = (input.now ?? (() => new Date()))();
  const parsed = releaseManifestSchema.safeParse({
    format: 1,
    version: input.version,
    artifact,
    sha256,
    size,
    minPreviousVersion: input.minPreviousVersion,
    rollback: input.rollback,
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + days * DAY_MS).toISOString(),
    notes: input.notes,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatecastError(
      'BAD_REQUEST',
      `${issue?.path.join('.') ?? 'manifest'}: ${issue?.message ?? 'is invalid'}`,
    );
  }
  return parsed.data;
}

async function refuseExisting(file: string): Promise<void> {
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (exists) throw new GatecastError('CONFLICT', `${file} already exists; a version is built once`);
}

/** The sha256 and size of a file, streamed. */
export async function digestFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
