import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';

/** Named leases: one holder at a time, until `expires_at`; two portable statements. */
export class LeaseRepo {
  constructor(private readonly store: Sql) {}

  /**
   * Takes or renews the lease until `until`; true when `holder` has it now. It is taken when it
   * is free, already this holder's, or expired at `now` (ISO times compare as text on both stores).
   * One statement, so two processes trying at once leave one holder.
   */
  async acquire(name: string, holder: string, now: string, until: string): Promise<boolean> {
    const touched = await this.store.run(
      sql`INSERT INTO cluster_leases (name, holder, expires_at) VALUES (${name}, ${holder}, ${until})
          ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
          WHERE cluster_leases.holder = excluded.holder OR cluster_leases.expires_at <= ${now}`,
    );
    return touched > 0;
  }

  /** Gives the lease up at once (a clean stop), so another process need not wait for it to lapse. */
  async release(name: string, holder: string): Promise<void> {
    await this.store.run(sql`DELETE FROM cluster_leases WHERE name = ${name} AND holder = ${holder}`);
  }
}
