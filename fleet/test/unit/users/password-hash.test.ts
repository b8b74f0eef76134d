import { describe, expect, it } from 'vitest';
import {
  generateOneTimePassword,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  parsePasswordHash,
  verifyPassword,
} from '../../../src/users/password-hash.js';

const PASSWORD = 'Cảng Hải Phòng 2025!';

describe('password hashing (scrypt)', () => {
  it('stores scrypt$32768$8$1$<salt>$<hash> with a 16-byte salt, never the password', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/=]{44}$/);
    expect(parsePasswordHash(stored)?.salt).toHaveLength(16);
    expect(stored).not.toContain(PASSWORD);
  });

  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('Cảng Hải Phòng 2025?', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
    // The same text typed in decomposed form (as some keyboards send it) is the same password.
    expect(await verifyPassword(PASSWORD.normalize('NFD'), stored)).toBe(true);
  });

  it('salts each hash differently, so equal passwords do not look equal', async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
    expect(parsePasswordHash(a)?.salt.equals(parsePasswordHash(b)?.salt as Buffer)).toBe(false);
    expect(await verifyPassword(PASSWORD, b)).toBe(true);
  });

  it.each([
    '',
    'plain-text-password',
    'bcrypt$10$abc',
    'scrypt$32768$8$1$c2FsdA==',
    'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g=',
    `scrypt$${2 ** 24}$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g=`,
    'scrypt$32768$999$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g=',
  ])('never verifies against a malformed or oversized stored value %j', async (stored) => {
    expect(parsePasswordHash(stored)).toBeUndefined();
    expect(await verifyPassword(PASSWORD, stored)).toBe(false);
  });

  it('generates one-time passwords long enough for the minimum, without look-alike characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const password = generateOneTimePassword();
      expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
      expect(password.length).toBeGreaterThanOrEqual(MIN_PASSWORD_LENGTH);
      seen.add(password);
    }
    expect(seen.size).toBe(50);
  });
});
