import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, ApiTokens } from '../../../src/auth/api-tokens.js';
import { migrate } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { openStore } from '../../../src/store/open-store.js';
import { ensureFirstAdmin } from '../../../src/users/first-admin.js';
import { verifyPassword } from '../../../src/users/password-hash.js';
import { SessionStore, SESSION_IDLE_MS } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { makeTempDir, removeDir, silentLogger } from '../store/temp-store.js';

const NOW = new Date('2025-03-01T08:00:00.000Z');
const HASH = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

describe.each(STORE_DIALECTS)('users, grants and sessions in the store (%s)', (dialect) => {
  let store: TestStore;
  let users: UsersRepo;
  let sessions: SessionStore;
  let tokens: ApiTokens;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    users = new UsersRepo(store.sql);
    sessions = new SessionStore(store.sql);
    tokens = new ApiTokens(store.sql);
  });
  afterEach(async () => {
    await store?.dispose();
  });

  const create = (username: string) =>
    users.create({
      username,
      displayName: username,
      passwordHash: HASH,
      mustChangePassword: false,
      grants: [],
    });

  it('creates users with grants, refuses a taken or malformed username', async () => {
    const lan = await users.create({
      username: 'lan.nguyen',
      displayName: 'Nguyễn Thị Lan',
      passwordHash: HASH,
      mustChangePassword: true,
      grants: [
        { role: 'operator', gateId: 'cat-bi-airport' },
        { role: 'viewer', gateId: null },
      ],
    });
    expect(lan).toMatchObject({
      id: expect.stringMatching(/^usr_[0-9a-f]{16}$/),
      username: 'lan.nguyen',
      displayName: 'Nguyễn Thị Lan',
      mustChangePassword: true,
      failedLogins: 0,
      lockedUntil: null,
      grants: [
        { role: 'viewer', gateId: null },
        { role: 'operator', gateId: 'cat-bi-airport' },
      ],
    });
    expect(await users.get('lan.nguyen')).toEqual(lan);
    expect(await users.passwordHash(lan.id)).toBe(HASH);
    await expect(create('lan.nguyen')).rejects.toThrow(/already exists/);
    for (const bad of ['LAN', 'la', 'lan nguyen', 'lan/ng', 'x'.repeat(65)]) {
      await expect(create(bad)).rejects.toThrow(/username must be/);
    }
  });

  it('keeps one copy of a grant, including fleet-wide ones (NULL gate)', async () => {
    const user = await create('duc.tran');
    await users.addGrant(user.id, { role: 'viewer', gateId: null });
    await users.addGrant(user.id, { role: 'viewer', gateId: null });
    await users.addGrant(user.id, { role: 'technician', gateId: 'hai-phong-port' });
    await users.addGrant(user.id, { role: 'technician', gateId: 'hai-phong-port' });
    expect((await users.getById(user.id))?.grants).toHaveLength(2);
    expect(await users.revokeGrant(user.id, { role: 'viewer', gateId: null })).toBe(true);
    expect(await users.revokeGrant(user.id, { role: 'viewer', gateId: null })).toBe(false);
    expect((await users.getById(user.id))?.grants).toEqual([
      { role: 'technician', gateId: 'hai-phong-port' },
    ]);
  });

  it('refuses an unknown role at the schema level', async () => {
    const user = await create('duc.tran');
    await expect(
      store.sql.run(sql`INSERT INTO user_grants (user_id, role, gate_id) VALUES (${user.id}, 'root', NULL)`),
    ).rejects.toThrow(/CHECK constraint|check constraint/);
  });

  it('counts failed sign-ins atomically and clears them with a new password', async () => {
    const user = await create('duc.tran');
    // Three at once: each gets its own count.
    const counts = await Promise.all(
      Array.from({ length: 3 }, () => users.countLoginFailure(user.id, () => null)),
    );
    expect(counts.sort()).toEqual([1, 2, 3]);
    await users.countLoginFailure(user.id, () => '2025-03-01T08:15:00.000Z');
    expect(await users.getById(user.id)).toMatchObject({
      failedLogins: 4,
      lockedUntil: '2025-03-01T08:15:00.000Z',
    });
    await users.setPassword(user.id, HASH, true);
    expect(await users.getById(user.id)).toMatchObject({
      failedLogins: 0,
      lockedUntil: null,
      mustChangePassword: true,
    });
  });

  it('ends sessions and tokens with their user', async () => {
    const user = await create('duc.tran');
    const other = await create('mai.le');
    await sessions.create(user.id, NOW);
    const kept = await sessions.create(other.id, NOW);
    const { token } = await tokens.create('laptop', user.id);
    expect(await tokens.identify(token)).toMatchObject({ userId: user.id, name: 'laptop' });
    expect(await users.remove(user.id)).toBe(true);
    expect(await users.remove(user.id)).toBe(false);
    expect(await tokens.identify(token)).toBeUndefined();
    expect(await tokens.list()).toEqual([]);
    const left = (await store.sql.all<{ user_id: string }>(sql`SELECT user_id FROM sessions`)).map(
      (row) => row.user_id,
    );
    expect(left).toEqual([other.id]);
    expect((await sessions.verify(kept.id, NOW))?.userId).toBe(other.id);
  });

  it('stores only the hash of a session id, slides its expiry, and ends it after 12 idle hours', async () => {
    const user = await create('duc.tran');
    const { id, session } = await sessions.create(user.id, NOW);
    expect(JSON.stringify(await store.sql.all(sql`SELECT * FROM sessions`))).not.toContain(id);
    expect(session.expiresAt).toBe(new Date(NOW.getTime() + SESSION_IDLE_MS).toISOString());
    const later = new Date(NOW.getTime() + SESSION_IDLE_MS - 1000);
    expect((await sessions.verify(id, later))?.expiresAt).toBe(
      new Date(later.getTime() + SESSION_IDLE_MS).toISOString(),
    );
    const idle = new Date(later.getTime() + SESSION_IDLE_MS);
    expect(await sessions.verify(id, idle)).toBeUndefined();
    expect(await sessions.verify(id, NOW)).toBeUndefined();
    expect(await sessions.verify('', NOW)).toBeUndefined();
    expect(await sessions.verify('x'.repeat(500), NOW)).toBeUndefined();
  });

  it('keeps an administrator of all gates when two remove each other at once', async () => {
    const admin = new UserAdmin({ users, sessions });
    const fleetAdmin = async (username: string) =>
      users.create({
        username,
        displayName: username,
        passwordHash: HASH,
        mustChangePassword: false,
        grants: [{ role: 'admin', gateId: null }],
      });
    const [lan, duc] = [await fleetAdmin('lan.nguyen'), await fleetAdmin('duc.tran')];
    const outcomes = await Promise.allSettled([
      admin.remove('lan.nguyen', duc.id),
      admin.remove('duc.tran', lan.id),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String(outcomes.find((outcome) => outcome.status === 'rejected')?.reason)).toMatch(
      /last administrator of all gates/,
    );
    expect(await users.fleetAdminIds()).toHaveLength(1);
  });

  it('ends all sessions of a user but the one kept', async () => {
    const user = await create('duc.tran');
    const a = await sessions.create(user.id, NOW);
    const b = await sessions.create(user.id, NOW);
    expect(await sessions.removeOfUser(user.id, a.session.idHash)).toBe(1);
    expect(await sessions.verify(a.id, NOW)).toBeDefined();
    expect(await sessions.verify(b.id, NOW)).toBeUndefined();
  });
});

