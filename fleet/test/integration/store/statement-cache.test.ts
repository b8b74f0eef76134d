import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { sqlOverSqlite } from '../../../src/store/open-store.js';
import { withStatementCache } from '../../../src/store/statement-cache.js';
import { makeTempDir, removeDir, silentLogger } from './temp-store.js';

describe('the SQLite statement cache', () => {
  let dir: string;
  let database: Database;
  const open = () => {
    dir = makeTempDir();
    database = openDatabase(`${dir}/data`, silentLogger());
    return database;
  };
  afterEach(() => {
    if (database.open) database.close();
    removeDir(dir);
  });

  it('compiles a query once however often it runs, and answers each run with its own parameters', async () => {
    const prepare = vi.spyOn(open(), 'prepare');
    const store = sqlOverSqlite(database);
    await store.run(sql`CREATE TABLE readings (screen TEXT, celsius INTEGER)`);
    for (let n = 0; n < 50; n++) await store.run(sql`INSERT INTO readings VALUES (${`s-${n % 5}`}, ${n})`);
    const hottest = async (screen: string) =>
      (
        await store.one(
          sql<{ top: number }>`SELECT max(celsius) AS top FROM readings WHERE screen = ${screen}`,
        )
      )?.top;
    expect(await hottest('s-1')).toBe(46);
    expect(await hottest('s-4')).toBe(49);
    const texts = prepare.mock.calls.map(([text]) => text);
    expect(texts.filter((text) => text.startsWith('insert') || text.startsWith('INSERT'))).toHaveLength(1);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('starts over once too many different texts piled up, and still answers right', () => {
    const cached = withStatementCache(open());
    const first = cached.prepare('SELECT 1 AS one');
    expect(cached.prepare('SELECT 1 AS one')).toBe(first);
    for (let n = 0; n < 1_000; n++) cached.prepare(`SELECT ${n} AS n`);
    const again = cached.prepare('SELECT 1 AS one');
    expect(again).not.toBe(first);
    expect(again.all([])).toEqual([{ one: 1 }]);
  });
});
