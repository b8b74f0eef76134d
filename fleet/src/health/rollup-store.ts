import type { Database } from '../store/database.js';
import type { RollupTier } from './health-schema.js';
import { FOLD_MINUTES_INTO_HOURS, FOLD_RAW_INTO_MINUTES } from './rollup-sql.js';

/** Where each tier reads from, and the time column that orders it. */
const SOURCES = {
  minute: { table: 'telemetry', time: 'received_at' },
  hour: { table: 'telemetry_minute', time: 'bucket' },
} as const;

export type PrunedTier = 'raw' | RollupTier;

const PRUNE_TARGETS: Record<PrunedTier, { table: string; time: string }> = {
  raw: { table: 'telemetry', time: 'received_at' },
  minute: { table: 'telemetry_minute', time: 'bucket' },
  hour: { table: 'telemetry_hour', time: 'bucket' },
};

/** The rollup job's statements; every method is one short, bounded statement or transaction. */
export class RollupStore {
  private readonly db: Database;
  private readonly stmts;

  constructor(db: Database) {
    this.db = db;
    this.stmts = prepare(db);
  }

  /** Every source row before this time is folded into the tier; undefined before the first fold. */
  progress(tier: RollupTier): string | undefined {
    return this.stmts.progress.get(tier);
  }

  /** The oldest source row of a tier, to start the very first fold from. */
  earliestSource(tier: RollupTier): string | undefined {
    return this.stmts.earliest[tier].get() ?? undefined;
  }

  /** The time of the source row `offset` rows after `from` (inclusive): how far one chunk may reach. */
  sourceTimeAfter(tier: RollupTier, from: string, offset: number): string | undefined {
    return this.stmts.nth[tier].get(from, offset);
  }

  /** Folds [from, to) of the source and records the progress in one transaction: all or nothing. */
  fold(tier: RollupTier, from: string, to: string): number {
    return this.db.transaction(() => {
      const rows = this.stmts.fold[tier].run({ from, to }).changes;
      this.stmts.setProgress.run(tier, to);
      return rows;
    })();
  }

  /** Records progress without folding (nothing to fold yet). */
  setProgress(tier: RollupTier, doneUntil: string): void {
    this.stmts.setProgress.run(tier, doneUntil);
  }

  /** Deletes at most `limit` rows older than `before`; returns how many went. */
  prune(tier: PrunedTier, before: string, limit: number): number {
    return this.stmts.prune[tier].run(before, limit).changes;
  }
}

function prepare(db: Database) {
  const earliest = (tier: RollupTier) => {
    const { table, time } = SOURCES[tier];
    return db.prepare<[], string | null>(`SELECT min(${time}) FROM ${table}`).pluck();
  };
  const nth = (tier: RollupTier) => {
    const { table, time } = SOURCES[tier];
    return db
      .prepare<[string, number], string>(
        `SELECT ${time} FROM ${table} WHERE ${time} >= ? ORDER BY ${time} LIMIT 1 OFFSET ?`,
      )
      .pluck();
  };
  const prune = (tier: PrunedTier) => {
    const { table, time } = PRUNE_TARGETS[tier];
    return db.prepare<[string, number]>(
      `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${time} < ? LIMIT ?)`,
    );
  };
  return {
    progress: db
      .prepare<[string], string>('SELECT done_until FROM telemetry_rollup_progress WHERE tier = ?')
      .pluck(),
    setProgress: db.prepare<[string, string]>(
      `INSERT INTO telemetry_rollup_progress (tier, done_until) VALUES (?, ?)
       ON CONFLICT (tier) DO UPDATE SET done_until = excluded.done_until`,
    ),
    earliest: { minute: earliest('minute'), hour: earliest('hour') },
    nth: { minute: nth('minute'), hour: nth('hour') },
    fold: {
      minute: db.prepare<[{ from: string; to: string }]>(FOLD_RAW_INTO_MINUTES),
      hour: db.prepare<[{ from: string; to: string }]>(FOLD_MINUTES_INTO_HOURS),
    },
    prune: { raw: prune('raw'), minute: prune('minute'), hour: prune('hour') },
  };
}
