import { releaseManifestSchema, type ReleaseManifest, type SignedManifest } from '@gatecast/protocol';
import type { Database } from '../store/database.js';

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

interface ReleaseRow {
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
  private readonly stmts;

  constructor(db: Database) {
    this.stmts = {
      get: db.prepare<[string], ReleaseRow>('SELECT * FROM releases WHERE version = ?'),
      list: db.prepare<[], ReleaseRow>('SELECT * FROM releases'),
      insert: db.prepare<[string, string, string, string, string, string, number, string, string | null]>(
        `INSERT INTO releases (version, manifest, key_id, signature, artifact, sha256, size, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      publish: db.prepare<[string, string | null, string]>(
        'UPDATE releases SET published_at = ?, published_by = ? WHERE version = ? AND published_at IS NULL',
      ),
    };
  }

  get(version: string): StoredRelease | undefined {
    const row = this.stmts.get.get(version);
    return row && toRelease(row);
  }

  list(): StoredRelease[] {
    return this.stmts.list.all().map(toRelease);
  }

  /** Throws a primary-key constraint error when the version exists (the service maps it to CONFLICT). */
  insert(signed: SignedManifest, at: string, by: string | null): void {
    const { manifest, signature } = signed;
    this.stmts.insert.run(
      manifest.version,
      JSON.stringify(manifest),
      signature.keyId,
      signature.signature,
      manifest.artifact,
      manifest.sha256,
      manifest.size,
      at,
      by,
    );
  }

  /** False when it was already published: two uploads racing, the second one loses. */
  markPublished(version: string, at: string, by: string | null): boolean {
    return this.stmts.publish.run(at, by, version).changes === 1;
  }
}

function toRelease(row: ReleaseRow): StoredRelease {
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
