import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, ApiTokens } from '../../../src/auth/api-tokens.js';
import { openDatabase } from '../../../src/store/database.js';
import { openTempStore, silentLogger } from '../store/temp-store.js';

describe('ApiTokens', () => {
  let store: ReturnType<typeof openTempStore>;
  let tokens: ApiTokens;

  beforeEach(() => {
    store = openTempStore();
    tokens = new ApiTokens(store.db);
  });
  afterEach(() => store.close());

  it('creates the admin token once, writes it 0600 atomically, and returns null on later starts', () => {
    const first = tokens.ensureAdminToken(store.dir);
    expect(first.path).toBe(path.join(store.dir, ADMIN_TOKEN_FILE));
    expect(first.token).toMatch(/^gct_[A-Za-z0-9_-]{43}$/);
    expect(fs.readFileSync(first.path, 'utf8').trim()).toBe(first.token);
    expect(fs.statSync(first.path).mode & 0o777).toBe(0o600);
    expect(fs.statSync(store.dir).mode & 0o777).toBe(0o700);
    // No temp file left beside it.
    expect(fs.readdirSync(store.dir).filter((name) => name.includes('admin-token'))).toEqual([
      ADMIN_TOKEN_FILE,
    ]);

    expect(tokens.ensureAdminToken(store.dir)).toEqual({ token: null, path: first.path });
    expect(fs.readFileSync(first.path, 'utf8').trim()).toBe(first.token);
  });

  it('returns null after a restart too: the token lives in the database, not in memory', () => {
    const { token } = tokens.ensureAdminToken(store.dir);
    store.db.close();
    const reopened = openDatabase(store.dir, silentLogger());
    try {
      const again = new ApiTokens(reopened);
      expect(again.ensureAdminToken(store.dir).token).toBeNull();
      expect(again.verify(token!)).toEqual({ id: expect.stringMatching(/^tok_/), name: 'admin' });
    } finally {
      reopened.close();
    }
  });

  it('stores only the hash of a token', () => {
    const { token } = tokens.ensureAdminToken(store.dir);
    const dump = JSON.stringify(store.db.prepare('SELECT * FROM api_tokens').all());
    expect(dump).not.toContain(token!);
    expect(dump).not.toContain(token!.slice(4));
  });

  it('verifies the right token and refuses wrong, altered, empty and revoked ones', () => {
    const { token } = tokens.ensureAdminToken(store.dir);
    const admin = tokens.verify(token!);
    expect(admin).toEqual({ id: expect.stringMatching(/^tok_[0-9a-f]{16}$/), name: 'admin' });
    expect(tokens.verify(`${token!.slice(0, -1)}${token!.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(tokens.verify(`${token}x`)).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
    expect(tokens.verify('gct_not-a-real-token')).toBeUndefined();

    const ci = tokens.create('ci deploy');
    expect(tokens.verify(ci.token)).toEqual({ id: ci.id, name: 'ci deploy' });
    expect(tokens.revoke(ci.id)).toBe(true);
    expect(tokens.revoke(ci.id)).toBe(false);
    expect(tokens.verify(ci.token)).toBeUndefined();
    expect(tokens.verify(token!)).toEqual(admin);
    expect(tokens.list().map((info) => [info.name, info.revokedAt !== null])).toEqual([
      ['admin', false],
      ['ci deploy', true],
    ]);
  });

  it('creates a new admin token when the old one was revoked, replacing the file', () => {
    const first = tokens.ensureAdminToken(store.dir);
    tokens.revoke(tokens.verify(first.token!)!.id);
    const second = tokens.ensureAdminToken(store.dir);
    expect(second.token).toMatch(/^gct_/);
    expect(second.token).not.toBe(first.token);
    expect(fs.readFileSync(second.path, 'utf8').trim()).toBe(second.token);
    expect(fs.statSync(second.path).mode & 0o777).toBe(0o600);
  });

  it('stores no token when the file cannot be written', () => {
    const blocked = path.join(store.dir, 'blocked');
    fs.mkdirSync(blocked);
    fs.mkdirSync(path.join(blocked, ADMIN_TOKEN_FILE)); // a directory where the file should go
    expect(() => tokens.ensureAdminToken(blocked)).toThrow();
    expect(tokens.list()).toEqual([]);
    expect(fs.readdirSync(blocked)).toEqual([ADMIN_TOKEN_FILE]);
  });
});
