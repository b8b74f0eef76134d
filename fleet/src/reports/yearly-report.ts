import { stateOf, type AnnouncementState, type StoredStatus } from '../announcements/announcement-model.js';
import { sql } from 'kysely';
import { jsonText } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';
import { queryKioskUsage, type KioskUsageReport } from './kiosk-usage.js';
import { queryPlays } from './plays-report.js';
import type { PlaysRow } from './plays-view.js';
import { yearPeriod } from './report-period.js';
import { percentOf, uptimeIn, type PresenceChange } from './uptime.js';

export interface ScreenUptime {
  deviceId: string;
  name: string;
  zoneId: string;
  observedHours: number;
  onlineHours: number;
  /** null when the screen did not exist during the year. */
  uptimePercent: number | null;
  removed: boolean;
}

export interface AnnouncementReceipts {
  id: string;
  /** The multilingual title (or the body when it has none). */
  title: Record<string, string>;
  /** Live, expired or cancelled (scheduled for one that starts later). */
  state: AnnouncementState;
  startsAt: string | null;
  expiresAt: string | null;
  cancelledAt: string | null;
  /** Screens of this gate the announcement targeted when it went out. */
  targeted: number;
  /** Of those, how many sent a render receipt. */
  shown: number;
  /** Seconds from go-live to the last receipt at this gate; null without receipts. */
  lastReceiptAfterSec: number | null;
}

export interface YearlyReport {
  gate: { id: string; name: string; timeZone: string };
  year: number;
  from: string;
  to: string;
  generatedAt: string;
  uptime: { screens: ScreenUptime[]; gatePercent: number | null };
  plays: { rows: PlaysRow[]; total: { plays: number; totalSeconds: number } };
  announcements: AnnouncementReceipts[];
  /** Lookup kiosk use: page views and searches that found nothing (anonymous counts). */
  kiosk?: KioskUsageReport;
}

interface PresenceRow {
  device_id: string;
  device_name: string;
  zone_id: string;
  state: PresenceChange['state'];
  at: string;
}

interface DeviceRow {
  id: string;
  name: string;
  zone_id: string;
  created_at: string;
  presence_state: string;
  presence_since: string | null;
}

/**
 * Everything the city's annual review asks of one gate for one calendar year at the gate: uptime
 * per screen and for the gate, proof of play by item and language, and announcements with how
 * many targeted screens confirmed showing them. The window ends at `now` for the current year.
 */
export async function buildYearlyReport(
  store: Sql,
  gate: { id: string; name: string; timeZone: string },
  year: number,
  now: Date,
): Promise<YearlyReport> {
  const period = yearPeriod(year, gate.timeZone);
  const end = Math.min(period.to.getTime(), now.getTime());
  const window = { from: period.from.getTime(), to: Math.max(end, period.from.getTime()) };
  const { screens, observedMs, onlineMs } = await screenUptimes(store, gate.id, window);
  const plays = await queryPlays(store, {
    gates: [gate.id],
    gate: gate.id,
    from: period.from,
    to: period.to,
    by: ['item', 'language'],
  });
  return {
    gate,
    year,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    generatedAt: now.toISOString(),
    uptime: { screens, gatePercent: percentOf(onlineMs, observedMs) },
    plays: { rows: plays.rows, total: plays.total },
    announcements: await announcementReceipts(store, gate.id, period, now),
    kiosk: await queryKioskUsage(store, { gates: [gate.id], from: period.from, to: period.to }),
  };
}

