import type { DesiredDocument } from '@gatecast/protocol';
import { evaluateSchedule, isClockTrusted } from '@gatecast/protocol/schedule';

export interface ClockTrustInput {
  now: Date;
  buildTime: Date;
  synchronized: boolean | null;
}

/**
 * Pure: whether the document's schedule puts an announcement on this screen now, evaluated the
 * way the player does (an untrusted clock plays the default loop: no announcement then either).
 */
export function announcementShowing(desired: DesiredDocument, clock: ClockTrustInput): boolean {
  const plan = evaluateSchedule(desired, { now: clock.now, trusted: isClockTrusted(clock) });
  return Object.values(plan.zones).some((zone) => zone?.layer === 'announcement');
}
