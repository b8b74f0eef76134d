import { GatecastError, multilingualTextSchema, slugSchema } from '@gatecast/protocol';
import { z } from 'zod';

/**
 * Urgent announcements, as the fleet stores and shows them. Pure: types, target matching, the
 * state a stored announcement is in at a given time, and the go-live/expiry arithmetic.
 */
export const ANNOUNCEMENT_STATES = [
  'awaiting-approval',
  'rejected',
  'scheduled',
  'live',
  'expired',
  'cancelled',
] as const;
export type AnnouncementState = (typeof ANNOUNCEMENT_STATES)[number];

/** What is stored; 'active' becomes scheduled, live or expired by the clock. */
export type StoredStatus = 'awaiting-approval' | 'rejected' | 'active' | 'cancelled';

/** An hour unless the sender says otherwise; a week at most, so nothing is forgotten on screens. */
export const DEFAULT_DURATION_SEC = 3_600;
export const MAX_DURATION_SEC = 7 * 86_400;
/** A start further ahead than this is more likely a typo than a plan. */
export const MAX_START_AHEAD_MS = 30 * 86_400_000;

export const zoneTargetSchema = z.strictObject({ gateId: slugSchema, zoneId: slugSchema });

/** All screens, or any mix of whole gates and single zones. */
export const targetsSchema = z
  .strictObject({
    all: z.boolean().optional(),
    gates: z.array(slugSchema).max(100).optional(),
    zones: z.array(zoneTargetSchema).max(500).optional(),
  })
  .refine(
    (targets) => targets.all === true || (targets.gates?.length ?? 0) + (targets.zones?.length ?? 0) > 0,
    'name at least one gate or zone, or all screens',
  );
export type AnnouncementTargets = z.infer<typeof targetsSchema>;
export type ZoneTarget = z.infer<typeof zoneTargetSchema>;

export const textsSchema = z.object({
  title: multilingualTextSchema.optional(),
  body: multilingualTextSchema,
});
export type AnnouncementTexts = z.infer<typeof textsSchema>;

export interface Actor {
  userId: string;
  username: string;
}

export interface Announcement {
  id: string;
  templateId: string | null;
  title: Record<string, string>;
  body: Record<string, string>;
  targets: AnnouncementTargets;
  status: StoredStatus;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  approvedBy: string | null;
  approvedByName: string | null;
  reviewComment: string | null;
  requestedStartAt: string | null;
  requestedExpiresAt: string | null;
  durationSec: number | null;
  startsAt: string | null;
  expiresAt: string | null;
  firedAt: string | null;
  cancelledAt: string | null;
  cancelledBy: string | null;
  capIdentifier: string | null;
  capSender: string | null;
}

/** The schedule entry id (and item id) of an announcement on the screens. */
export function entryIdOf(announcementId: string): string {
  return `ann-${announcementId}`;
}

export function stateOf(
  announcement: Pick<Announcement, 'status' | 'startsAt' | 'expiresAt'>,
  now: Date,
): AnnouncementState {
  if (announcement.status !== 'active') return announcement.status;
  const at = now.getTime();
  if (announcement.expiresAt !== null && at >= Date.parse(announcement.expiresAt)) return 'expired';
  if (announcement.startsAt !== null && at < Date.parse(announcement.startsAt)) return 'scheduled';
  return 'live';
}

/** Only normalises: duplicates go, `all` wins over everything else. */
export function normaliseTargets(targets: AnnouncementTargets): AnnouncementTargets {
  if (targets.all === true) return { all: true };
  const gates = [...new Set(targets.gates ?? [])].sort();
  const seen = new Set<string>();
  const zones: ZoneTarget[] = [];
  for (const zone of targets.zones ?? []) {
    const key = `${zone.gateId}/${zone.zoneId}`;
    // A zone inside a targeted gate adds nothing.
    if (seen.has(key) || gates.includes(zone.gateId)) continue;
    seen.add(key);
    zones.push({ gateId: zone.gateId, zoneId: zone.zoneId });
  }
  return { ...(gates.length > 0 ? { gates } : {}), ...(zones.length > 0 ? { zones } : {}) };
}

export function targetsScreen(
  targets: AnnouncementTargets,
  screen: { gateId: string; zoneId: string },
): boolean {
  if (targets.all === true) return true;
  if (targets.gates?.includes(screen.gateId)) return true;
  return (
    targets.zones?.some((zone) => zone.gateId === screen.gateId && zone.zoneId === screen.zoneId) ?? false
  );
}

/** The gates a target list touches; null means every gate (a fleet-wide grant is needed). */
export function gatesOf(targets: AnnouncementTargets): string[] | null {
  if (targets.all === true) return null;
  return [...new Set([...(targets.gates ?? []), ...(targets.zones ?? []).map((zone) => zone.gateId)])].sort();
}

export interface TimingRequest {
  startAt?: string | null | undefined;
  expiresAt?: string | null | undefined;
  durationSec?: number | null | undefined;
}

/**
 * When an announcement goes live and when it expires, decided when it is fired (or approved):
 * a start in the past means now; the expiry is given, or start + duration, or start + 1 h.
 */
export function activationWindow(request: TimingRequest, now: Date): { startsAt: string; expiresAt: string } {
  checkTiming(request, now);
  const start = Math.max(now.getTime(), request.startAt ? Date.parse(request.startAt) : 0);
  const expiry = request.expiresAt
    ? Date.parse(request.expiresAt)
    : start + (request.durationSec ?? DEFAULT_DURATION_SEC) * 1000;
  if (expiry <= now.getTime()) {
    throw new GatecastError('CONFLICT', `the announcement expired at ${new Date(expiry).toISOString()}`);
  }
  if (expiry <= start) throw new GatecastError('BAD_REQUEST', 'the expiry must be after the start');
  if (expiry - start > MAX_DURATION_SEC * 1000) {
    throw new GatecastError(
      'BAD_REQUEST',
      `an announcement may run ${MAX_DURATION_SEC / 86_400} days at most`,
    );
  }
  return { startsAt: new Date(start).toISOString(), expiresAt: new Date(expiry).toISOString() };
}

/** The checks that do not depend on when a second person approves. */
export function checkTiming(request: TimingRequest, now: Date): void {
  if (request.expiresAt && request.durationSec) {
    throw new GatecastError('BAD_REQUEST', 'give an expiry time or a duration, not both');
  }
  if (request.durationSec !== undefined && request.durationSec !== null) {
    if (!Number.isInteger(request.durationSec) || request.durationSec < 60) {
      throw new GatecastError('BAD_REQUEST', 'the duration must be at least 60 seconds');
    }
    if (request.durationSec > MAX_DURATION_SEC) {
      throw new GatecastError(
        'BAD_REQUEST',
        `an announcement may run ${MAX_DURATION_SEC / 86_400} days at most`,
      );
    }
  }
  if (request.startAt && Date.parse(request.startAt) - now.getTime() > MAX_START_AHEAD_MS) {
    throw new GatecastError('BAD_REQUEST', 'the start may be at most 30 days ahead');
  }
  if (request.expiresAt && Date.parse(request.expiresAt) <= now.getTime()) {
    throw new GatecastError('BAD_REQUEST', `the expiry ${request.expiresAt} is already past`);
  }
}
