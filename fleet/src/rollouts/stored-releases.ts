import { toRelease, type ReleaseRow, type StoredRelease } from '../releases/releases-repo.js';
import type { Database } from '../store/database.js';

/**
 * The releases as rollouts read them: synchronously, on the SQLite connection, because the rollout
 * service and the desired document's agent part are synchronous until rollouts move to the async
 * store (issue 10). Everything else reads releases through the async ReleasesRepo.
 */
export class StoredReleases {
  private readonly byVersion;

  constructor(db: Database) {
    this.byVersion = db.prepare<[string], ReleaseRow>('SELECT * FROM releases WHERE version = ?');
  }

  get(version: string): StoredRelease | undefined {
    const row = this.byVersion.get(version);
    return row && toRelease(row);
  }
}
