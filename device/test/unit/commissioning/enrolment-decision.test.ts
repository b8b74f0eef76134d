import { describe, expect, it } from 'vitest';
import { GatecastError } from '@gatecast/protocol';
import { afterPoll, classifyFailure, nextStep } from '../../../src/commissioning/enrolment-decision.js';
import type { SavedRequest } from '../../../src/provisioning/enrolment-settings.js';

const TOKEN = 'gce_cat-bi-0123456789abcdefghij';
const NOW = new Date('2026-11-26T08:00:00Z');
const saved: SavedRequest = {
  requestId: 'req-0123456789',
  pairingCode: 'K7MQ-42XV',
  pollToken: 'poll-0123456789abcdefghij',
  pollAfterSec: 5,
  expiresAt: '2026-11-27T08:00:00.000Z',
  token: TOKEN,
};
const device = {
  id: 'cat-bi-arr-01',
  secret: 'secret-0123456789abcdefghijkl',
  mqttUrl: 'mqtt://fleet:1883',
  name: 'Arrivals 1',
  gateId: 'cat-bi-airport',
  zoneId: null,
  releasePublicKeys: [],
};

describe('enrolment decisions', () => {
  it('asks the saved request again after a reboot, but not an expired one or one of another token', () => {
    expect(nextStep(null, TOKEN, NOW)).toEqual({ action: 'create' });
    expect(nextStep(saved, TOKEN, NOW)).toEqual({ action: 'poll', request: saved });
    expect(nextStep(saved, 'gce_another-token-0123456789ab', NOW)).toEqual({ action: 'create' });
    expect(nextStep(saved, TOKEN, new Date('2026-11-27T08:00:00Z'))).toEqual({ action: 'create' });
  });

  it('waits while pending, takes the credentials once approved, starts over otherwise', () => {
    expect(afterPoll({ state: 'pending' }, saved, NOW)).toEqual({ action: 'wait', delayMs: 5_000 });
    expect(afterPoll({ state: 'approved', device }, saved, NOW)).toEqual({ action: 'approved', device });
    expect(afterPoll({ state: 'approved' }, saved, NOW)).toEqual({
      action: 'start-over',
      reason: 'lost',
      pause: true,
    });
    expect(afterPoll({ state: 'refused' }, saved, NOW)).toMatchObject({ reason: 'refused', pause: true });
    // An expired code gets a new one at once: the technician is probably standing there.
    expect(afterPoll({ state: 'expired' }, saved, NOW)).toMatchObject({ reason: 'expired', pause: false });
    expect(afterPoll({ state: 'pending' }, saved, new Date('2026-11-28T00:00:00Z'))).toMatchObject({
      reason: 'expired',
    });
  });

  it('tells a refused token from an unreachable fleet', () => {
    expect(classifyFailure(new GatecastError('ENROLMENT_REFUSED', 'revoked'))).toBe('refused');
    expect(classifyFailure(new GatecastError('UNAUTHORIZED', 'no'))).toBe('refused');
    expect(classifyFailure(new GatecastError('UNAVAILABLE', 'ECONNREFUSED'))).toBe('unreachable');
    expect(classifyFailure(new Error('socket hang up'))).toBe('unreachable');
  });
});
