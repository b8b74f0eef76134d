import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';

/**
 * The store's picture of a cluster: live processes and which one holds each screen. A few portable
 * statements (see cluster-schema.ts), the same on SQLite and PostgreSQL.
 */
export class PresenceRepo {
  constructor(private readonly store: Sql) {}

  /** A process (re)starts: its row is created or its start time reset. */
  async register(processId: string, at: string): Promise<void> {
    await this.store.run(
      sql`INSERT INTO cluster_processes (process_id, started_at, beat_at) VALUES (${processId}, ${at}, ${at})
          ON CONFLICT (process_id) DO UPDATE SET started_at = excluded.started_at, beat_at = excluded.beat_at`,
    );
  }

  /** False when the row is gone: the others took this process for dead and swept it. */
  async beat(processId: string, at: string): Promise<boolean> {
    const touched = await this.store.run(
      sql`UPDATE cluster_processes SET beat_at = ${at} WHERE process_id = ${processId}`,
    );
    return touched > 0;
  }

  /** The screen's connection is now held by this process (it may have moved from another). */
  async claim(deviceId: string, processId: string, at: string): Promise<void> {
    await this.store.run(
      sql`INSERT INTO cluster_screens (device_id, process_id, since) VALUES (${deviceId}, ${processId}, ${at})
          ON CONFLICT (device_id) DO UPDATE SET process_id = excluded.process_id, since = excluded.since`,
    );
  }

  /** False when another process holds the screen now: its disconnect here is old news. */
  async release(deviceId: string, processId: string): Promise<boolean> {
    const touched = await this.store.run(
      sql`DELETE FROM cluster_screens WHERE device_id = ${deviceId} AND process_id = ${processId}`,
    );
    return touched > 0;
  }

  /** The process holding the screen's connection, if any. */
  async holder(deviceId: string): Promise<string | undefined> {
    const row = await this.store.one<{ process_id: string }>(
      sql`SELECT process_id FROM cluster_screens WHERE device_id = ${deviceId}`,
    );
    return row?.process_id;
  }

  /** Every claimed screen and the process holding it: one read per heartbeat. */
  async holders(): Promise<Map<string, string>> {
    const rows = await this.store.all<{ device_id: string; process_id: string }>(
      sql`SELECT device_id, process_id FROM cluster_screens`,
    );
    return new Map(rows.map((row) => [row.device_id, row.process_id]));
  }

  /** Forgets a process and every claim it held; returns how many claims there were. */
  async forget(processId: string): Promise<number> {
    return this.store.transaction(async () => {
      const claims = await this.store.run(sql`DELETE FROM cluster_screens WHERE process_id = ${processId}`);
      await this.store.run(sql`DELETE FROM cluster_processes WHERE process_id = ${processId}`);
      return claims;
    });
  }

  /** Every registered process and its last heartbeat. */
  async processes(): Promise<Array<{ processId: string; beatAt: string }>> {
    const rows = await this.store.all<{ process_id: string; beat_at: string }>(
      sql`SELECT process_id, beat_at FROM cluster_processes`,
    );
    return rows.map((row) => ({ processId: row.process_id, beatAt: row.beat_at }));
  }

  /** Screens stored as online that no live process holds go offline; returns their ids. */
  async markUnheldOffline(at: string): Promise<string[]> {
    // One statement: a screen claimed by another process in between is never marked offline.
    const rows = await this.store.all<{ id: string }>(
      sql`UPDATE devices SET presence_state = 'offline', presence_since = ${at}
          WHERE presence_state = 'online' AND id NOT IN (SELECT device_id FROM cluster_screens)
          RETURNING id`,
    );
    return rows.map((row) => row.id);
  }
}
