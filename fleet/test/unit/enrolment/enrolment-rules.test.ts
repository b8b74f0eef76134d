import { pairingCodeSchema } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { normalisePairingCode } from '../../../src/enrolment/enrolment-api.js';
import {
  PAIRING_ALPHABET,
  freshPairingCode,
  generatePairingCode,
  hashToken,
  newEnrolmentToken,
  requestState,
  tokenAdmits,
  tokenState,
} from '../../../src/enrolment/enrolment-rules.js';

const NOW = new Date('2026-11-26T08:00:00.000Z');

describe('pairing codes', () => {
  it('uses only the protocol alphabet, without look-alikes', () => {
    expect(PAIRING_ALPHABET).not.toMatch(/[01OIL]/);
    for (let i = 0; i < 500; i++)
      expect(pairingCodeSchema.safeParse(generatePairingCode()).success).toBe(true);
  });

  it('reaches every character of the alphabet', () => {
    const seen = new Set(Array.from({ length: 400 }, () => generatePairingCode().replace('-', '')).join(''));
    expect([...seen].sort().join('')).toBe([...PAIRING_ALPHABET].sort().join(''));
  });

  it('builds the code from the picks it is given', () => {
    let i = 0;
    expect(generatePairingCode(() => i++ % PAIRING_ALPHABET.length)).toBe('ABCD-EFGH');
  });

  it('skips codes in use and gives up only when every try collides', async () => {
    const codes = ['AAAA-AAAA', 'BBBB-BBBB'];
    expect(
      await freshPairingCode(
        (code) => code === 'AAAA-AAAA',
        () => codes.shift()!,
      ),
    ).toBe('BBBB-BBBB');
    expect(
      await freshPairingCode(
        () => true,
        () => 'CCCC-CCCC',
      ),
    ).toBeNull();
  });

  it('accepts what a person types: lower case, no dash, spaces', () => {
    expect(normalisePairingCode('k7mq42xv')).toBe('K7MQ-42XV');
    expect(normalisePairingCode('K7MQ 42XV')).toBe('K7MQ-42XV');
    expect(normalisePairingCode('short')).toBe('short');
  });
});

describe('enrolment tokens', () => {
  it('look like the protocol says and are stored as a hash of the whole token', () => {
    const token = newEnrolmentToken();
    expect(token).toMatch(/^gce_[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toBe(hashToken(newEnrolmentToken()));
  });

  it('admit screens until they expire or are revoked', () => {
    const active = { expiresAt: '2026-11-26T09:00:00.000Z', revokedAt: null };
    expect(tokenState(active, NOW)).toBe('active');
    expect(tokenAdmits(active, NOW)).toBe(true);
    expect(tokenState(active, new Date('2026-11-26T09:00:00.000Z'))).toBe('expired');
    const revoked = { ...active, revokedAt: '2026-11-26T07:00:00.000Z' };
    expect(tokenState(revoked, NOW)).toBe('revoked');
    expect(tokenAdmits(revoked, NOW)).toBe(false);
    expect(tokenAdmits(undefined, NOW)).toBe(false);
  });
});

describe('request state', () => {
  it('expires a pending request past its time, and only a pending one', () => {
    const expiresAt = '2026-11-26T07:59:59.000Z';
    expect(requestState({ state: 'pending', expiresAt }, NOW)).toBe('expired');
    expect(requestState({ state: 'pending', expiresAt: '2026-11-27T00:00:00.000Z' }, NOW)).toBe('pending');
    expect(requestState({ state: 'approved', expiresAt }, NOW)).toBe('approved');
  });
});
