import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import {
  activationWindow,
  gatesOf,
  normaliseTargets,
  stateOf,
  targetsScreen,
} from '../../../src/announcements/announcement-model.js';

const NOW = new Date('2026-11-26T02:00:00.000Z');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof GatecastError ? error.code : 'not a GatecastError';
  }
  return undefined;
}

describe('announcement state by the clock', () => {
  const active = {
    status: 'active' as const,
    startsAt: '2026-11-26T02:00:00.000Z',
    expiresAt: '2026-11-26T03:00:00.000Z',
  };

  it('is scheduled before its start, live until its expiry, expired from then', () => {
    expect(stateOf(active, new Date('2026-11-26T01:59:59.999Z'))).toBe('scheduled');
    expect(stateOf(active, NOW)).toBe('live');
    expect(stateOf(active, new Date('2026-11-26T02:59:59.999Z'))).toBe('live');
    expect(stateOf(active, new Date('2026-11-26T03:00:00.000Z'))).toBe('expired');
  });

  it('keeps the stored state when it is not active', () => {
    for (const status of ['awaiting-approval', 'rejected', 'cancelled'] as const) {
      expect(stateOf({ ...active, status }, NOW)).toBe(status);
    }
  });
});

describe('go-live and expiry', () => {
  it('starts now and runs an hour by default; a past start means now', () => {
    expect(activationWindow({}, NOW)).toEqual({
      startsAt: '2026-11-26T02:00:00.000Z',
      expiresAt: '2026-11-26T03:00:00.000Z',
    });
    expect(activationWindow({ startAt: '2026-11-26T01:00:00Z', durationSec: 600 }, NOW)).toEqual({
      startsAt: '2026-11-26T02:00:00.000Z',
      expiresAt: '2026-11-26T02:10:00.000Z',
    });
  });

  it('takes a later start and an explicit expiry', () => {
    expect(
      activationWindow({ startAt: '2026-11-26T10:00:00+07:00', expiresAt: '2026-11-26T11:30:00+07:00' }, NOW),
    ).toEqual({
      startsAt: '2026-11-26T03:00:00.000Z',
      expiresAt: '2026-11-26T04:30:00.000Z',
    });
  });

  it('refuses what cannot be meant', () => {
    expect(codeOf(() => activationWindow({ durationSec: 30 }, NOW))).toBe('BAD_REQUEST');
    expect(codeOf(() => activationWindow({ durationSec: 8 * 86_400 }, NOW))).toBe('BAD_REQUEST');
    expect(codeOf(() => activationWindow({ expiresAt: '2026-11-26T01:00:00Z' }, NOW))).toBe('BAD_REQUEST');
    expect(codeOf(() => activationWindow({ expiresAt: '2026-11-26T05:00:00Z', durationSec: 60 }, NOW))).toBe(
      'BAD_REQUEST',
    );
    expect(codeOf(() => activationWindow({ startAt: '2027-01-26T00:00:00Z' }, NOW))).toBe('BAD_REQUEST');
    expect(
      codeOf(() =>
        activationWindow({ startAt: '2026-11-26T04:00:00Z', expiresAt: '2026-11-26T03:00:00Z' }, NOW),
      ),
    ).toBe('BAD_REQUEST');
  });

  it('an approval that comes after the requested expiry is a conflict, not a silent no-op', () => {
    // Requested while the expiry lay ahead; approved too late.
    const late = new Date('2026-11-26T04:00:00Z');
    expect(
      codeOf(() => activationWindow({ startAt: '2026-11-26T02:00:00Z', durationSec: 600 }, late)),
    ).toBeUndefined();
    expect(() => activationWindow({ expiresAt: '2026-11-26T03:00:00Z' }, late)).toThrow(/already past/);
  });
});

describe('targets', () => {
  it('normalises: all wins, duplicates go, a zone inside a targeted gate adds nothing', () => {
    expect(normaliseTargets({ all: true, gates: ['a'] })).toEqual({ all: true });
    expect(
      normaliseTargets({
        gates: ['b', 'a', 'b'],
        zones: [
          { gateId: 'a', zoneId: 'hall' },
          { gateId: 'c', zoneId: 'hall' },
          { gateId: 'c', zoneId: 'hall' },
        ],
      }),
    ).toEqual({ gates: ['a', 'b'], zones: [{ gateId: 'c', zoneId: 'hall' }] });
  });

  it('matches screens by gate or by zone', () => {
    const targets = { gates: ['port'], zones: [{ gateId: 'cat-bi', zoneId: 'arrivals' }] };
    expect(targetsScreen(targets, { gateId: 'port', zoneId: 'anything' })).toBe(true);
    expect(targetsScreen(targets, { gateId: 'cat-bi', zoneId: 'arrivals' })).toBe(true);
    expect(targetsScreen(targets, { gateId: 'cat-bi', zoneId: 'departures' })).toBe(false);
    expect(targetsScreen({ all: true }, { gateId: 'x', zoneId: 'y' })).toBe(true);
  });

  it('names the gates to authorise against; null for all of them', () => {
    expect(gatesOf({ all: true })).toBeNull();
    expect(
      gatesOf({
        gates: ['port'],
        zones: [
          { gateId: 'cat-bi', zoneId: 'x' },
          { gateId: 'port', zoneId: 'y' },
        ],
      }),
    ).toEqual(['cat-bi', 'port']);
  });
});