describe.each(STORE_DIALECTS)('the first administrator (%s)', (dialect) => {
  let dir: string;
  let store: TestStore;
  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    dir = makeTempDir();
    store = await openTestStore(dialect);
  });
  afterEach(async () => {
    await store?.dispose();
    if (dir) removeDir(dir);
  });

  it('is created once, with a one-time password to change, owning the new admin token', async () => {
    const dataDir = path.join(dir, 'data');
    const users = new UsersRepo(store.sql);
    const tokens = new ApiTokens(store.sql);
    const first = await ensureFirstAdmin(store, dataDir);
    expect(first.password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(first.token).toMatch(/^gct_/);
    expect(fs.readFileSync(first.tokenFile, 'utf8').trim()).toBe(first.token);
    const admin = await users.get('admin');
    expect(admin).toMatchObject({
      displayName: 'Administrator',
      mustChangePassword: true,
      grants: [{ role: 'admin', gateId: null }],
    });
    const hash = await users.passwordHash(admin!.id);
    expect(await verifyPassword(first.password as string, hash as string)).toBe(true);
    expect((await tokens.identify(first.token as string))?.userId).toBe(admin!.id);

    const second = await ensureFirstAdmin(store, dataDir);
    expect(second).toEqual({ password: null, token: null, tokenFile: first.tokenFile });
    expect(await users.count()).toBe(1);
    expect(await tokens.list()).toHaveLength(1);
  });
});

// SQLite only: a foundation-era data dir is a SQLite file; PostgreSQL stores never had one.
describe('the first administrator of a foundation-era data dir', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('adopts its admin token (a token, no users) without replacing it', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const old = new BetterSqlite3(path.join(dataDir, 'gatecast.db'));
    migrate(old, 'gatecast.db', silentLogger(), MIGRATIONS.slice(0, 1));
    const legacy = 'gct_foundation-era-admin-token';
    const { createHash } = await import('node:crypto');
    old
      .prepare("INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES ('tok_00', 'admin', ?, ?)")
      .run(createHash('sha256').update(legacy).digest('hex'), NOW.toISOString());
    old.close();
    fs.writeFileSync(path.join(dataDir, ADMIN_TOKEN_FILE), `${legacy}\n`, { mode: 0o600 });

    const store = await openStore({ dataDir, log: silentLogger() });
    try {
      const users = new UsersRepo(store.sql);
      const tokens = new ApiTokens(store.sql);
      const first = await ensureFirstAdmin(store, dataDir);
      expect(first.password).not.toBeNull();
      expect(first.token).toBeNull();
      expect(fs.readFileSync(first.tokenFile, 'utf8').trim()).toBe(legacy);
      expect(await tokens.identify(legacy)).toEqual({
        tokenId: 'tok_00',
        name: 'admin',
        userId: (await users.get('admin'))?.id,
      });
    } finally {
      await store.close();
    }
  });
});
