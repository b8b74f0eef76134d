import { ADMIN_TOKEN_NAME, type ApiTokens } from '../auth/api-tokens.js';
import type { Database } from '../store/database.js';
import { generateOneTimePassword, hashPassword } from './password-hash.js';
import type { UsersRepo } from './users-repo.js';

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
export async function ensureFirstAdmin(
  deps: { db: Database; users: UsersRepo; tokens: ApiTokens },
  dataDir: string,
): Promise<FirstAdmin> {
  const none: FirstAdmin = { password: null, token: null, tokenFile: deps.tokens.adminTokenFile(dataDir) };
  if (deps.users.count() > 0) return none;
  const password = generateOneTimePassword();
  // Hashed outside the transaction: scrypt is async, a better-sqlite3 transaction is not.
  const passwordHash = await hashPassword(password);
  return deps.db.transaction((): FirstAdmin => {
    if (deps.users.count() > 0) return none;
    const admin = deps.users.create({
      username: FIRST_ADMIN_USERNAME,
      displayName: FIRST_ADMIN_DISPLAY_NAME,
      passwordHash,
      mustChangePassword: true,
      grants: [{ role: 'admin', gateId: null }],
    });
    const { token, path } = deps.tokens.ensureAdminToken(dataDir);
    deps.tokens.adopt(ADMIN_TOKEN_NAME, admin.id);
    return { password, token, tokenFile: path };
  })();
}
