import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { sqlOverSqlite } from '../../../src/store/open-store.js';
import type { Sql } from '../../../src/store/sql.js';

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

/** The async query path over a test's own SQLite connection: one per connection (sqlOverSqlite). */
export function sqlOf(db: Database): Sql {
  return sqlOverSqlite(db);
}

/**
 * A fresh database in its own temp dir; `close()` closes it and removes the dir. `sql` is the
 * async path over the same connection, as the fleet shares it (fleet.ts openFleetStore).
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
    sql: sqlOverSqlite(db),
    dir: dataDir,
    close() {
      if (db.open) db.close();
      removeDir(dir);
    },
  };
}
