import { sql } from 'kysely';
import type { Sql } from '../../../src/store/sql.js';

const AT = '2026-11-26T08:00:00.000Z';

/**
 * A gate with a hall and a screen in it, written as SQL: the gates and devices repos are still
 * SQLite-only, and the store tests of moved repos run on PostgreSQL too.
 */
export async function seedScreen(store: Sql, deviceId: string, gateId: string): Promise<void> {
  await store.run(
    sql`INSERT INTO gates (id, name, time_zone, languages, created_at)
        VALUES (${gateId}, ${gateId}, 'Asia/Ho_Chi_Minh', '["vi"]', ${AT}) ON CONFLICT DO NOTHING`,
  );
  await store.run(
    sql`INSERT INTO zones (gate_id, id, name, created_at) VALUES (${gateId}, 'hall', 'Hall', ${AT})
        ON CONFLICT DO NOTHING`,
  );
  await store.run(
    sql`INSERT INTO devices (id, name, gate_id, zone_id, created_at)
        VALUES (${deviceId}, ${deviceId}, ${gateId}, 'hall', ${AT})`,
  );
}
