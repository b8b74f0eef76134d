import type { Database } from '../store/database.js';

/**
 * The store's picture of a cluster: live processes and which one holds each screen. Kept to a few
 * portable statements (see cluster-schema.ts) so it moves to the async store as it is.
 */
export class PresenceRepo {
  private readonly db: Database;
  private readonly stmts;

  constructor(db: Database) {
    this.db = db;
    this.stmts = prepare(db);
  }

  /** A process (re)starts: its row is created or its start time reset. */
  register(processId: string, at: string): void {
    this.stmts.register.run({ processId, at });
  }

  /** False when the row is gone: the others took this process for dead and swept it. */
  beat(processId: string, at: string): boolean {
    return this.stmts.beat.run({ processId, at }).changes > 0;
  }

  /** The screen's connection is now held by this process (it may have moved from another). */
  claim(deviceId: string, processId: string, at: string): void {
    this.stmts.claim.run({ deviceId, processId, at });
  }

  /** False when another process holds the screen now: its disconnect here is old news. */
  release(deviceId: string, processId: string): boolean {
    return this.stmts.release.run({ deviceId, processId }).changes > 0;
  }

  /** The process holding the screen's connection, if any. */
  holder(deviceId: string): string | undefined {
    return this.stmts.holder.get({ deviceId })?.process_id;
  }

  /** Forgets a process and every claim it held; returns how many claims there were. */
  forget(processId: string): number {
    return this.db.transaction(() => {
      const claims = this.stmts.releaseAll.run({ processId }).changes;
      this.stmts.forget.run({ processId });
      return claims;
    })();
  }

  /** Every registered process and its last heartbeat. */
  processes(): Array<{ processId: string; beatAt: string }> {
    return this.stmts.processes.all().map((row) => ({ processId: row.process_id, beatAt: row.beat_at }));
  }

  /** Screens stored as online that no live process holds go offline; returns their ids. */
  markUnheldOffline(at: string): string[] {
    return this.stmts.unheldOffline.all({ at }).map((row) => row.id);
  }
}

function prepare(db: Database) {
  return {
    register: db.prepare<[{ processId: string; at: string }]>(
      `INSERT INTO cluster_processes (process_id, started_at, beat_at) VALUES (@processId, @at, @at)
       ON CONFLICT (process_id) DO UPDATE SET started_at = excluded.started_at, beat_at = excluded.beat_at`,
    ),
    beat: db.prepare<[{ processId: string; at: string }]>(
      `UPDATE cluster_processes SET beat_at = @at WHERE process_id = @processId`,
    ),
    claim: db.prepare<[{ deviceId: string; processId: string; at: string }]>(
      `INSERT INTO cluster_screens (device_id, process_id, since) VALUES (@deviceId, @processId, @at)
       ON CONFLICT (device_id) DO UPDATE SET process_id = excluded.process_id, since = excluded.since`,
    ),
    release: db.prepare<[{ deviceId: string; processId: string }]>(
      `DELETE FROM cluster_screens WHERE device_id = @deviceId AND process_id = @processId`,
    ),
    holder: db.prepare<[{ deviceId: string }], { process_id: string }>(
      `SELECT process_id FROM cluster_screens WHERE device_id = @deviceId`,
    ),
    releaseAll: db.prepare<[{ processId: string }]>(
      `DELETE FROM cluster_screens WHERE process_id = @processId`,
    ),
    forget: db.prepare<[{ processId: string }]>(
      `DELETE FROM cluster_processes WHERE process_id = @processId`,
    ),
    processes: db.prepare<[], { process_id: string; beat_at: string }>(
      `SELECT process_id, beat_at FROM cluster_processes`,
    ),
    // One statement: a screen claimed by another process in between is never marked offline.
    unheldOffline: db.prepare<[{ at: string }], { id: string }>(
      `UPDATE devices SET presence_state = 'offline', presence_since = @at
       WHERE presence_state = 'online' AND id NOT IN (SELECT device_id FROM cluster_screens)
       RETURNING id`,
    ),
  };
}
