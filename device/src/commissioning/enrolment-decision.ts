import { GatecastError, type EnrolmentRequestStatus } from '@gatecast/protocol';
import type { SavedRequest } from '../provisioning/enrolment-settings.js';

/** Before a request: ask the saved one again, or make a new one. */
export type EnrolmentStep = { action: 'create' } | { action: 'poll'; request: SavedRequest };

/**
 * A saved request is asked again while it is unexpired and was made with the same token, so a
 * reboot keeps the pairing code the technician may already have written down.
 */
export function nextStep(saved: SavedRequest | null, token: string, now: Date): EnrolmentStep {
  if (saved === null || saved.token !== token) return { action: 'create' };
  if (Date.parse(saved.expiresAt) <= now.getTime()) return { action: 'create' };
  return { action: 'poll', request: saved };
}

export type ApprovedDevice = NonNullable<EnrolmentRequestStatus['device']>;

/** What a poll answer means for the screen. */
export type PollOutcome =
  | { action: 'wait'; delayMs: number }
  | { action: 'approved'; device: ApprovedDevice }
  /** The request is over without credentials for us: a new request (and code), maybe after a pause. */
  | { action: 'start-over'; reason: 'refused' | 'expired' | 'lost'; pause: boolean };

export function afterPoll(status: EnrolmentRequestStatus, request: SavedRequest, now: Date): PollOutcome {
  if (status.state === 'approved') {
    // Approved, but the one read with the secret went elsewhere (a crash after reading it): ask again.
    return status.device
      ? { action: 'approved', device: status.device }
      : { action: 'start-over', reason: 'lost', pause: true };
  }
  if (status.state === 'refused') return { action: 'start-over', reason: 'refused', pause: true };
  if (status.state === 'expired' || Date.parse(request.expiresAt) <= now.getTime()) {
    return { action: 'start-over', reason: 'expired', pause: false };
  }
  return { action: 'wait', delayMs: request.pollAfterSec * 1000 };
}

/** A failed call: the token refused (show it, pause, try again) or the fleet unreachable (keep trying). */
export function classifyFailure(error: unknown): 'refused' | 'unreachable' {
  if (
    error instanceof GatecastError &&
    ['ENROLMENT_REFUSED', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'].includes(error.code)
  ) {
    return 'refused';
  }
  return 'unreachable';
}
