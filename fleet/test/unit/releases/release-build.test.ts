import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXPIRES_IN_DAYS,
  parseExpiresInDays,
  releaseManifestOf,
} from '../../../src/releases/release-build.js';

const DAY_MS = 86_400_000;
const BUILT_AT = new Date('2026-11-26T03:00:00.000Z');
const input = {
  version: '1.5.0',
  minPreviousVersion: null,
  rollback: false,
  notes: '',
  now: () => BUILT_AT,
};
const manifestOf = (expiresInDays?: number) =>
  releaseManifestOf(
    expiresInDays === undefined ? input : { ...input, expiresInDays },
    'gatecast-agent-1.5.0.tgz',
    'a'.repeat(64),
    1000,
  );

describe('release build: the manifest expiry', () => {
  it('signs expiresAt a year after createdAt by default', () => {
    expect(DEFAULT_EXPIRES_IN_DAYS).toBe(365);
    const manifest = manifestOf();
    expect(manifest.createdAt).toBe('2026-11-26T03:00:00.000Z');
    expect(manifest.expiresAt).toBe('2027-11-26T03:00:00.000Z');
  });

  it.each([1, 30, 3650])('signs expiresAt %i days after createdAt when asked', (days) => {
    const manifest = manifestOf(days);
    expect(Date.parse(manifest.expiresAt) - Date.parse(manifest.createdAt)).toBe(days * DAY_MS);
  });

  it.each([0, -1, 3651, 1.5, Number.NaN])('refuses %s days as BAD_REQUEST', (days) => {
    expect(() => manifestOf(days)).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        message: '--expires-in-days must be a whole number of days from 1 to 3650',
      }),
    );
  });

  it('reads the option as whole days only', () => {
    expect(parseExpiresInDays('90')).toBe(90);
    expect(parseExpiresInDays(' 3650 ')).toBe(3650);
    for (const text of ['', '0', '3651', '1.5', '1e3', '-5', 'ninety', '0x10']) {
      expect(() => parseExpiresInDays(text), text).toThrow(/from 1 to 3650/);
    }
  });
});
