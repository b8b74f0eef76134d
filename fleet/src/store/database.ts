import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Logger } from 'pino';
import { MIGRATIONS } from './migrations.js';

export type Database = BetterSqlite3.Database;

export const DATABASE_FILE = 'gatecast.db';

/**
 * mkdir -p dataDir (0700); file `${dataDir}/gatecast.db`; WAL, foreign_keys=ON, busy_timeout,
 * synchronous=NORMAL; runs versioned migrations (PRAGMA user_version) in a transaction each;
 * refuses a database newer than this code.
 */
export function openDatabase(dataDir: string, log: Logger): Database {
  const dbLog = log.child({ mod: 'store' });
  ensurePrivateDir(dataDir, dbLog);
  const file = path.join(dataDir, DATABASE_FILE);
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL under WAL: a power cut may lose the last commits, never corrupt the file.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, dbLog);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Brings the schema up to date; a no-op on a current database. A failing step leaves no trace. */
export function migrate(
  db: Database,
  file: string,
  log: Logger,
  migrations: readonly string[] = MIGRATIONS,
): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `${file} has schema version ${current}, but this gatecast knows only up to ${migrations.length}. ` +
        'It was written by a newer gatecast: run that version, or restore a backup made before the upgrade.',
    );
  }
  for (let step = current; step < migrations.length; step++) {
    const sql = migrations[step] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${step + 1}`);
    })();
    log.info({ schemaVersion: step + 1 }, 'database migrated');
  }
}

/** The data dir holds secret hashes and the admin token: only the fleet's user may read it. */
function ensurePrivateDir(dataDir: string, log: Logger): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.chmodSync(dataDir, 0o700);
  } catch (error) {
    log.warn({ dataDir, err: (error as Error).message }, 'could not restrict the data dir to mode 0700');
  }
}
