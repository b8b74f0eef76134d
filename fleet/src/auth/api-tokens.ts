import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import { sql } from 'kysely';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { Sql } from '../store/sql.js';

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
  constructor(private readonly store: Sql) {}

  /**
   * First start: creates the admin token, writes it to `${dataDir}/admin-token` (0600, atomic)
   * and returns it once. Later starts return `{ token: null }`. The file is written inside the
   * transaction, so a crash never leaves a stored token whose plain text nobody has.
   */
  async ensureAdminToken(dataDir: string): Promise<{ token: string | null; path: string }> {
    const file = this.adminTokenFile(dataDir);
    return this.store.transaction(async (tx) => {
      const active = await tx.one(
        sql`SELECT 1 AS found FROM api_tokens WHERE name = ${ADMIN_TOKEN_NAME} AND revoked_at IS NULL`,
      );
      if (active) return { token: null, path: file };
      const { token } = await new ApiTokens(tx).create(ADMIN_TOKEN_NAME);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileAtomic(file, `${token}\n`, 0o600);
      return { token, path: file };
    });
  }

  adminTokenFile(dataDir: string): string {
    return path.join(dataDir, ADMIN_TOKEN_FILE);
  }

  /** A new token, owned by the user named; its plain text exists only in the return value. */
  async create(name: string, userId: string | null = null): Promise<{ id: string; token: string }> {
    if (!TOKEN_NAME_PATTERN.test(name)) {
      throw new GatecastError('BAD_REQUEST', `token name ${TOKEN_NAME_RULE}`);
    }
    const id = `tok_${randomBytes(8).toString('hex')}`;
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.store.run(
      sql`INSERT INTO api_tokens (id, name, token_hash, created_at, user_id)
          VALUES (${id}, ${name}, ${sha256(token).toString('hex')}, ${new Date().toISOString()}, ${userId})`,
    );
    return { id, token };
  }

  /** Compares against every active token in constant time, without stopping at a match. */
  async verify(token: string): Promise<{ id: string; name: string } | undefined> {
    const given = sha256(token);
    let match: { id: string; name: string } | undefined;
    const rows = await this.store.all<TokenRow>(
      sql`SELECT id, name, token_hash FROM api_tokens WHERE revoked_at IS NULL`,
    );
    for (const row of rows) {
      const stored = Buffer.from(row.token_hash, 'hex');
      if (stored.length === given.length && timingSafeEqual(stored, given) && !match) {
        match = { id: row.id, name: row.name };
      }
    }
    return match;
  }

  /** False when there is no such active token. */
  async revoke(id: string): Promise<boolean> {
    const changed = await this.store.run(
      sql`UPDATE api_tokens SET revoked_at = ${new Date().toISOString()} WHERE id = ${id} AND revoked_at IS NULL`,
    );
    return changed > 0;
  }

  async list(): Promise<ApiTokenInfo[]> {
    const rows = await this.store.all<InfoRow>(
      sql`SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY created_at, id`,
    );
    return rows.map(toInfo);
  }

  /**
   * The owner of an active token, for the HTTP API: tokens without an owner sign nobody in. The
   * lookup goes through the unique index on the hash; the sha256 of a random token gives a timing
   * observer nothing to work with.
   */
  async identify(token: string): Promise<{ tokenId: string; name: string; userId: string } | undefined> {
    const row = await this.store.one<{ id: string; name: string; user_id: string }>(
      sql`SELECT id, name, user_id FROM api_tokens
          WHERE token_hash = ${sha256(token).toString('hex')} AND revoked_at IS NULL AND user_id IS NOT NULL`,
    );
    return row && { tokenId: row.id, name: row.name, userId: row.user_id };
  }

  /** Gives the active, ownerless tokens of that name (the foundation's admin token) an owner. */
  async adopt(name: string, userId: string): Promise<number> {
    return this.store.run(
      sql`UPDATE api_tokens SET user_id = ${userId}
          WHERE name = ${name} AND user_id IS NULL AND revoked_at IS NULL`,
    );
  }

  async listOf(userId: string): Promise<ApiTokenInfo[]> {
    const rows = await this.store.all<InfoRow>(
      sql`SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = ${userId}
          ORDER BY created_at, id`,
    );
    return rows.map(toInfo);
  }

  async get(id: string): Promise<(ApiTokenInfo & { userId: string | null }) | undefined> {
    const row = await this.store.one<InfoRow & { user_id: string | null }>(
      sql`SELECT id, name, created_at, revoked_at, user_id FROM api_tokens WHERE id = ${id}`,
    );
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
