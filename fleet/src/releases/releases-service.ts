import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  GatecastError,
  compareReleaseVersions,
  type ReleaseManifest,
  type ReleasePublicKey,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import { isConstraintError } from '../store/constraint-errors.js';
import type { Sql } from '../store/sql.js';
import { receiveArtifact } from './artifact-intake.js';
import { verifyManifestSignature } from './release-keys.js';
import { ReleasesRepo, type StoredRelease } from './releases-repo.js';

/** Far above any agent bundle; keeps a mistaken manifest from reserving the fleet's disk. */
export const MAX_ARTIFACT_BYTES = 2 * 1024 ** 3;

export interface ReleasesServiceOptions {
  sql: Sql;
  /** `<dataDir>/releases`: each artifact at `<dir>/<version>/<artifact>`. */
  dir: string;
  trustedKeys: readonly ReleasePublicKey[];
  log: Logger;
  now?: () => Date;
}

/** A published artifact on disk, ready to be served with Range. */
export interface ArtifactFile {
  path: string;
  size: number;
  sha256: string;
  name: string;
}

/**
 * Agent releases: a signed manifest is accepted only when a trusted key signed it; the release is
 * published once its artifact has arrived and matched the manifest byte for byte.
 */
export class ReleasesService {
  private readonly repo: ReleasesRepo;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: ReleasesServiceOptions) {
    this.repo = new ReleasesRepo(options.sql);
    this.log = options.log.child({ mod: 'releases' });
    this.now = options.now ?? (() => new Date());
  }

  /** Verifies and records a signed manifest; its artifact is expected next. */
  async accept(manifest: ReleaseManifest, signature: unknown, by: string | null): Promise<StoredRelease> {
    const signed = verifyManifestSignature(manifest, signature, this.options.trustedKeys);
    if (manifest.size > MAX_ARTIFACT_BYTES) {
      throw new GatecastError(
        'PAYLOAD_TOO_LARGE',
        `an artifact may have at most ${MAX_ARTIFACT_BYTES} bytes`,
      );
    }
    try {
      await this.repo.insert(signed, this.now().toISOString(), by);
    } catch (error) {
      if (!isConstraintError(error, 'primary-key')) throw error;
      throw new GatecastError('CONFLICT', `release ${manifest.version} already exists`);
    }
    this.log.info(
      { version: manifest.version, keyId: signed.signature.keyId, by },
      'release manifest accepted',
    );
    return this.get(manifest.version);
  }

  /** Streams the artifact in, checked against the signed size and sha256, and publishes the release. */
  async upload(version: string, body: Readable, by: string | null): Promise<StoredRelease> {
    const release = await this.get(version);
    if (release.published) throw new GatecastError('CONFLICT', `release ${version} is already published`);
    const expected = { version, sha256: release.sha256, size: release.size };
    await receiveArtifact(body, expected, this.pathOf(release));
    if (!(await this.repo.markPublished(version, this.now().toISOString(), by))) {
      throw new GatecastError('CONFLICT', `release ${version} is already published`);
    }
    this.log.info({ version, bytes: release.size, by }, 'release published');
    return this.get(version);
  }

  async get(version: string): Promise<StoredRelease> {
    const release = await this.repo.get(version);
    if (!release) throw new GatecastError('NOT_FOUND', `no release ${version}`);
    return release;
  }

  /** Newest version first. */
  async list(): Promise<StoredRelease[]> {
    return (await this.repo.list()).sort((a, b) => compareReleaseVersions(b.version, a.version));
  }

  /** The artifact of a published release; NOT_FOUND before it is published. */
  async artifact(version: string): Promise<ArtifactFile> {
    const release = await this.repo.get(version);
    if (!release?.published) throw new GatecastError('NOT_FOUND', `no published release ${version}`);
    const path = this.pathOf(release);
    try {
      await stat(path);
    } catch {
      this.log.error({ version, path }, 'published artifact missing on disk');
      throw new GatecastError('NOT_FOUND', `the artifact of release ${version} is missing on the fleet`);
    }
    return { path, size: release.size, sha256: release.sha256, name: release.manifest.artifact };
  }

  private pathOf(release: StoredRelease): string {
    return join(this.options.dir, release.version, release.manifest.artifact);
  }
}
