import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, ApiTokens } from '../../../src/auth/api-tokens.js';
import { openStore } from '../../../src/store/open-store.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { makeTempDir, removeDir, silentLogger } from '../store/temp-store.js';

describe.each(STORE_DIALECTS)('ApiTokens (%s)', (dialect) => {
  let store: TestStore;
  let tokens: ApiTokens;
  // Where the admin-token file goes: a data dir of its own, whichever store holds the tokens.
  let dir: string;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    tokens = new ApiTokens(store.sql);
    dir = path.join(makeTempDir(), 'data');
  });
  afterEach(async () => {
    await store?.dispose();
    if (dir) removeDir(path.dirname(dir));
  });

  it('creates the admin token once, writes it 0600 atomically, and returns null on later starts', async () => {
    const first = await tokens.ensureAdminToken(dir);
    expect(first.path).toBe(path.join(dir, ADMIN_TOKEN_FILE));
    expect(first.token).toMatch(/^gct_[A-Za-z0-9_-]{43}$/);
    expect(fs.readFileSync(first.path, 'utf8').trim()).toBe(first.token);
    expect(fs.statSync(first.path).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    // No temp file left beside it.
    expect(fs.readdirSync(dir).filter((name) => name.includes('admin-token'))).toEqual([ADMIN_TOKEN_FILE]);

    expect(await tokens.ensureAdminToken(dir)).toEqual({ token: null, path: first.path });
    expect(fs.readFileSync(first.path, 'utf8').trim()).toBe(first.token);
  });

  it('returns null after a restart too: the token lives in the database, not in memory', async () => {
    const { token } = await tokens.ensureAdminToken(dir);
    // A second opening of the same store, as the next start (or another fleet process) makes.
    const reopened = await openStore({ ...store.location, log: silentLogger() });
    try {
      const again = new ApiTokens(reopened.sql);
      expect((await again.ensureAdminToken(dir)).token).toBeNull();
      expect(await again.verify(token!)).toEqual({ id: expect.stringMatching(/^tok_/), name: 'admin' });
    } finally {
      await reopened.close();
    }
  });

  it('stores only the hash of a token', async () => {
    const { token } = await tokens.ensureAdminToken(dir);
    const dump = JSON.stringify(await store.sql.all(sql`SELECT * FROM api_tokens`));
    expect(dump).not.toContain(token!);
    expect(dump).not.toContain(token!.slice(4));
  });

  it('verifies the right token and refuses wrong, altered, empty and revoked ones', async () => {
    const { token } = await tokens.ensureAdminToken(dir);
    const admin = await tokens.verify(token!);
    expect(admin).toEqual({ id: expect.stringMatching(/^tok_[0-9a-f]{16}$/), name: 'admin' });
    expect(await tokens.verify(`${token!.slice(0, -1)}${token!.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(await tokens.verify(`${token}x`)).toBeUndefined();
    expect(await tokens.verify('')).toBeUndefined();
    expect(await tokens.verify('gct_not-a-real-token')).toBeUndefined();

    const ci = await tokens.create('ci deploy');
    expect(await tokens.verify(ci.token)).toEqual({ id: ci.id, name: 'ci deploy' });
    expect(await tokens.revoke(ci.id)).toBe(true);
    expect(await tokens.revoke(ci.id)).toBe(false);
    expect(await tokens.verify(ci.token)).toBeUndefined();
    expect(await tokens.verify(token!)).toEqual(admin);
    expect((await tokens.list()).map((info) => [info.name, info.revokedAt !== null])).toEqual([
      ['admin', false],
      ['ci deploy', true],
    ]);
  });

  it('creates a new admin token when the old one was revoked, replacing the file', async () => {
    const first = await tokens.ensureAdminToken(dir);
    await tokens.revoke((await tokens.verify(first.token!))!.id);
    const second = await tokens.ensureAdminToken(dir);
    expect(second.token).toMatch(/^gct_/);
    expect(second.token).not.toBe(first.token);
    expect(fs.readFileSync(second.path, 'utf8').trim()).toBe(second.token);
    expect(fs.statSync(second.path).mode & 0o777).toBe(0o600);
  });

  it('stores no token when the file cannot be written', async () => {
    const blocked = path.join(dir, 'blocked');
    fs.mkdirSync(blocked, { recursive: true });
    fs.mkdirSync(path.join(blocked, ADMIN_TOKEN_FILE)); // a directory where the file should go
    await expect(tokens.ensureAdminToken(blocked)).rejects.toThrow();
    expect(await tokens.list()).toEqual([]);
    expect(fs.readdirSync(blocked)).toEqual([ADMIN_TOKEN_FILE]);
  });
});
