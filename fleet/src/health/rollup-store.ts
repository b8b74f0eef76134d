import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';
import type { RollupTier } from './health-schema.js';
import { foldMinutesIntoHours, foldRawIntoMinutes } from './rollup-sql.js';

/** Where each tier reads from, and the time column that orders it. */
const SOURCES = {
  minute: { table: 'telemetry', time: 'received_at' },
  hour: { table: 'telemetry_minute', time: 'bucket' },
} as const;

export type PrunedTier = 'raw' | RollupTier;

/** Each table's key picks the rows to delete (SQLite's rowid has no PostgreSQL twin). */
const PRUNE_TARGETS: Record<PrunedTier, { table: string; time: string; key: string }> = {
  raw: { table: 'telemetry', time: 'received_at', key: 'id' },
  minute: { table: 'telemetry_minute', time: 'bucket', key: 'device_id, bucket' },
  hour: { table: 'telemetry_hour', time: 'bucket', key: 'device_id, bucket' },
};

/** The rollup job's statements; every method is one short, bounded statement or transaction. */
export class RollupStore {
  constructor(private readonly store: Sql) {}

  /** Every source row before this time is folded into the tier; undefined before the first fold. */
  async progress(tier: RollupTier): Promise<string | undefined> {
    const row = await this.store.one<{ done_until: string }>(
      sql`SELECT done_until FROM telemetry_rollup_progress WHERE tier = ${tier}`,
    );
    return row?.done_until;
  }

  /** The oldest source row of a tier, to start the very first fold from. */
  async earliestSource(tier: RollupTier): Promise<string | undefined> {
    const { table, time } = SOURCES[tier];
    const row = await this.store.one<{ earliest: string | null }>(
      sql`SELECT min(${sql.ref(time)}) AS earliest FROM ${sql.table(table)}`,
    );
    return row?.earliest ?? undefined;
  }

  /** The time of the source row `offset` rows after `from` (inclusive): how far one chunk may reach. */
  async sourceTimeAfter(tier: RollupTier, from: string, offset: number): Promise<string | undefined> {
    const { table, time } = SOURCES[tier];
    const row = await this.store.one<{ at: string }>(
      sql`SELECT ${sql.ref(time)} AS at FROM ${sql.table(table)} WHERE ${sql.ref(time)} >= ${from}
          ORDER BY ${sql.ref(time)} LIMIT 1 OFFSET ${offset}`,
    );
    return row?.at;
  }

  /** Folds [from, to) of the source and records the progress in one transaction: all or nothing. */
  async fold(tier: RollupTier, from: string, to: string): Promise<number> {
    const { dialect } = this.store;
    const statement =
      tier === 'minute' ? foldRawIntoMinutes(dialect, from, to) : foldMinutesIntoHours(dialect, from, to);
    return this.store.transaction(async () => {
      const rows = await this.store.run(statement);
      await this.setProgress(tier, to);
      return rows;
    });
  }

  /** Records progress without folding (nothing to fold yet). */
  async setProgress(tier: RollupTier, doneUntil: string): Promise<void> {
    await this.store.run(
      sql`INSERT INTO telemetry_rollup_progress (tier, done_until) VALUES (${tier}, ${doneUntil})
          ON CONFLICT (tier) DO UPDATE SET done_until = excluded.done_until`,
    );
  }

  /** Deletes at most `limit` rows older than `before`; returns how many went. */
  async prune(tier: PrunedTier, before: string, limit: number): Promise<number> {
    const { table, time, key } = PRUNE_TARGETS[tier];
    return this.store.run(
      sql`DELETE FROM ${sql.table(table)} WHERE (${sql.raw(key)}) IN (
            SELECT ${sql.raw(key)} FROM ${sql.table(table)} WHERE ${sql.ref(time)} < ${before} LIMIT ${limit})`,
    );
  }
}
