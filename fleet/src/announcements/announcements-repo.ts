import { randomBytes } from 'node:crypto';
import { languageTagSchema, multilingualTextSchema } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { sql } from 'kysely';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { Sql } from '../store/sql.js';
import { isIn, jsonText } from '../store/sql-dialect.js';
import {
  entryIdOf,
  targetsSchema,
  type Announcement,
  type AnnouncementTargets,
  type StoredStatus,
} from './announcement-model.js';

interface AnnouncementRow {
  id: string;
  template_id: string | null;
  title: string;
  body: string;
  targets: string;
  status: StoredStatus;
  created_by: string;
  created_by_name: string;
  created_at: string;
  approved_by: string | null;
  approved_by_name: string | null;
  review_comment: string | null;
  requested_start_at: string | null;
  requested_expires_at: string | null;
  duration_sec: number | null;
  starts_at: string | null;
  expires_at: string | null;
  fired_at: string | null;
  cancelled_at: string | null;
  cancelled_by: string | null;
  cap_identifier: string | null;
  cap_sender: string | null;
}

export interface TargetedScreen {
  deviceId: string;
  deviceName: string;
  gateId: string;
  zoneId: string;
}

/** One targeted screen's `announcement-shown` receipt, as the device sent it. */
export interface StoredReceipt {
  deviceId: string;
  shownAt: string;
  screenshotSha256: string | null;
  language: string | null;
  receivedAt: string;
}

export type NewAnnouncement = Omit<Announcement, 'id'>;

export interface AnnouncementQuery {
  /** Stored statuses to include; all when left out. */
  statuses?: StoredStatus[];
  limit?: number;
}

/** Announcements and the screens each went to. Receipts are the devices' own events (device_events). */
export class AnnouncementsRepo {
  private readonly log: Logger;
  /** Bumped by every write, so readers may cache what they read until the next change. */
  generation = 0;

  constructor(
    private readonly store: Sql,
    log?: Logger,
  ) {
    this.log = (log ?? fallbackLogger('announcements')).child({ mod: 'announcements' });
  }

  async create(input: NewAnnouncement): Promise<Announcement> {
    const announcement = { ...input, id: randomBytes(6).toString('hex') };
    const row = toRow(announcement);
    await this.store.run(
      sql`INSERT INTO announcements (${sql.join(COLUMNS.map((column) => sql.ref(column)))})
          VALUES (${sql.join(COLUMNS.map((column) => row[column]))})`,
    );
    this.generation++;
    return announcement;
  }

  async get(id: string): Promise<Announcement | undefined> {
    const row = await this.store.one<AnnouncementRow>(
      sql`SELECT ${SELECTED} FROM announcements WHERE id = ${id}`,
    );
    return row ? (this.toAnnouncement(row) ?? undefined) : undefined;
  }

