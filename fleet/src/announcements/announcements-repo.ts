import { randomBytes } from 'node:crypto';
import { languageTagSchema, multilingualTextSchema } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../store/database.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
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
  private readonly stmts;
  /** Bumped by every write, so readers may cache what they read until the next change. */
  generation = 0;

  constructor(
    private readonly db: Database,
    log?: Logger,
  ) {
    this.log = (log ?? fallbackLogger('announcements')).child({ mod: 'announcements' });
    this.stmts = prepare(db);
  }

  create(input: NewAnnouncement): Announcement {
    const announcement = { ...input, id: randomBytes(6).toString('hex') };
    this.stmts.insert.run(toRow(announcement));
    this.generation++;
    return announcement;
  }

  get(id: string): Announcement | undefined {
    const row = this.stmts.get.get(id);
    return row ? (this.toAnnouncement(row) ?? undefined) : undefined;
  }

  /** Newest first. */
  list(query: AnnouncementQuery = {}): Announcement[] {
    const limit = Math.max(1, Math.min(1_000, query.limit ?? 200));
    const statuses = query.statuses ? JSON.stringify(query.statuses) : null;
    return this.stmts.list.all({ statuses, limit }).flatMap((row) => this.toAnnouncement(row) ?? []);
  }

  /** Active announcements not yet expired at `now`: what the screens should carry. */
  current(now: Date): Announcement[] {
    return this.stmts.current.all(now.toISOString()).flatMap((row) => this.toAnnouncement(row) ?? []);
  }

  /** The earliest expiry after `now` among active announcements, or null. */
  nextExpiry(now: Date): string | null {
    return this.stmts.nextExpiry.get(now.toISOString()) ?? null;
  }

  /** Ids of active announcements whose expiry falls in (from, to]. */
  expiredBetween(from: Date, to: Date): string[] {
    return this.stmts.expiredBetween.all(from.toISOString(), to.toISOString());
  }

  byCapReference(sender: string, identifier: string): Announcement[] {
    return this.stmts.byCap.all(sender, identifier).flatMap((row) => this.toAnnouncement(row) ?? []);
  }

  /** Saves every field but the id; the caller decides the transition. */
  update(announcement: Announcement): void {
    this.stmts.update.run(toRow(announcement));
    this.generation++;
  }

  /** Updates the announcement and records the screens it goes to, in one transaction. */
  activate(announcement: Announcement, screens: TargetedScreen[]): void {
    this.db.transaction(() => {
      this.stmts.update.run(toRow(announcement));
      for (const screen of screens) {
        this.stmts.insertScreen.run({ announcement_id: announcement.id, ...screenRow(screen) });
      }
    })();
    this.generation++;
  }

  screensOf(id: string): TargetedScreen[] {
    return this.stmts.screens.all(id).map((row) => ({
      deviceId: row.device_id,
      deviceName: row.device_name,
      gateId: row.gate_id,
      zoneId: row.zone_id,
    }));
  }

  /** How many screens were targeted and how many of them confirmed: the list's column, without the rows. */
  counts(id: string): { targeted: number; shown: number } {
    const row = this.stmts.counts.get({ announcement_id: id, entry_id: entryIdOf(id) });
    return { targeted: row?.targeted ?? 0, shown: row?.shown ?? 0 };
  }

  /** The first receipt of each targeted screen for this announcement's entry. */
  receiptsOf(id: string): StoredReceipt[] {
    const first = new Map<string, StoredReceipt>();
    for (const row of this.stmts.receipts.all({ announcement_id: id, entry_id: entryIdOf(id) })) {
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

function screenRow(screen: TargetedScreen) {
  return {
    device_id: screen.deviceId,
    device_name: screen.deviceName,
    gate_id: screen.gateId,
    zone_id: screen.zoneId,
  };
}

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

const COLUMNS = `id, template_id, title, body, targets, status, created_by, created_by_name, created_at,
  approved_by, approved_by_name, review_comment, requested_start_at, requested_expires_at, duration_sec,
  starts_at, expires_at, fired_at, cancelled_at, cancelled_by, cap_identifier, cap_sender`;

function prepare(db: Database) {
  return {
    insert: db.prepare<[AnnouncementRow]>(
      `INSERT INTO announcements (${COLUMNS}) VALUES (${COLUMNS.split(',')
        .map((column) => `@${column.trim()}`)
        .join(', ')})`,
    ),
    update: db.prepare<[AnnouncementRow]>(
      `UPDATE announcements SET ${COLUMNS.split(',')
        .map((column) => column.trim())
        .filter((column) => column !== 'id')
        .map((column) => `${column} = @${column}`)
        .join(', ')} WHERE id = @id`,
    ),
    get: db.prepare<[string], AnnouncementRow>(`SELECT ${COLUMNS} FROM announcements WHERE id = ?`),
    list: db.prepare<[{ statuses: string | null; limit: number }], AnnouncementRow>(
      `SELECT ${COLUMNS} FROM announcements
       WHERE @statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    current: db.prepare<[string], AnnouncementRow>(
      `SELECT ${COLUMNS} FROM announcements WHERE status = 'active' AND expires_at > ? ORDER BY starts_at, id`,
    ),
    nextExpiry: db
      .prepare<[string], string>(
        `SELECT MIN(expires_at) FROM announcements WHERE status = 'active' AND expires_at > ?`,
      )
      .pluck(),
    expiredBetween: db
      .prepare<[string, string], string>(
        `SELECT id FROM announcements WHERE status = 'active' AND expires_at > ? AND expires_at <= ?`,
      )
      .pluck(),
    byCap: db.prepare<[string, string], AnnouncementRow>(
      `SELECT ${COLUMNS} FROM announcements WHERE cap_sender = ? AND cap_identifier = ? ORDER BY created_at`,
    ),
    insertScreen: db.prepare<[ScreenRow & { announcement_id: string }]>(
      `INSERT OR IGNORE INTO announcement_screens (announcement_id, device_id, device_name, gate_id, zone_id)
       VALUES (@announcement_id, @device_id, @device_name, @gate_id, @zone_id)`,
    ),
    screens: db.prepare<[string], ScreenRow>(
      `SELECT device_id, device_name, gate_id, zone_id FROM announcement_screens
       WHERE announcement_id = ? ORDER BY gate_id, zone_id, device_id`,
    ),
    counts: db.prepare<[{ announcement_id: string; entry_id: string }], { targeted: number; shown: number }>(
      `SELECT
         (SELECT COUNT(*) FROM announcement_screens WHERE announcement_id = @announcement_id) AS targeted,
         (SELECT COUNT(DISTINCT e.device_id) FROM announcement_screens s
            JOIN device_events e ON e.device_id = s.device_id AND e.kind = 'announcement-shown'
            WHERE s.announcement_id = @announcement_id AND json_extract(e.body, '$.entryId') = @entry_id) AS shown`,
    ),
    // Through the (device, kind, time) index of each targeted screen: never a scan of all events.
    receipts: db.prepare<[{ announcement_id: string; entry_id: string }], ReceiptRow>(
      `SELECT e.device_id, json_extract(e.body, '$.shownAt') AS shown_at,
         json_extract(e.body, '$.screenshotSha256') AS screenshot_sha256,
         json_extract(e.body, '$.language') AS language, e.received_at
       FROM announcement_screens s
       JOIN device_events e ON e.device_id = s.device_id AND e.kind = 'announcement-shown'
       WHERE s.announcement_id = @announcement_id AND json_extract(e.body, '$.entryId') = @entry_id
       ORDER BY e.at, e.id`,
    ),
  };
}
