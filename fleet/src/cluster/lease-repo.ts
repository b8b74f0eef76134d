import type { Database } from '../store/database.js';

/** Named leases: one holder at a time, until `expires_at`; two portable statements. */
export class LeaseRepo {
  private readonly stmts;

  constructor(db: Database) {
    this.stmts = prepare(db);
  }

  /**
   * Takes or renews the lease until `until`; true when `holder` has it now. It is taken when it
   * is free, already this holder's, or expired at `now`.
   */
  acquire(name: string, holder: string, now: string, until: string): boolean {
    return this.stmts.acquire.run({ name, holder, now, until }).changes > 0;
  }

  /** Gives the lease up at once (a clean stop), so another process need not wait for it to lapse. */
  release(name: string, holder: string): void {
    this.stmts.release.run({ name, holder });
  }
}

function prepare(db: Database) {
  return {
    acquire: db.prepare<[{ name: string; holder: string; now: string; until: string }]>(
      `INSERT INTO cluster_leases (name, holder, expires_at) VALUES (@name, @holder, @until)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE cluster_leases.holder = excluded.holder OR cluster_leases.expires_at <= @now`,
    ),
    release: db.prepare<[{ name: string; holder: string }]>(
      `DELETE FROM cluster_leases WHERE name = @name AND holder = @holder`,
    ),
  };
}
