import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { openStore, type Store } from '../../../src/store/open-store.js';
import type { Dialect } from '../../../src/store/sql.js';
import { makeTempDir, removeDir, silentLogger } from './temp-store.js';

/** Store tests run once per dialect: `describe.each(STORE_DIALECTS)('… (%s)', (dialect) => …)`. */
export const STORE_DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** CI runs PostgreSQL (.ci/run starts Debian's); a developer's machine may not. */
export function postgresUrl(): string | undefined {
  const url = process.env.GATECAST_TEST_POSTGRES_URL;
  if (url) return url;
  if (process.env.CI) {
    throw new Error('the store tests need PostgreSQL in CI: set GATECAST_TEST_POSTGRES_URL (.ci/run does)');
  }
  return undefined;
}

/** Describes why a PostgreSQL run is skipped on this machine, for `it.skipIf`/`describe.skipIf`. */
export function missingStore(dialect: Dialect): boolean {
  if (dialect === 'sqlite' || postgresUrl()) return false;
  console.error(
    'skipping the PostgreSQL store tests: set GATECAST_TEST_POSTGRES_URL=postgres://… to run them',
  );
  return true;
}

export interface TestStore extends Store {
  /** Where it lives, so a second process can open the same store: a data dir or a database URL. */
  location: { dataDir: string; databaseUrl?: string };
  /** Closes the store and removes what it made: the temp dir, or the PostgreSQL schema. */
  dispose(): Promise<void>;
}

/** A fresh, migrated store: a SQLite file in a temp dir, or a private schema in the test PostgreSQL. */
export async function openTestStore(dialect: Dialect, log: Logger = silentLogger()): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = makeTempDir();
    const location = { dataDir: path.join(dir, 'data') };
    const store = await openStore({ ...location, log });
    return { ...store, location, dispose: async () => (await store.close(), removeDir(dir)) };
  }
  const schema = await freshPostgresSchema();
  const location = { dataDir: '', databaseUrl: schema.databaseUrl };
  const store = await openStore({ ...location, log });
  return {
    ...store,
    location,
    dispose: async () => {
      await store.close();
      await schema.drop();
    },
  };
}

/** An empty private schema in the test PostgreSQL, and a URL whose connections use it. */
export async function freshPostgresSchema(): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const base = postgresUrl();
  if (!base) throw new Error('no test PostgreSQL: set GATECAST_TEST_POSTGRES_URL');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { databaseUrl: url.toString(), drop: () => adminQuery(base, `DROP SCHEMA ${schema} CASCADE`) };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
