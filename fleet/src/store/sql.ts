import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, RawBuilder, Transaction } from 'kysely';

/** The two stores gatecast runs on: SQLite on one machine, PostgreSQL when it scales out. */
export type Dialect = 'sqlite' | 'postgres';

/** Queries are written as Kysely `sql` templates, so no table types are declared here. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NoTables {}

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
   * Every query made while `work` runs joins it, through whichever repo it is made, and a
   * transaction inside a transaction joins the outer one, as better-sqlite3's did.
   */
  transaction<R>(work: (tx: Sql) => Promise<R>): Promise<R>;
}

interface OpenTransaction {
  trx: Transaction<NoTables>;
  open: boolean;
}

/**
 * Why the transaction is ambient: a repo holds the root store, and on SQLite a query made on the
 * root while a transaction holds the one connection would wait for it forever; on PostgreSQL it
 * would run outside the transaction. So queries look up the transaction their async context is in.
 */
export function sqlOver(root: Kysely<NoTables>, dialect: Dialect): Sql {
  const current = new AsyncLocalStorage<OpenTransaction>();
  const executor = () => {
    const open = current.getStore();
    // A task started inside a transaction but still running after it ended uses the root again.
    return open?.open ? open.trx : root;
  };
  const store: Sql = {
    dialect,
    async all<T>(query: RawBuilder<T>) {
      return (await query.execute(executor())).rows;
    },
    async one<T>(query: RawBuilder<T>) {
      return (await query.execute(executor())).rows[0];
    },
    async run(query: RawBuilder<unknown>) {
      return Number((await query.execute(executor())).numAffectedRows ?? 0n);
    },
    async transaction<R>(work: (tx: Sql) => Promise<R>) {
      if (current.getStore()?.open) return work(store);
      return root.transaction().execute(async (trx) => {
        const open: OpenTransaction = { trx, open: true };
        try {
          return await current.run(open, () => work(store));
        } finally {
          open.open = false;
        }
      });
    },
  };
  return store;
}