/** Per screen, and the gate's totals in ms (summed before rounding: short periods still get a share). */
async function screenUptimes(
  store: Sql,
  gateId: string,
  window: { from: number; to: number },
): Promise<{ screens: ScreenUptime[]; observedMs: number; onlineMs: number }> {
  const to = new Date(window.to).toISOString();
  const rows = await store.all<PresenceRow>(
    sql`SELECT device_id, device_name, zone_id, state, at FROM presence_log
        WHERE gate_id = ${gateId} AND at < ${to} ORDER BY device_id, at, id`,
  );
  const histories = new Map<string, PresenceRow[]>();
  for (const row of rows) {
    const list = histories.get(row.device_id) ?? [];
    list.push(row);
    histories.set(row.device_id, list);
  }
  const current = await store.all<DeviceRow>(
    sql`SELECT id, name, zone_id, created_at, presence_state, presence_since FROM devices WHERE gate_id = ${gateId}`,
  );
  const present = new Map(current.map((device) => [device.id, device]));
  const ids = [...new Set([...histories.keys(), ...present.keys()])].sort();
  const screens: ScreenUptime[] = [];
  const totals = { observedMs: 0, onlineMs: 0 };
  for (const id of ids) {
    const device = present.get(id);
    const history: PresenceRow[] = histories.get(id) ?? [];
    // A screen enrolled before presence was recorded (migration 7) has no 'enrolled' row: it is
    // observed from its enrolment, offline until its first recorded change, or with none at all
    // until it entered the state its row shows now.
    const recordedEnrolment = history[0]?.state === 'enrolled';
    const knownSince = device && !recordedEnrolment ? Date.parse(device.created_at) : undefined;
    const changes: PresenceChange[] =
      device && history.length === 0 && device.presence_since && device.presence_state !== 'never-seen'
        ? [{ state: device.presence_state as PresenceChange['state'], at: device.presence_since }]
        : history;
    const { observedMs, onlineMs } = uptimeIn(changes, window, knownSince);
    const last = history.at(-1);
    if (observedMs === 0 && !device) continue;
    totals.observedMs += observedMs;
    totals.onlineMs += onlineMs;
    screens.push({
      deviceId: id,
      name: device?.name ?? last?.device_name ?? id,
      zoneId: device?.zone_id ?? last?.zone_id ?? '-',
      observedHours: hours(observedMs),
      onlineHours: hours(onlineMs),
      uptimePercent: percentOf(onlineMs, observedMs),
      removed: device === undefined,
    });
  }
  return { screens, ...totals };
}

interface AnnouncementRow {
  id: string;
  title: string;
  body: string;
  status: StoredStatus;
  starts_at: string | null;
  expires_at: string | null;
  cancelled_at: string | null;
  targeted: number;
  shown: number;
  last_shown_at: string | null;
}

/** Announcements that went live (or were due to) in the year and targeted screens of this gate. */
async function announcementReceipts(
  store: Sql,
  gateId: string,
  period: { from: Date; to: Date },
  now: Date,
): Promise<AnnouncementReceipts[]> {
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const entryId = jsonText(store.dialect, 'body', 'entryId');
  const rows = await store.all<AnnouncementRow>(
    sql`WITH receipts AS (
         -- The fleet's clock (received_at), like starts_at: a screen's own clock may be off.
         SELECT device_id, ${entryId} AS entry_id, MIN(received_at) AS shown_at
         FROM device_events WHERE kind = 'announcement-shown' AND gate_id = ${gateId}
         GROUP BY device_id, ${entryId}
       )
       SELECT a.id, a.title, a.body, a.status, a.starts_at, a.expires_at, a.cancelled_at,
         COUNT(s.device_id) AS targeted, COUNT(r.device_id) AS shown, MAX(r.shown_at) AS last_shown_at
       FROM announcements a
       JOIN announcement_screens s ON s.announcement_id = a.id AND s.gate_id = ${gateId}
       LEFT JOIN receipts r ON r.device_id = s.device_id AND r.entry_id = 'ann-' || a.id
       WHERE COALESCE(a.starts_at, a.created_at) >= ${from} AND COALESCE(a.starts_at, a.created_at) < ${to}
       GROUP BY a.id ORDER BY COALESCE(a.starts_at, a.created_at), a.id`,
  );
  return rows.map((row) => ({
    id: row.id,
    title: textsOf(row.title) ?? textsOf(row.body) ?? {},
    state: stateOf({ status: row.status, startsAt: row.starts_at, expiresAt: row.expires_at }, now),
    startsAt: row.starts_at,
    expiresAt: row.expires_at,
    cancelledAt: row.cancelled_at,
    targeted: row.targeted,
    shown: row.shown,
    lastReceiptAfterSec:
      row.last_shown_at && row.starts_at
        ? Math.max(0, Math.round((Date.parse(row.last_shown_at) - Date.parse(row.starts_at)) / 100) / 10)
        : null,
  }));
}

/** A stored multilingual text (JSON object of language → text); null when empty or unreadable. */
function textsOf(json: string): Record<string, string> | null {
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    const texts = Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    return Object.keys(texts).length > 0 ? texts : null;
  } catch {
    return null;
  }
}

function hours(ms: number): number {
  return Math.round(ms / 360_000) / 10;
}
