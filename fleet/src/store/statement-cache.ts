import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { Database } from './database.js';

/** A store's queries are a few hundred texts; more means texts that vary (IN lists of any length). */
const MAX_STATEMENTS = 1_000;

/**
 * better-sqlite3 compiles a statement at every `prepare`, and the query builder prepares at every
 * query, so each telemetry sample paid for compiling its SQL again (14 % of the fleet's CPU with
 * 10k screens, B2). Statements are kept by their text; when too many texts pile up, the cache
 * starts over. Safe because queries run one at a time on the connection and never stream.
 */
export function withStatementCache(database: Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
