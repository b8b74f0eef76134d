import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import type { Database } from '../store/database.js';
import { writeFileAtomic } from '../store/atomic-file.js';

export const ADMIN_TOKEN_FILE = 'admin-token';
export const ADMIN_TOKEN_NAME = 'admin';
const TOKEN_PREFIX = 'gct_';
/** A label such as "ci deploy" or "cli@ops-laptop". */
export const TOKEN_NAME_PATTERN = /^[a-z0-9][a-z0-9 _.@-]{0,63}$/i;
export const TOKEN_NAME_RULE = 'must be 1-64 letters, digits, " ", "_", ".", "@" or "-"';

interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** API bearer tokens, each owned by a user. Only their sha256 is stored: a copied database grants no access. */
export class ApiTokens {
  private readonly db: Database;
  private readonly stmts;

  constructor(db: Database) {
    this.db = db;
    this.stmts = {
      active: db.prepare<[], TokenRow>(
        'SELECT id, name, token_hash FROM api_tokens WHERE revoked_at IS NULL',
      ),
      activeByName: db
        .prepare<[string], 1>('SELECT 1 FROM api_tokens WHERE name = ? AND revoked_at IS NULL')
        .pluck(),
      insert: db.prepare<[string, string, string, string, string | null]>(
        'INSERT INTO api_tokens (id, name, token_hash, created_at, user_id) VALUES (?, ?, ?, ?, ?)',
      ),
      revoke: db.prepare<[string, string]>(
        'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      list: db.prepare<[], InfoRow>(
        'SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY created_at, id',
      ),
      listOf: db.prepare<[string], InfoRow>(
        'SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY created_at, id',
      ),
      get: db.prepare<[string], InfoRow & { user_id: string | null }>(
        'SELECT id, name, created_at, revoked_at, user_id FROM api_tokens WHERE id = ?',
      ),
      owned: db.prepare<[string], { id: string; name: string; user_id: string }>(
        'SELECT id, name, user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND user_id IS NOT NULL',
      ),
      adopt: db.prepare<[string, string]>(
        'UPDATE api_tokens SET user_id = ? WHERE name = ? AND user_id IS NULL AND revoked_at IS NULL',
      ),
    };
  }

  /**
   * First start: creates the admin token, writes it to `${dataDir}/admin-token` (0600, atomic)
   * and returns it once. Later starts return `{ token: null }`. The file is written inside the
   * transaction, so a crash never leaves a stored token whose plain text nobody has.
   */
  ensureAdminToken(dataDir: string): { token: string | null; path: string } {
    const file = this.adminTokenFile(dataDir);
    return this.db.transaction(() => {
      if (this.stmts.activeByName.get(ADMIN_TOKEN_NAME)) return { token: null, path: file };
      const { token } = this.create(ADMIN_TOKEN_NAME);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileAtomic(file, `${token}\n`, 0o600);
      return { token, path: file };
    })();
  }

  adminTokenFile(dataDir: string): string {
    return path.join(dataDir, ADMIN_TOKEN_FILE);
  }

  /** A new token, owned by the user named; its plain text exists only in the return value. */
  create(name: string, userId: string | null = null): { id: string; token: string } {
    if (!TOKEN_NAME_PATTERN.test(name)) {
      throw new GatecastError('BAD_REQUEST', `token name ${TOKEN_NAME_RULE}`);
    }
    const id = `tok_${randomBytes(8).toString('hex')}`;
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    this.stmts.insert.run(id, name, sha256(token).toString('hex'), new Date().toISOString(), userId);
    return { id, token };
  }

  /** Compares against every active token in constant time, without stopping at a match. */
  verify(token: string): { id: string; name: string } | undefined {
    const given = sha256(token);
    let match: { id: string; name: string } | undefined;
    for (const row of this.stmts.active.all()) {
      const stored = Buffer.from(row.token_hash, 'hex');
      if (stored.length === given.length && timingSafeEqual(stored, given) && !match) {
        match = { id: row.id, name: row.name };
      }
    }
    return match;
  }

  /** False when there is no such active token. */
  revoke(id: string): boolean {
    return this.stmts.revoke.run(new Date().toISOString(), id).changes > 0;
  }

  list(): ApiTokenInfo[] {
    return this.stmts.list.all().map(toInfo);
  }

  /**
   * The owner of an active token, for the HTTP API: tokens without an owner sign nobody in. The
   * lookup goes through the unique index on the hash; the sha256 of a random token gives a timing
   * observer nothing to work with.
   */
  identify(token: string): { tokenId: string; name: string; userId: string } | undefined {
    const row = this.stmts.owned.get(sha256(token).toString('hex'));
    return row && { tokenId: row.id, name: row.name, userId: row.user_id };
  }

  /** Gives the active, ownerless tokens of that name (the foundation's admin token) an owner. */
  adopt(name: string, userId: string): number {
    return this.stmts.adopt.run(userId, name).changes;
  }

  listOf(userId: string): ApiTokenInfo[] {
    return this.stmts.listOf.all(userId).map(toInfo);
  }

  get(id: string): (ApiTokenInfo & { userId: string | null }) | undefined {
    const row = this.stmts.get.get(id);
    return row && { ...toInfo(row), userId: row.user_id };
  }
}

interface InfoRow {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

function toInfo(row: InfoRow): ApiTokenInfo {
  return { id: row.id, name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
