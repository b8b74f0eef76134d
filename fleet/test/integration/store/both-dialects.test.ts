import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/store/migrations.js';
import { isIn, jsonNumber, jsonText } from '../../../src/store/sql-dialect.js';
import { toPostgres } from '../../../src/store/postgres-migrations.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Sql } from '../../../src/store/sql.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from './both-stores.js';
import { silentLogger } from './temp-store.js';

function schemaOf(store: TestStore): string {
  const options = new URL(store.location.databaseUrl ?? '').searchParams.get('options') ?? '';
  return /search_path=(\w+)/.exec(options)?.[1] ?? 'missing';
}

async function columnsOf(store: TestStore): Promise<string[]> {
  const rows =
    store.dialect === 'sqlite'
      ? await store.sql.all<{ t: string; c: string }>(
          sql`SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`,
        )
      : await store.sql.all<{ t: string; c: string }>(
          sql`SELECT table_name AS t, column_name AS c FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name <> 'gatecast_schema'`,
        );
  return rows.map((row) => `${row.t}.${row.c}`).sort();
}

async function insertAudit(store: Sql, action: string): Promise<void> {
  await store.run(
    sql`INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, outcome, status)
        VALUES (${new Date().toISOString()}, 'u1', 'Lan', ${action}, 'gate', 'cat-bi', 'ok', 201)`,
  );
}

