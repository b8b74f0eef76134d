import { GatecastError } from '@gatecast/protocol';
import { ADMIN_TOKEN_NAME, ApiTokens } from '../auth/api-tokens.js';
import type { Sql } from '../store/sql.js';
import { generateOneTimePassword, hashPassword } from './password-hash.js';
import { UsersRepo } from './users-repo.js';

export const FIRST_ADMIN_USERNAME = 'admin';
export const FIRST_ADMIN_DISPLAY_NAME = 'Administrator';

export interface FirstAdmin {
  /** The one-time password, only at the start that created the administrator. */
  password: string | null;
  /** The admin API token, only at the start that created it. */
  token: string | null;
  tokenFile: string;
}

/**
 * On a start with no users: creates `admin` (all gates) with a one-time password that must be
 * changed at the first sign-in, and makes the admin token its token: the one a foundation-era data
 * dir already has, or a new one written to `${dataDir}/admin-token`. There is no default password:
 * the only copy of this one is the return value. Later starts create nothing.
 */
export async function ensureFirstAdmin(deps: { sql: Sql }, dataDir: string): Promise<FirstAdmin> {
  const tokens = new ApiTokens(deps.sql);
  const none: FirstAdmin = { password: null, token: null, tokenFile: tokens.adminTokenFile(dataDir) };
  if ((await new UsersRepo(deps.sql).count()) > 0) return none;
  const password = generateOneTimePassword();
  // Hashed outside the transaction: scrypt is slow, and the transaction holds the store meanwhile.
  const passwordHash = await hashPassword(password);
  try {
    return await deps.sql.transaction(async (tx): Promise<FirstAdmin> => {
      const users = new UsersRepo(tx);
      if ((await users.count()) > 0) return none;
      const admin = await users.create({
        username: FIRST_ADMIN_USERNAME,
        displayName: FIRST_ADMIN_DISPLAY_NAME,
        passwordHash,
        mustChangePassword: true,
        grants: [{ role: 'admin', gateId: null }],
      });
      const inTx = new ApiTokens(tx);
      const { token, path } = await inTx.ensureAdminToken(dataDir);
      await inTx.adopt(ADMIN_TOKEN_NAME, admin.id);
      return { password, token, tokenFile: path };
    });
  } catch (error) {
    // PostgreSQL: another fleet process starting at the same moment created the administrator first.
    if (error instanceof GatecastError && error.code === 'CONFLICT') return none;
    throw error;
  }
}
