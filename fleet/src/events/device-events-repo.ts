import { GatecastError, eventSchema, type DeviceEvent } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
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
  private readonly stmts;

  constructor(db: Database, log?: Logger) {
    this.log = (log ?? fallbackLogger('device-events')).child({ mod: 'device-events' });
    this.stmts = prepare(db);
  }

  /** True when stored now; false for an id already stored or a device not in the store. */
  store(deviceId: string, event: DeviceEvent, receivedAt: string): boolean {
    const play = event.kind === 'proof-of-play' ? event : null;
    const result = this.stmts.insert.run({
      device_id: deviceId,
      id: event.id,
      kind: event.kind,
      at: isoTime(event.at),
      received_at: receivedAt,
      body: JSON.stringify(event),
      item_id: play?.itemId ?? null,
      zone: play?.zone ?? null,
      language: play?.language ?? null,
      started_at: play ? isoTime(play.startedAt) : null,
      duration_ms: play?.durationMs ?? null,
    });
    return result.changes > 0;
  }

  /** Newest first, by the event's own time; `nextBefore` is null on the last page. */
  list(deviceId: string, query: EventQuery = {}): { events: StoredEvent[]; nextBefore: string | null } {
    const limit = Math.max(1, Math.min(MAX_EVENT_PAGE, Math.floor(query.limit ?? DEFAULT_EVENT_PAGE)));
    const cursor = query.before === undefined ? null : decodeCursor(query.before);
    const rows = this.stmts.list.all({
      device_id: deviceId,
      kind: query.kind ?? null,
      since: query.since === undefined ? null : isoTime(query.since),
      until: query.until === undefined ? null : isoTime(query.until),
      before_at: cursor?.at ?? null,
      before_id: cursor?.id ?? null,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextBefore = rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null;
    return { events: page.flatMap((row) => this.toStored(deviceId, row)), nextBefore };
  }

  /** The gate a device's latest event was stored under: scopes access once the device is removed. */
  gateOf(deviceId: string): string | undefined {
    return this.stmts.gateOf.get(deviceId);
  }

  /** How many events are stored for a device. */
  count(deviceId: string): number {
    return this.stmts.count.get(deviceId) ?? 0;
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

interface InsertParams {
  device_id: string;
  id: string;
  kind: string;
  at: string;
  received_at: string;
  body: string;
  item_id: string | null;
  zone: string | null;
  language: string | null;
  started_at: string | null;
  duration_ms: number | null;
}

interface ListParams {
  device_id: string;
  kind: string | null;
  since: string | null;
  until: string | null;
  before_at: string | null;
  before_id: string | null;
  limit: number;
}

function prepare(db: Database) {
  return {
    // The device's gate comes from its row; no row (removed, unknown) stores nothing.
    insert: db.prepare<[InsertParams]>(
      `INSERT OR IGNORE INTO device_events (device_id, id, gate_id, kind, at, received_at, body,
         item_id, zone, language, started_at, duration_ms)
       SELECT @device_id, @id, gate_id, @kind, @at, @received_at, @body,
         @item_id, @zone, @language, @started_at, @duration_ms
       FROM devices WHERE id = @device_id`,
    ),
    list: db.prepare<[ListParams], EventRow>(
      `SELECT id, kind, at, received_at, body FROM device_events
       WHERE device_id = @device_id
         AND (@kind IS NULL OR kind = @kind)
         AND (@since IS NULL OR at >= @since)
         AND (@until IS NULL OR at < @until)
         AND (@before_at IS NULL OR at < @before_at OR (at = @before_at AND id < @before_id))
       ORDER BY at DESC, id DESC LIMIT @limit`,
    ),
    gateOf: db
      .prepare<[string], string>(
        'SELECT gate_id FROM device_events WHERE device_id = ? ORDER BY received_at DESC LIMIT 1',
      )
      .pluck(),
    count: db.prepare<[string], number>('SELECT COUNT(*) FROM device_events WHERE device_id = ?').pluck(),
  };
}
