import { releaseManifestSchema, type ReleaseManifest, type SignedManifest } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';

/** A release as the fleet keeps it: its signed manifest, and whether its artifact is in. */
export interface StoredRelease {
  version: string;
  manifest: ReleaseManifest;
  signature: SignedManifest['signature'];
  sha256: string;
  size: number;
  createdAt: string;
  createdBy: string | null;
  published: boolean;
  publishedAt: string | null;
  publishedBy: string | null;
}

/** A row of the releases table, as both readers take it (rollouts read it synchronously for now). */
export interface ReleaseRow {
  version: string;
  manifest: string;
  key_id: string;
  signature: string;
  artifact: string;
  sha256: string;
  size: number;
  created_at: string;
  created_by: string | null;
  published_at: string | null;
  published_by: string | null;
}

/** Plain SQL over the releases table; the rules live in releases-service.ts. */
export class ReleasesRepo {
  constructor(private readonly store: Sql) {}

  async get(version: string): Promise<StoredRelease | undefined> {
    const row = await this.store.one<ReleaseRow>(sql`SELECT * FROM releases WHERE version = ${version}`);
    return row && toRelease(row);
  }

  async list(): Promise<StoredRelease[]> {
    return (await this.store.all<ReleaseRow>(sql`SELECT * FROM releases`)).map(toRelease);
  }

  /** Throws a primary-key constraint error when the version exists (the service maps it to CONFLICT). */
  async insert(signed: SignedManifest, at: string, by: string | null): Promise<void> {
    const { manifest, signature } = signed;
    await this.store.run(
      sql`INSERT INTO releases (version, manifest, key_id, signature, artifact, sha256, size, created_at, created_by)
          VALUES (${manifest.version}, ${JSON.stringify(manifest)}, ${signature.keyId}, ${signature.signature},
            ${manifest.artifact}, ${manifest.sha256}, ${manifest.size}, ${at}, ${by})`,
    );
  }

  /** False when it was already published: two uploads racing, the second one loses. */
  async markPublished(version: string, at: string, by: string | null): Promise<boolean> {
    const changed = await this.store.run(
      sql`UPDATE releases SET published_at = ${at}, published_by = ${by}
          WHERE version = ${version} AND published_at IS NULL`,
    );
    return changed === 1;
  }
}

export function toRelease(row: ReleaseRow): StoredRelease {
  return {
    version: row.version,
    // Written by this fleet after the same schema accepted it.
    manifest: releaseManifestSchema.parse(JSON.parse(row.manifest)),
    signature: { keyId: row.key_id, signature: row.signature },
    sha256: row.sha256,
    size: row.size,
    createdAt: row.created_at,
    createdBy: row.created_by,
    published: row.published_at !== null,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
  };
}
