import { stateOf, type Announcement, type AnnouncementState } from './announcement-model.js';
import type { StoredReceipt, TargetedScreen } from './announcements-repo.js';

export interface ScreenReceipt {
  deviceId: string;
  deviceName: string;
  gateId: string;
  zoneId: string;
  shown: boolean;
  /** By the screen's clock. */
  shownAt: string | null;
  screenshotSha256: string | null;
  language: string | null;
  /** By the fleet's clock: when the receipt arrived. */
  receivedAt: string | null;
  /** From going out (fired, or its later start) to the receipt arriving, on the fleet's clock. */
  secondsFromFire: number | null;
}

export interface ReceiptsView {
  announcementId: string;
  state: AnnouncementState;
  firedAt: string | null;
  startsAt: string | null;
  expiresAt: string | null;
  targeted: number;
  shown: number;
  screens: ScreenReceipt[];
}

/**
 * Pure: which targeted screens confirmed the announcement, and how fast. Not-yet-shown screens
 * come first, so whoever watches sees what is missing at the top.
 */
export function receiptsOf(
  announcement: Announcement,
  screens: TargetedScreen[],
  receipts: StoredReceipt[],
  now: Date,
): ReceiptsView {
  const byDevice = new Map(receipts.map((receipt) => [receipt.deviceId, receipt]));
  const from = Math.max(
    announcement.firedAt ? Date.parse(announcement.firedAt) : 0,
    announcement.startsAt ? Date.parse(announcement.startsAt) : 0,
  );
  const rows = screens.map((screen): ScreenReceipt => {
    const receipt = byDevice.get(screen.deviceId);
    return {
      ...screen,
      shown: receipt !== undefined,
      shownAt: receipt?.shownAt ?? null,
      screenshotSha256: receipt?.screenshotSha256 ?? null,
      language: receipt?.language ?? null,
      receivedAt: receipt?.receivedAt ?? null,
      secondsFromFire:
        receipt && from > 0
          ? Math.max(0, Math.round((Date.parse(receipt.receivedAt) - from) / 100) / 10)
          : null,
    };
  });
  rows.sort((a, b) => Number(a.shown) - Number(b.shown));
  return {
    announcementId: announcement.id,
    state: stateOf(announcement, now),
    firedAt: announcement.firedAt,
    startsAt: announcement.startsAt,
    expiresAt: announcement.expiresAt,
    targeted: screens.length,
    shown: rows.filter((row) => row.shown).length,
    screens: rows,
  };
}
