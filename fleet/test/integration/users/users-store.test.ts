import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, ApiTokens } from '../../../src/auth/api-tokens.js';
import { openDatabase } from '../../../src/store/database.js';
import { migrate } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { ensureFirstAdmin } from '../../../src/users/first-admin.js';
import { verifyPassword } from '../../../src/users/password-hash.js';
import { SessionStore, SESSION_IDLE_MS } from '../../../src/users/sessions.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { makeTempDir, openTempStore, removeDir, silentLogger } from '../store/temp-store.js';

const NOW = new Date('2025-03-01T08:00:00.000Z');
const HASH = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

describe('users, grants and sessions in the store', () => {
  let store: ReturnType<typeof openTempStore>;
  let users: UsersRepo;
  let sessions: SessionStore;
  let tokens: ApiTokens;

  beforeEach(() => {
    store = openTempStore();
    users = new UsersRepo(store.db);
    sessions = new SessionStore(store.db);
    tokens = new ApiTokens(store.db);
  });
  afterEach(() => store.close());

  const create = (username: string) =>
    users.create({
      username,
      displayName: username,
      passwordHash: HASH,
      mustChangePassword: false,
      grants: [],
    });

  it('creates users with grants, refuses a taken or malformed username', () => {
    const lan = users.create({
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
    expect(users.get('lan.nguyen')).toEqual(lan);
    expect(users.passwordHash(lan.id)).toBe(HASH);
    expect(() => create('lan.nguyen')).toThrow(/already exists/);
    for (const bad of ['LAN', 'la', 'lan nguyen', 'lan/ng', 'x'.repeat(65)]) {
      expect(() => create(bad)).toThrow(/username must be/);
    }
  });

  it('keeps one copy of a grant, including fleet-wide ones (NULL gate)', () => {
    const user = create('duc.tran');
    users.addGrant(user.id, { role: 'viewer', gateId: null });
    users.addGrant(user.id, { role: 'viewer', gateId: null });
    users.addGrant(user.id, { role: 'technician', gateId: 'hai-phong-port' });
    users.addGrant(user.id, { role: 'technician', gateId: 'hai-phong-port' });
    expect(users.getById(user.id)?.grants).toHaveLength(2);
    expect(users.revokeGrant(user.id, { role: 'viewer', gateId: null })).toBe(true);
    expect(users.revokeGrant(user.id, { role: 'viewer', gateId: null })).toBe(false);
    expect(users.getById(user.id)?.grants).toEqual([{ role: 'technician', gateId: 'hai-phong-port' }]);
  });

  it('refuses an unknown role at the schema level', () => {
    const user = create('duc.tran');
    const insert = store.db.prepare(
      "INSERT INTO user_grants (user_id, role, gate_id) VALUES (?, 'root', NULL)",
    );
    expect(() => insert.run(user.id)).toThrow(/CHECK constraint/);
  });

  it('counts failed sign-ins atomically and clears them with a new password', () => {
    const user = create('duc.tran');
    const counts = Array.from({ length: 3 }, () => users.countLoginFailure(user.id, () => null));
    expect(counts).toEqual([1, 2, 3]);
    users.countLoginFailure(user.id, () => '2025-03-01T08:15:00.000Z');
    expect(users.getById(user.id)).toMatchObject({
      failedLogins: 4,
      lockedUntil: '2025-03-01T08:15:00.000Z',
    });
    users.setPassword(user.id, HASH, true);
    expect(users.getById(user.id)).toMatchObject({
      failedLogins: 0,
      lockedUntil: null,
      mustChangePassword: true,
    });
  });

  it('ends sessions and tokens with their user', () => {
    const user = create('duc.tran');
    const other = create('mai.le');
    sessions.create(user.id, NOW);
    const kept = sessions.create(other.id, NOW);
    const { token } = tokens.create('laptop', user.id);
    expect(tokens.identify(token)).toMatchObject({ userId: user.id, name: 'laptop' });
    expect(users.remove(user.id)).toBe(true);
    expect(users.remove(user.id)).toBe(false);
    expect(tokens.identify(token)).toBeUndefined();
    expect(tokens.list()).toEqual([]);
    const left = store.db.prepare('SELECT user_id FROM sessions').pluck().all();
    expect(left).toEqual([other.id]);
    expect(sessions.verify(kept.id, NOW)?.userId).toBe(other.id);
  });

  it('stores only the hash of a session id, slides its expiry, and ends it after 12 idle hours', () => {
    const user = create('duc.tran');
    const { id, session } = sessions.create(user.id, NOW);
    expect(JSON.stringify(store.db.prepare('SELECT * FROM sessions').all())).not.toContain(id);
    expect(session.expiresAt).toBe(new Date(NOW.getTime() + SESSION_IDLE_MS).toISOString());
    const later = new Date(NOW.getTime() + SESSION_IDLE_MS - 1000);
    expect(sessions.verify(id, later)?.expiresAt).toBe(
      new Date(later.getTime() + SESSION_IDLE_MS).toISOString(),
    );
    const idle = new Date(later.getTime() + SESSION_IDLE_MS);
    expect(sessions.verify(id, idle)).toBeUndefined();
    expect(sessions.verify(id, NOW)).toBeUndefined();
    expect(sessions.verify('', NOW)).toBeUndefined();
    expect(sessions.verify('x'.repeat(500), NOW)).toBeUndefined();
  });

  it('ends all sessions of a user but the one kept', () => {
    const user = create('duc.tran');
    const a = sessions.create(user.id, NOW);
    const b = sessions.create(user.id, NOW);
    expect(sessions.removeOfUser(user.id, a.session.idHash)).toBe(1);
    expect(sessions.verify(a.id, NOW)).toBeDefined();
    expect(sessions.verify(b.id, NOW)).toBeUndefined();
  });
});

describe('the first administrator', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('is created once, with a one-time password to change, owning the new admin token', async () => {
    const dataDir = path.join(dir, 'data');
    const db = openDatabase(dataDir, silentLogger());
    const users = new UsersRepo(db);
    const tokens = new ApiTokens(db);
    try {
      const first = await ensureFirstAdmin({ db, users, tokens }, dataDir);
      expect(first.password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
      expect(first.token).toMatch(/^gct_/);
      expect(fs.readFileSync(first.tokenFile, 'utf8').trim()).toBe(first.token);
      const admin = users.get('admin');
      expect(admin).toMatchObject({
        displayName: 'Administrator',
        mustChangePassword: true,
        grants: [{ role: 'admin', gateId: null }],
      });
      expect(await verifyPassword(first.password as string, users.passwordHash(admin!.id) as string)).toBe(
        true,
      );
      expect(tokens.identify(first.token as string)?.userId).toBe(admin!.id);

      const second = await ensureFirstAdmin({ db, users, tokens }, dataDir);
      expect(second).toEqual({ password: null, token: null, tokenFile: first.tokenFile });
      expect(users.count()).toBe(1);
      expect(tokens.list()).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('adopts the admin token of a foundation-era data dir (a token, no users) without replacing it', async () => {
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

    const db = openDatabase(dataDir, silentLogger());
    try {
      const users = new UsersRepo(db);
      const tokens = new ApiTokens(db);
      const first = await ensureFirstAdmin({ db, users, tokens }, dataDir);
      expect(first.password).not.toBeNull();
      expect(first.token).toBeNull();
      expect(fs.readFileSync(first.tokenFile, 'utf8').trim()).toBe(legacy);
      expect(tokens.identify(legacy)).toEqual({
        tokenId: 'tok_00',
        name: 'admin',
        userId: users.get('admin')?.id,
      });
    } finally {
      db.close();
    }
  });
});
