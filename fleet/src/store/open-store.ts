import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { openDatabase, type Database } from './database.js';
import { migratePostgres } from './postgres-migrations.js';
import { sqlOver, type Dialect, type NoTables, type Sql } from './sql.js';
import { withStatementCache } from './statement-cache.js';

export interface Store {
  readonly dialect: Dialect;
  readonly sql: Sql;
  /** The SQLite connection itself, for tests and tools that read the file; undefined on PostgreSQL. */
  readonly sqlite: Database | undefined;
  close(): Promise<void>;
}

/**
 * `databaseUrl` (GATECAST_DATABASE_URL, postgres://…) selects PostgreSQL; without it the store is
 * `${dataDir}/gatecast.db`, as on every single-machine fleet. Either way it is migrated on open.
 */
export async function openStore(options: {
  dataDir: string;
  databaseUrl?: string;
  log: Logger;
}): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.log);
  const database = openDatabase(options.dataDir, options.log);
  const path = sqlitePath(database);
  return {
    dialect: 'sqlite',
    sql: path.sql,
    sqlite: database,
    // Waits for the query in flight, then closes the connection.
    close: () => path.kysely.destroy(),
  };
}

const sqlitePaths = new WeakMap<Database, { sql: Sql; kysely: Kysely<NoTables> }>();

/**
 * The query path over an open SQLite connection, shared with the repos that have not moved yet.
 * One per connection: two would each keep their own lock on it and interleave transactions.
 */
export function sqlOverSqlite(database: Database): Sql {
  return sqlitePath(database).sql;
}

function sqlitePath(database: Database): { sql: Sql; kysely: Kysely<NoTables> } {
  let path = sqlitePaths.get(database);
  if (!path) {
    const kysely = new Kysely<NoTables>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    });
    path = { sql: sqlOver(kysely, 'sqlite'), kysely };
    sqlitePaths.set(database, path);
  }
  return path;
}

async function openPostgres(databaseUrl: string, log: Logger): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: 10_000,
    // BIGINT columns hold milliseconds, sizes and counts, all well inside a JS number.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format),
    },
  });
  // An idle client that loses its server must not crash the fleet; the next query reconnects.
  pool.on('error', (error) => log.warn({ mod: 'store', err: error.message }, 'PostgreSQL connection lost'));
  const kysely = new Kysely<NoTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migratePostgres(kysely, log.child({ mod: 'store' }));
  } catch (error) {
    await kysely.destroy();
    throw error;
  }
  return {
    dialect: 'postgres',
    sql: sqlOver(kysely, 'postgres'),
    sqlite: undefined,
    close: () => kysely.destroy(),
  };
}
