import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, migrate, openDatabase } from '../../../src/store/database.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.js';
import { makeTempDir, removeDir, silentLogger } from './temp-store.js';

describe('openDatabase', () => {
  let dir: string;
  const log = silentLogger();

  afterEach(() => removeDir(dir));

  it('creates a private data dir and a WAL database with foreign keys on, at the current schema', () => {
    dir = makeTempDir();
    const dataDir = path.join(dir, 'nested', 'data');
    const db = openDatabase(dataDir, log);
    try {
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(fs.existsSync(path.join(dataDir, DATABASE_FILE))).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = db
        .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(
        expect.arrayContaining([
          'api_tokens',
          'desired_documents',
          'desired_versions',
          'device_credentials',
          'devices',
          'gates',
          'telemetry',
          'zones',
        ]),
      );
    } finally {
      db.close();
    }
  });

  it('is idempotent: reopening keeps the data and does not migrate again', () => {
    dir = makeTempDir();
    const first = openDatabase(dir, log);
    first
      .prepare('INSERT INTO gates (id, name, time_zone, languages, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(
        'cat-bi-airport',
        'Cat Bi International Airport',
        'Asia/Ho_Chi_Minh',
        '["vi"]',
        '2026-01-01T00:00:00.000Z',
      );
    first.close();

    const second = openDatabase(dir, log);
    try {
      expect(second.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const names = second.prepare<[], string>('SELECT name FROM gates').pluck().all();
      expect(names).toEqual(['Cat Bi International Airport']);
    } finally {
      second.close();
    }
  });

  it('tightens an existing data dir to 0700', () => {
    dir = makeTempDir();
    fs.chmodSync(dir, 0o755);
    openDatabase(dir, log).close();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a database written by a newer gatecast, with a message that says what to do', () => {
    dir = makeTempDir();
    const raw = new BetterSqlite3(path.join(dir, DATABASE_FILE));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(dir, log)).toThrow(
      new RegExp(
        `schema version ${SCHEMA_VERSION + 1}, but this gatecast knows only up to ${SCHEMA_VERSION}`,
      ),
    );
    // The refused file is left untouched.
    const check = new BetterSqlite3(path.join(dir, DATABASE_FILE));
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'gates'").pluck().get()).toBe(0);
    check.close();
  });
});

describe('migrate', () => {
  it('applies each step in its own transaction: a failing step leaves the previous version intact', () => {
    const dir = makeTempDir();
    const db = new BetterSqlite3(path.join(dir, 'steps.db'));
    try {
      const steps = [
        'CREATE TABLE one (x INTEGER)',
        'CREATE TABLE two (x INTEGER); INSERT INTO nowhere VALUES (1)',
      ];
      expect(() => migrate(db, 'steps.db', silentLogger(), steps)).toThrow(/no such table: nowhere/);
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      const tables = db
        .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .pluck()
        .all();
      expect(tables).toEqual(['one']);
    } finally {
      db.close();
      removeDir(dir);
    }
  });
});
