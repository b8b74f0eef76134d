import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { sqlOver, type NoTables, type Sql } from '../../../src/store/sql.js';

/** A logger that keeps its lines, so a test can assert what was logged. */
export function recordingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gatecast-fleet-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The async query path over an open SQLite connection, for repos moved to `Sql` next to unmoved ones. */
export function sqlOfDatabase(db: Database): Sql {
  return sqlOver(new Kysely<NoTables>({ dialect: new SqliteDialect({ database: db }) }), 'sqlite');
}

/**
 * A fresh database in its own temp dir; `close()` closes it and removes the dir. `sql` is the async
 * query path over the same connection, as openFleetStore gives moved and unmoved repos one store.
 */
export function openTempStore(log: Logger = silentLogger()): {
  db: Database;
  sql: Sql;
  dir: string;
  close(): void;
} {
  const dir = makeTempDir();
  const dataDir = path.join(dir, 'data');
  const db = openDatabase(dataDir, log);
  return {
    db,
    sql: sqlOfDatabase(db),
    dir: dataDir,
    close() {
      if (db.open) db.close();
      removeDir(dir);
    },
  };
}
