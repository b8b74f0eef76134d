import type { Kysely, RawBuilder, Transaction } from 'kysely';

/** The two stores gatecast runs on: SQLite on one machine, PostgreSQL when it scales out. */
export type Dialect = 'sqlite' | 'postgres';

/** Queries are written as Kysely `sql` templates, so no table types are declared here. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NoTables {}

type Executor = Kysely<NoTables> | Transaction<NoTables>;

/**
 * The store as repos see it: one async code path for both dialects. Each query is a Kysely `sql`
 * template, which binds values as parameters in the dialect's own style (`?` or `$1`).
 */
export interface Sql {
  readonly dialect: Dialect;
  all<T>(query: RawBuilder<T>): Promise<T[]>;
  one<T>(query: RawBuilder<T>): Promise<T | undefined>;
  /** Rows an INSERT, UPDATE or DELETE touched. */
  run(query: RawBuilder<unknown>): Promise<number>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside a transaction it joins the outer one, as better-sqlite3's nested transactions did.
   */
  transaction<R>(work: (tx: Sql) => Promise<R>): Promise<R>;
}

export function sqlOver(executor: Executor, dialect: Dialect): Sql {
  const inTransaction = executor.isTransaction;
  const store: Sql = {
    dialect,
    async all<T>(query: RawBuilder<T>) {
      return (await query.execute(executor)).rows;
    },
    async one<T>(query: RawBuilder<T>) {
      return (await query.execute(executor)).rows[0];
    },
    async run(query: RawBuilder<unknown>) {
      return Number((await query.execute(executor)).numAffectedRows ?? 0n);
    },
    async transaction<R>(work: (tx: Sql) => Promise<R>) {
      if (inTransaction) return work(store);
      return (executor as Kysely<NoTables>).transaction().execute((trx) => work(sqlOver(trx, dialect)));
    },
  };
  return store;
}
