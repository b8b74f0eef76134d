import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryKioskUsage } from '../../../src/reports/kiosk-usage.js';
import { queryPlays } from '../../../src/reports/plays-report.js';
import { buildYearlyReport } from '../../../src/reports/yearly-report.js';
import type { Sql } from '../../../src/store/sql.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';

// The report queries on both stores, over rows written as the fleet writes them. The reports'
// behaviour in depth is tested through the API (plays-report, yearly-report tests).
const AT = '2026-03-01T02:00:00.000Z';

async function seed(store: Sql): Promise<void> {
  await store.run(
    sql`INSERT INTO gates (id, name, time_zone, languages, created_at)
        VALUES ('cat-bi', 'Cat Bi', 'Asia/Ho_Chi_Minh', '["vi"]', '2026-01-01T00:00:00.000Z')`,
  );
  await store.run(
    sql`INSERT INTO zones (gate_id, id, name, created_at) VALUES ('cat-bi', 'arrivals', 'Arrivals', ${AT})`,
  );
  await store.run(
    sql`INSERT INTO devices (id, name, gate_id, zone_id, created_at)
        VALUES ('screen-1', 'Arrivals 1', 'cat-bi', 'arrivals', '2026-01-01T00:00:00.000Z')`,
  );
  const play = (id: string, item: string, language: string | null, ms: number) =>
    store.run(
      sql`INSERT INTO device_events (device_id, id, gate_id, kind, at, received_at, body, item_id, language, started_at, duration_ms)
          VALUES ('screen-1', ${id}, 'cat-bi', 'proof-of-play', ${AT}, ${AT}, '{}', ${item}, ${language}, ${AT}, ${ms})`,
    );
  await play('play-0001', 'welcome', 'vi', 10_000);
  await play('play-0002', 'welcome', 'vi', 12_000);
  await play('play-0003', 'map', null, 5_000);
  const usage = {
    kind: 'kiosk-usage',
    periodStart: AT,
    periodEnd: AT,
    views: [{ nodeId: 'visa', language: 'en', count: 3 }],
    failedSearches: [{ term: 'Taxi', language: 'en', count: 2 }],
  };
  await store.run(
    sql`INSERT INTO device_events (device_id, id, gate_id, kind, at, received_at, body)
        VALUES ('screen-1', 'usage-0001', 'cat-bi', 'kiosk-usage', ${AT}, ${AT}, ${JSON.stringify(usage)})`,
  );
}

describe.each(STORE_DIALECTS)('the report queries (%s)', (dialect) => {
  let store: TestStore;
  const period = { from: new Date('2026-01-01T00:00:00.000Z'), to: new Date('2027-01-01T00:00:00.000Z') };

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    await seed(store.sql);
  });
  afterEach(async () => store?.dispose());

  it('sum plays by item and language, and filter plays without a language', async () => {
    const report = await queryPlays(store.sql, { gates: ['cat-bi'], ...period, by: ['item', 'language'] });
    expect(report.rows.map((row) => [row.item, row.language, row.plays, row.totalSeconds])).toEqual([
      ['map', null, 1, 5],
      ['welcome', 'vi', 2, 22],
    ]);
    const silent = await queryPlays(store.sql, {
      gates: 'all',
      ...period,
      language: '-',
      zone: 'arrivals',
      by: [],
    });
    expect(silent.total).toEqual({ plays: 1, totalSeconds: 5 });
    const elsewhere = await queryPlays(store.sql, { gates: [], ...period, by: ['gate'] });
    expect(elsewhere.rows).toEqual([]);
  });

  it('count kiosk views and failed searches', async () => {
    const usage = await queryKioskUsage(store.sql, { gates: ['cat-bi'], ...period, minCount: 1 });
    expect(usage.views.total).toBe(3);
    expect(usage.failedSearches).toEqual([{ term: 'taxi', language: 'en', count: 2 }]);
  });

  it('build the yearly report', async () => {
    const gate = { id: 'cat-bi', name: 'Cat Bi', timeZone: 'Asia/Ho_Chi_Minh' };
    const report = await buildYearlyReport(store.sql, gate, 2026, new Date('2026-11-26T00:00:00.000Z'));
    expect(report.uptime.screens.map((screen) => screen.deviceId)).toEqual(['screen-1']);
    expect(report.plays.total.plays).toBe(3);
    expect(report.kiosk?.views.total).toBe(3);
    expect(report.announcements).toEqual([]);
  });
});
