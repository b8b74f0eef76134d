import { GatecastError, eventSchema, type DeviceEvent } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { Sql } from '../store/sql.js';
import { decodeCursor, encodeCursor } from './event-cursor.js';

export type EventKind = DeviceEvent['kind'];

export interface StoredEvent {
  id: string;
  kind: EventKind;
  /** When it happened, by the device's clock. */
  at: string;
  /** When the fleet stored it, by the fleet's clock. */
  receivedAt: string;
  event: DeviceEvent;
}

export interface EventQuery {
  kind?: EventKind;
  /** Inclusive, on the event's own time. */
  since?: string;
  /** Exclusive. */
  until?: string;
  /** A `nextBefore` from the previous page. */
  before?: string;
  limit?: number;
}

export interface EventToSave {
  deviceId: string;
  event: DeviceEvent;
  receivedAt: string;
}

export const DEFAULT_EVENT_PAGE = 100;
export const MAX_EVENT_PAGE = 1_000;

interface EventRow {
  id: string;
  kind: EventKind;
  at: string;
  received_at: string;
  body: string;
}

/**
 * Device events, each stored once: the key is (device, event id) and inserts ignore an id
 * already there, so the duplicates a device resends after a crash or a flapping link cost nothing.
 */
export class DeviceEventsRepo {
  private readonly log: Logger;

  constructor(
    private readonly store: Sql,
    log?: Logger,
  ) {
    this.log = (log ?? fallbackLogger('device-events')).child({ mod: 'device-events' });
  }

  /** True when stored now; false for an id already stored or a device not in the store. */
  async save(deviceId: string, event: DeviceEvent, receivedAt: string): Promise<boolean> {
    const play = event.kind === 'proof-of-play' ? event : null;
    // The device's gate comes from its row; no row (removed, unknown) stores nothing. PostgreSQL
    // types a SELECT list's parameters as text, hence the cast of the one number.
    const stored = await this.store.run(
      sql`INSERT INTO device_events (device_id, id, gate_id, kind, at, received_at, body,
            item_id, zone, language, started_at, duration_ms)
          SELECT ${deviceId}, ${event.id}, gate_id, ${event.kind}, ${isoTime(event.at)}, ${receivedAt},
            ${JSON.stringify(event)}, ${play?.itemId ?? null}, ${play?.zone ?? null}, ${play?.language ?? null},
            ${play ? isoTime(play.startedAt) : null}, CAST(${play?.durationMs ?? null} AS BIGINT)
          FROM devices WHERE id = ${deviceId}
          ON CONFLICT DO NOTHING`,
    );
    return stored > 0;
  }

  /**
   * `save` for a burst of events in one transaction: one commit instead of one per event, which
   * was most of the fleet's CPU per event (docs/benchmarks.md, B1). The same answer per event; an
   * event whose time does not parse costs only itself.
   */
  async saveMany(entries: readonly EventToSave[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    return this.store.transaction(async () => {
      const fresh: boolean[] = [];
      for (const { deviceId, event, receivedAt } of entries) {
        try {
          fresh.push(await this.save(deviceId, event, receivedAt));
        } catch (error) {
          if (!(error instanceof GatecastError)) throw error;
          this.log.warn({ deviceId, id: event.id, err: error.message }, 'device event not stored');
          fresh.push(false);
        }
      }
      return fresh;
    });
  }

  /** Newest first, by the event's own time; `nextBefore` is null on the last page. */
  async list(
    deviceId: string,
    query: EventQuery = {},
  ): Promise<{ events: StoredEvent[]; nextBefore: string | null }> {
    const limit = Math.max(1, Math.min(MAX_EVENT_PAGE, Math.floor(query.limit ?? DEFAULT_EVENT_PAGE)));
    const cursor = query.before === undefined ? null : decodeCursor(query.before);
    const where = [sql`device_id = ${deviceId}`];
    if (query.kind !== undefined) where.push(sql`kind = ${query.kind}`);
    if (query.since !== undefined) where.push(sql`at >= ${isoTime(query.since)}`);
    if (query.until !== undefined) where.push(sql`at < ${isoTime(query.until)}`);
    if (cursor) where.push(sql`(at < ${cursor.at} OR (at = ${cursor.at} AND id < ${cursor.id}))`);
    const rows = await this.store.all<EventRow>(
      sql`SELECT id, kind, at, received_at, body FROM device_events
          WHERE ${sql.join(where, sql` AND `)}
          ORDER BY at DESC, id DESC LIMIT ${limit + 1}`,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextBefore = rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null;
    return { events: page.flatMap((row) => this.toStored(deviceId, row)), nextBefore };
  }

  /** The gate a device's latest event was stored under: scopes access once the device is removed. */
  async gateOf(deviceId: string): Promise<string | undefined> {
    const row = await this.store.one<{ gate_id: string }>(
      sql`SELECT gate_id FROM device_events WHERE device_id = ${deviceId} ORDER BY received_at DESC LIMIT 1`,
    );
    return row?.gate_id;
  }

  /** How many events are stored for a device. */
  async count(deviceId: string): Promise<number> {
    const row = await this.store.one<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM device_events WHERE device_id = ${deviceId}`,
    );
    return row?.n ?? 0;
  }

  private toStored(deviceId: string, row: EventRow): StoredEvent[] {
    const where = { table: 'device_events', column: 'body', id: `${deviceId}/${row.id}` };
    const event = parseJsonColumn(eventSchema, row.body, this.log, where);
    if (!event) return [];
    return [{ id: row.id, kind: row.kind, at: row.at, receivedAt: row.received_at, event }];
  }
}

/** Stored times are `toISOString()` output, so text order is time order. */
function isoTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new GatecastError('BAD_REQUEST', `not a time: ${time}`);
  return new Date(ms).toISOString();
}
