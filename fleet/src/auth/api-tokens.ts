import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import type { Database } from '../store/database.js';
import { writeFileAtomic } from '../store/atomic-file.js';

export const ADMIN_TOKEN_FILE = 'admin-token';
export const ADMIN_TOKEN_NAME = 'admin';
const TOKEN_PREFIX = 'gct_';

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

/** API bearer tokens. Only their sha256 is stored: a copied database grants no access. */
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
      insert: db.prepare<[string, string, string, string]>(
        'INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)',
      ),
      revoke: db.prepare<[string, string]>(
        'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      list: db.prepare<[], { id: string; name: string; created_at: string; revoked_at: string | null }>(
        'SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY created_at, id',
      ),
    };
  }

  /**
   * First start: creates the admin token, writes it to `${dataDir}/admin-token` (0600, atomic)
   * and returns it once. Later starts return `{ token: null }`. The file is written inside the
   * transaction, so a crash never leaves a stored token whose plain text nobody has.
   */
  ensureAdminToken(dataDir: string): { token: string | null; path: string } {
    const file = path.join(dataDir, ADMIN_TOKEN_FILE);
    return this.db.transaction(() => {
      if (this.stmts.activeByName.get(ADMIN_TOKEN_NAME)) return { token: null, path: file };
      const { token } = this.create(ADMIN_TOKEN_NAME);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileAtomic(file, `${token}\n`, 0o600);
      return { token, path: file };
    })();
  }

  /** A new token; its plain text exists only in the return value. */
  create(name: string): { id: string; token: string } {
    if (!/^[a-z0-9][a-z0-9 _.-]{0,63}$/i.test(name)) {
      throw new GatecastError('BAD_REQUEST', 'token name must be 1-64 letters, digits, " ", "_", "." or "-"');
    }
    const id = `tok_${randomBytes(8).toString('hex')}`;
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    this.stmts.insert.run(id, name, sha256(token).toString('hex'), new Date().toISOString());
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
    return this.stmts.list.all().map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
    }));
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