describe('the migrations on both stores', () => {
  const opened: TestStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.dispose();
  });

  it('give SQLite and PostgreSQL the same tables and columns', async ({ skip }) => {
    if (missingStore('postgres')) skip();
    const sqlite = await openTestStore('sqlite');
    const postgres = await openTestStore('postgres');
    opened.push(sqlite, postgres);
    const sqliteColumns = await columnsOf(sqlite);
    expect(sqliteColumns.length).toBeGreaterThan(100);
    expect(await columnsOf(postgres)).toEqual(sqliteColumns);
    const version = await postgres.sql.one<{ version: number }>(sql`SELECT version FROM gatecast_schema`);
    expect(version?.version).toBe(SCHEMA_VERSION);
  });

  describe.each(STORE_DIALECTS)('on %s', (dialect) => {
    it('keeps the audit log append-only', async ({ skip }) => {
      if (missingStore(dialect)) skip();
      const store = await openTestStore(dialect);
      opened.push(store);
      await insertAudit(store.sql, 'gate.create');
      await expect(store.sql.run(sql`UPDATE audit_log SET action = 'gate.delete'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(store.sql.run(sql`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      const rows = await store.sql.all<{ action: string }>(sql`SELECT action FROM audit_log`);
      expect(rows).toEqual([{ action: 'gate.create' }]);
    });

    it('rolls a failed transaction back and returns numbers for integer columns', async ({ skip }) => {
      if (missingStore(dialect)) skip();
      const store = await openTestStore(dialect);
      opened.push(store);
      await expect(
        store.sql.transaction(async (tx) => {
          await insertAudit(tx, 'gate.create');
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      await store.sql.transaction(async (tx) => insertAudit(tx, 'zone.create'));
      const rows = await store.sql.all<{ id: number; action: string }>(sql`SELECT id, action FROM audit_log`);
      expect(rows).toEqual([{ id: expect.any(Number), action: 'zone.create' }]);
    });

    it('logs presence through its triggers', async ({ skip }) => {
      if (missingStore(dialect)) skip();
      const store = await openTestStore(dialect);
      opened.push(store);
      const at = '2026-11-26T08:00:00.000Z';
      await store.sql.run(
        sql`INSERT INTO gates (id, name, time_zone, languages, created_at) VALUES ('cat-bi', 'Cat Bi', 'Asia/Ho_Chi_Minh', '["vi"]', ${at})`,
      );
      await store.sql.run(
        sql`INSERT INTO zones (gate_id, id, name, created_at) VALUES ('cat-bi', 'arrivals', 'Arrivals', ${at})`,
      );
      await store.sql.run(
        sql`INSERT INTO devices (id, name, gate_id, zone_id, created_at) VALUES ('screen-1', 'Screen 1', 'cat-bi', 'arrivals', ${at})`,
      );
      const online = '2026-11-26T08:01:00.000Z';
      await store.sql.run(sql`UPDATE devices SET presence_state = 'online', presence_since = ${online}`);
      await store.sql.run(sql`UPDATE devices SET name = 'Renamed'`);
      await store.sql.run(sql`DELETE FROM devices`);
      const log = await store.sql.all<{ state: string; at: string }>(
        sql`SELECT state, at FROM presence_log ORDER BY id`,
      );
      expect(log.map((entry) => entry.state)).toEqual(['enrolled', 'online', 'removed']);
      expect(log[1]?.at).toBe(online);
      expect(log[2]?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });
  });

  it('refuses to translate a trigger it has no PostgreSQL version of', () => {
    expect(() => toPostgres('CREATE TRIGGER surprise AFTER INSERT ON gates BEGIN SELECT 1; END;')).toThrow(
      /surprise has no PostgreSQL version/,
    );
    expect(toPostgres('CREATE TABLE t (n INTEGER NOT NULL, r REAL) STRICT;')).toBe(
      'CREATE TABLE t (n BIGINT NOT NULL, r DOUBLE PRECISION);',
    );
  });

  it('lets two PostgreSQL processes start at once and migrates exactly once', async ({ skip }) => {
    if (missingStore('postgres')) skip();
    const first = await openTestStore('postgres');
    opened.push(first);
    // A fresh schema, then two stores opening it at the same moment, as two fleet processes would.
    await first.sql.run(sql.raw(`DROP SCHEMA ${schemaOf(first)} CASCADE; CREATE SCHEMA ${schemaOf(first)}`));
    const both = await Promise.all([1, 2].map(() => openStore({ ...first.location, log: silentLogger() })));
    try {
      const rows = await both[0]!.sql.all<{ version: number }>(sql`SELECT version FROM gatecast_schema`);
      expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
      expect(await columnsOf({ ...first, sql: both[1]!.sql })).toEqual(await columnsOf(first));
    } finally {
      await Promise.all(both.map((store) => store.close()));
    }
  });
});

describe.each(STORE_DIALECTS)('the dialect helpers on %s', (dialect) => {
  it('read JSON fields as text and numbers, and match lists, empty ones too', async ({ skip }) => {
    if (missingStore(dialect)) skip();
    const store = await openTestStore(dialect);
    try {
      await store.sql.run(
        sql`INSERT INTO device_events (device_id, id, gate_id, kind, at, received_at, body)
            VALUES ('s1', 'e1', 'cat-bi', 'played', '2026-11-26T08:00:00.000Z', '2026-11-26T08:00:01.000Z',
                    ${JSON.stringify({ entryId: 'welcome', media: { seconds: 12.5 }, note: 'x' })})`,
      );
      const row = await store.sql.one<{
        entry: string;
        seconds: number;
        missing: number | null;
        text: number | null;
      }>(
        sql`SELECT ${jsonText(dialect, 'body', 'entryId')} AS entry,
                   ${jsonNumber(dialect, 'body', 'media.seconds')} AS seconds,
                   ${jsonNumber(dialect, 'body', 'nothing')} AS missing,
                   ${jsonNumber(dialect, 'body', 'note')} AS text
            FROM device_events`,
      );
      expect(row).toEqual({
        entry: 'welcome',
        seconds: 12.5,
        missing: null,
        text: null,
      });
      const count = async (ids: string[]) =>
        (await store.sql.all(sql`SELECT id FROM device_events WHERE ${isIn('gate_id', ids)}`)).length;
      expect([await count(['cat-bi', 'port']), await count(['port']), await count([])]).toEqual([1, 0, 0]);
      expect(() => jsonText(dialect, 'body', "x'); DROP TABLE gates; --")).toThrow(/not a JSON path/);
    } finally {
      await store.dispose();
    }
  });
});

describe.each(STORE_DIALECTS)('transactions on %s', (dialect) => {
  it('take in the queries made through the root store while they run, and only those', async ({ skip }) => {
    if (missingStore(dialect)) skip();
    const store = await openTestStore(dialect);
    try {
      const count = async () =>
        (await store.sql.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM audit_log`))?.n ?? -1;
      await expect(
        store.sql.transaction(async () => {
          // A repo holds the root store, not the transaction: its writes must join and roll back.
          await insertAudit(store.sql, 'gate.create');
          await store.sql.transaction(async () => insertAudit(store.sql, 'zone.create'));
          expect(await count()).toBe(2);
          throw new Error('cancelled');
        }),
      ).rejects.toThrow('cancelled');
      expect(await count()).toBe(0);
      // Queries from elsewhere meanwhile are not part of it, and wait rather than deadlock.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slow = store.sql.transaction(async () => {
        await insertAudit(store.sql, 'gate.create');
        await held;
      });
      const outside = insertAudit(store.sql, 'zone.create');
      release();
      await Promise.all([slow, outside]);
      expect(await count()).toBe(2);
    } finally {
      await store.dispose();
    }
  });
});