  /** Newest first. */
  async list(query: AnnouncementQuery = {}): Promise<Announcement[]> {
    const limit = Math.max(1, Math.min(1_000, query.limit ?? 200));
    const statuses = query.statuses ? isIn('status', query.statuses) : sql`1 = 1`;
    const rows = await this.store.all<AnnouncementRow>(
      sql`SELECT ${SELECTED} FROM announcements WHERE ${statuses}
          ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
    );
    return rows.flatMap((row) => this.toAnnouncement(row) ?? []);
  }

  /** Active announcements not yet expired at `now`: what the screens should carry. */
  async current(now: Date): Promise<Announcement[]> {
    const rows = await this.store.all<AnnouncementRow>(
      sql`SELECT ${SELECTED} FROM announcements WHERE status = 'active' AND expires_at > ${now.toISOString()}
          ORDER BY starts_at, id`,
    );
    return rows.flatMap((row) => this.toAnnouncement(row) ?? []);
  }

  /** The earliest expiry after `now` among active announcements, or null. */
  async nextExpiry(now: Date): Promise<string | null> {
    const row = await this.store.one<{ next_expiry: string | null }>(
      sql`SELECT MIN(expires_at) AS next_expiry FROM announcements
          WHERE status = 'active' AND expires_at > ${now.toISOString()}`,
    );
    return row?.next_expiry ?? null;
  }

  /** Ids of active announcements whose expiry falls in (from, to]. */
  async expiredBetween(from: Date, to: Date): Promise<string[]> {
    const rows = await this.store.all<{ id: string }>(
      sql`SELECT id FROM announcements WHERE status = 'active'
          AND expires_at > ${from.toISOString()} AND expires_at <= ${to.toISOString()}`,
    );
    return rows.map((row) => row.id);
  }

  async byCapReference(sender: string, identifier: string): Promise<Announcement[]> {
    const rows = await this.store.all<AnnouncementRow>(
      sql`SELECT ${SELECTED} FROM announcements WHERE cap_sender = ${sender} AND cap_identifier = ${identifier}
          ORDER BY created_at`,
    );
    return rows.flatMap((row) => this.toAnnouncement(row) ?? []);
  }

  /**
   * Saves every field but the id; the caller decides the transition. With `from`, only while the
   * stored status still is `from`: false when another request changed it since the caller read it.
   */
  async update(announcement: Announcement, from?: StoredStatus): Promise<boolean> {
    const saved = (await this.store.run(updateOf(announcement, from))) > 0;
    this.generation++;
    return saved;
  }

  /** Marks an announcement as coming from a CAP alert, leaving its other fields as they are now. */
  async tagCap(id: string, cap: { sender: string; identifier: string }): Promise<void> {
    await this.store.run(
      sql`UPDATE announcements SET cap_sender = ${cap.sender}, cap_identifier = ${cap.identifier}
          WHERE id = ${id}`,
    );
    this.generation++;
  }

  /**
   * Updates the announcement (only while its status still is `from`) and records the screens it
   * goes to, in one transaction. False, with nothing written, when the status had changed.
   */
  async activate(
    announcement: Announcement,
    screens: TargetedScreen[],
    from: StoredStatus,
  ): Promise<boolean> {
    const saved = await this.store.transaction(async () => {
      if ((await this.store.run(updateOf(announcement, from))) === 0) return false;
      for (const screen of screens) {
        await this.store.run(
          sql`INSERT INTO announcement_screens (announcement_id, device_id, device_name, gate_id, zone_id)
              VALUES (${announcement.id}, ${screen.deviceId}, ${screen.deviceName}, ${screen.gateId},
                ${screen.zoneId})
              ON CONFLICT DO NOTHING`,
        );
      }
      return true;
    });
    this.generation++;
    return saved;
  }

  async screensOf(id: string): Promise<TargetedScreen[]> {
    const rows = await this.store.all<ScreenRow>(
      sql`SELECT device_id, device_name, gate_id, zone_id FROM announcement_screens
          WHERE announcement_id = ${id} ORDER BY gate_id, zone_id, device_id`,
    );
    return rows.map((row) => ({
      deviceId: row.device_id,
      deviceName: row.device_name,
      gateId: row.gate_id,
      zoneId: row.zone_id,
    }));
  }

  /** How many screens were targeted and how many of them confirmed: the list's column, without the rows. */
  async counts(id: string): Promise<{ targeted: number; shown: number }> {
    const entryId = jsonText(this.store.dialect, 'e.body', 'entryId');
    const row = await this.store.one<{ targeted: number; shown: number }>(
      sql`SELECT
            (SELECT COUNT(*) FROM announcement_screens WHERE announcement_id = ${id}) AS targeted,
            (SELECT COUNT(DISTINCT e.device_id) FROM announcement_screens s
               JOIN device_events e ON e.device_id = s.device_id AND e.kind = 'announcement-shown'
               WHERE s.announcement_id = ${id} AND ${entryId} = ${entryIdOf(id)}) AS shown`,
    );
    return { targeted: Number(row?.targeted ?? 0), shown: Number(row?.shown ?? 0) };
  }

  /** The first receipt of each targeted screen for this announcement's entry. */
  async receiptsOf(id: string): Promise<StoredReceipt[]> {
    const field = (path: string) => jsonText(this.store.dialect, 'e.body', path);
    // Through the (device, kind, time) index of each targeted screen: never a scan of all events.
    const rows = await this.store.all<ReceiptRow>(
      sql`SELECT e.device_id, ${field('shownAt')} AS shown_at, ${field('screenshotSha256')} AS screenshot_sha256,
            ${field('language')} AS language, e.received_at
          FROM announcement_screens s
          JOIN device_events e ON e.device_id = s.device_id AND e.kind = 'announcement-shown'
          WHERE s.announcement_id = ${id} AND ${field('entryId')} = ${entryIdOf(id)}
          ORDER BY e.at, e.id`,
    );
    const first = new Map<string, StoredReceipt>();
    for (const row of rows) {
      if (first.has(row.device_id)) continue;
      first.set(row.device_id, {
        deviceId: row.device_id,
        shownAt: row.shown_at,
        screenshotSha256: row.screenshot_sha256,
        language: row.language,
        receivedAt: row.received_at,
      });
    }
    return [...first.values()];
  }

  private toAnnouncement(row: AnnouncementRow): Announcement | null {
    const where = (column: string) => ({ table: 'announcements', column, id: row.id });
    const targets = parseJsonColumn(targetsSchema, row.targets, this.log, where('targets'));
    const title = parseJsonColumn(titleSchema, row.title, this.log, where('title'));
    const body = parseJsonColumn(multilingualTextSchema, row.body, this.log, where('body'));
    if (!targets || !title || !body) return null;
    return {
      id: row.id,
      templateId: row.template_id,
      title,
      body,
      targets: targets as AnnouncementTargets,
      status: row.status,
      createdBy: row.created_by,
      createdByName: row.created_by_name,
      createdAt: row.created_at,
      approvedBy: row.approved_by,
      approvedByName: row.approved_by_name,
      reviewComment: row.review_comment,
      requestedStartAt: row.requested_start_at,
      requestedExpiresAt: row.requested_expires_at,
      durationSec: row.duration_sec,
      startsAt: row.starts_at,
      expiresAt: row.expires_at,
      firedAt: row.fired_at,
      cancelledAt: row.cancelled_at,
      cancelledBy: row.cancelled_by,
      capIdentifier: row.cap_identifier,
      capSender: row.cap_sender,
    };
  }
}

/** An announcement without a title stores {}. */
const titleSchema = z.record(languageTagSchema, z.string());

function toRow(a: Announcement): AnnouncementRow {
  return {
    id: a.id,
    template_id: a.templateId,
    title: JSON.stringify(a.title),
    body: JSON.stringify(a.body),
    targets: JSON.stringify(a.targets),
    status: a.status,
    created_by: a.createdBy,
    created_by_name: a.createdByName,
    created_at: a.createdAt,
    approved_by: a.approvedBy,
    approved_by_name: a.approvedByName,
    review_comment: a.reviewComment,
    requested_start_at: a.requestedStartAt,
    requested_expires_at: a.requestedExpiresAt,
    duration_sec: a.durationSec,
    starts_at: a.startsAt,
    expires_at: a.expiresAt,
    fired_at: a.firedAt,
    cancelled_at: a.cancelledAt,
    cancelled_by: a.cancelledBy,
    cap_identifier: a.capIdentifier,
    cap_sender: a.capSender,
  };
}

interface ReceiptRow {
  device_id: string;
  shown_at: string;
  screenshot_sha256: string | null;
  language: string | null;
  received_at: string;
}

interface ScreenRow {
  device_id: string;
  device_name: string;
  gate_id: string;
  zone_id: string;
}

const COLUMNS = [
  'id',
  'template_id',
  'title',
  'body',
  'targets',
  'status',
  'created_by',
  'created_by_name',
  'created_at',
  'approved_by',
  'approved_by_name',
  'review_comment',
  'requested_start_at',
  'requested_expires_at',
  'duration_sec',
  'starts_at',
  'expires_at',
  'fired_at',
  'cancelled_at',
  'cancelled_by',
  'cap_identifier',
  'cap_sender',
] as const satisfies readonly (keyof AnnouncementRow)[];

const SELECTED = sql.join(COLUMNS.map((column) => sql.ref(column)));

/** Every field but the id; with `from`, a write conditional on the status the caller decided on. */
function updateOf(announcement: Announcement, from: StoredStatus | undefined) {
  const row = toRow(announcement);
  const set = COLUMNS.filter((column) => column !== 'id').map(
    (column) => sql`${sql.ref(column)} = ${row[column]}`,
  );
  const still = from === undefined ? sql`` : sql` AND status = ${from}`;
  return sql`UPDATE announcements SET ${sql.join(set)} WHERE id = ${row.id}${still}`;
}
